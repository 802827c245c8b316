"""Issuing as the line grows: the place in line with 100, 1,000 and 5,000 people waiting.

    .venv/bin/python bench/bench_line.py [--rounds 200]

In process on PostgreSQL (one throwaway database), 14 windows serving five matters. Two halls:

  alike     every window prefers the matters in the same order: the usual hall, where the
            database counts the place (hallops.core.read.position, ``_count_in_turns``)
  unalike   each window prefers a different matter first: the waiting tickets are read and the
            windows take their turns in Python (``_with_heaps``)

For each: ``issue_ticket`` p50 (the new ticket is cancelled again, so the line keeps its length)
and ``position`` alone. Results: bench/results/line.json.
"""

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import django_env, manage, pg_database, run_script, write_results  # noqa: E402

RUN = r"""
import json, time
from datetime import timedelta
from uuid import uuid4
from django.db import connection
from django.utils import timezone
from hallops.core.models import *
from hallops.core import actions
from hallops.core.clock import local_day
from hallops.core.read.position import position

def hall_of(code, alike):
    hall = Hall.objects.create(code=code, name=code, enforce_hours=False)
    zone = Zone.objects.create(hall=hall, code="z", name="综合区")
    services = [Service.objects.create(hall=hall, zone=zone, code=f"s{i}", name=f"事项{i}", prefix="ABCDE"[i])
                for i in range(5)]
    for n in range(1, 15):
        w = Window.objects.create(hall=hall, zone=zone, number=str(n), name=f"综窗{n}", state="open")
        first = 0 if alike else n % 5
        for j in range(5):
            WindowService.objects.create(window=w, service=services[(first + j) % 5], preference=j)
    return hall, services

def fill(hall, services, n):
    now = timezone.now(); day = local_day(now)
    Ticket.objects.bulk_create([
        Ticket(hall=hall, service=services[i % 5], day=day, number=f"Z{uuid4().hex[:11]}",
               rank=2 if i % 10 else 0, priority="normal" if i % 10 else "elderly", status="waiting",
               queue_at=now - timedelta(seconds=n - i), issued_at=now - timedelta(seconds=n - i))
        for i in range(n)], batch_size=5000)
    with connection.cursor() as c:
        c.execute("ANALYZE core_ticket")

def p50(fn, rounds):
    samples = []
    for _ in range(rounds):
        t0 = time.perf_counter(); fn(); samples.append(time.perf_counter() - t0)
    samples.sort()
    return round(samples[len(samples) // 2] * 1000, 3)

out = {}
for kind in ("alike", "unalike"):
    hall, services = hall_of(kind, kind == "alike")
    done, out[kind] = 0, {}
    for waiting in (100, 1000, 5000):
        fill(hall, services, waiting - done); done = waiting
        def issue():
            t = actions.issue_ticket(hall, services[0]).ticket
            Ticket.objects.filter(pk=t.pk).update(status="cancelled")
        mine = actions.issue_ticket(hall, services[0]).ticket; done += 1
        out[kind][waiting] = {"issue_p50_ms": p50(issue, ROUNDS),
                              "position_p50_ms": p50(lambda: position(mine, hall=hall), ROUNDS),
                              "ahead": position(mine, hall=hall).ahead}
print(json.dumps(out))
"""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=200)
    args = ap.parse_args()
    results = {"date": time.strftime("%Y-%m-%d %H:%M"), "rounds": args.rounds}
    with pg_database() as db_url:
        env = django_env(db_url)
        manage(env, "migrate", "--noinput", "-v", "0")
        results["by_line"] = json.loads(run_script(env, RUN.replace("ROUNDS", str(args.rounds))).strip().splitlines()[-1])
    for kind, sizes in results["by_line"].items():
        results[f"{kind}_5000_vs_100"] = round(sizes["5000"]["issue_p50_ms"] / sizes["100"]["issue_p50_ms"], 2)
    write_results("line", results)
    print(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
