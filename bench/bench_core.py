"""Queue engine benchmarks against running daphne servers on PostgreSQL and Redis.

    .venv/bin/python bench/bench_core.py [--quick]

Measures: issue-ticket latency and throughput over HTTP at 1 and 32 concurrent clients
(two daphne processes, clients spread over both); call-next latency over HTTP; the cost
of core.call_next with 100 and with 100,000 tickets waiting; the cost of core.issue_ticket with 100
and with 100,000 finished tickets in the history; and a floor: the same
database work as issue_ticket done with plain psycopg. Results: bench/results/core.json.
"""

import argparse
import http.client
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (  # noqa: E402
    daphne_servers, django_env, manage, pg_database, run_clients, run_script, summary_ms, write_results,
)

SETUP = r"""
import json
from django.contrib.auth import get_user_model
from hallops.core.models import *
from hallops.core import actions
hall = Hall.objects.create(code="bench", name="压测大厅", enforce_hours=False, skip_grace_minutes=0)
zone = Zone.objects.create(hall=hall, code="z", name="综合区")
svc = Service.objects.create(hall=hall, zone=zone, code="general", name="综合受理", prefix="A")
others = [Service.objects.create(hall=hall, zone=zone, code=f"s{i}", name=f"事项{i}", prefix="BCDE"[i]) for i in range(4)]
kiosk = Device.objects.create(hall=hall, kind=DeviceKind.KIOSK, name="bench-kiosk")
tokens = {"kiosk": ApiToken.issue(device=kiosk), "windows": []}
for i in range(1, 15):
    w = Window.objects.create(hall=hall, zone=zone, number=str(i), name=f"综窗{i}")
    WindowService.objects.create(window=w, service=svc, preference=0)
    for j, o in enumerate(others):
        WindowService.objects.create(window=w, service=o, preference=j + 1)
    u = get_user_model().objects.create_user(username=f"b{i}")
    StaffProfile.objects.create(user=u, hall=hall, display_name=f"员工{i}")
    actions.sign_in(w, u)
    tokens["windows"].append({"id": w.pk, "token": ApiToken.issue(user=u)})
print(json.dumps(tokens))
"""


class Client:
    """One keep-alive HTTP connection, like a kiosk's."""

    def __init__(self, port, token):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def post(self, path, body=None):
        t0 = time.perf_counter()
        self.conn.request("POST", path, body=json.dumps(body or {}), headers=self.headers)
        resp = self.conn.getresponse()
        data = resp.read()
        elapsed = time.perf_counter() - t0
        if resp.status >= 400:
            raise RuntimeError(f"{path}: {resp.status} {data[:200]!r}")
        return elapsed, data


def issue_run(ports, token, clients, per_client):
    def body(i, stop, mine):
        c = Client(ports[i % len(ports)], token)
        for _ in range(per_client):
            mine.append(c.post("/api/v1/halls/bench/tickets/", {"service": "general"})[0])

    latencies, wall, errors, _ = run_clients(clients, float("inf"), body)
    return {"clients": clients, **summary_ms(latencies), "tickets_per_s": round(len(latencies) / wall, 1),
            "errors": len(errors), "first_error": errors[0] if errors else None}


def call_next_run(ports, windows, rounds):
    lat = []
    clients = [Client(ports[i % len(ports)], w["token"]) for i, w in enumerate(windows)]
    for _ in range(rounds):
        for c, w in zip(clients, windows):
            elapsed, data = c.post(f"/api/v1/windows/{w['id']}/call-next/")
            lat.append(elapsed)
            if json.loads(data).get("ticket"):
                c.post(f"/api/v1/windows/{w['id']}/skip/")
    return summary_ms(lat)


def call_next_parallel(ports, windows, seconds, probe=None):
    """Every window calls back to back in its own thread (下一位 finishes the previous ticket).
    probe() runs once the clients are connected (bench_servers: connections per process)."""
    empty = []

    def body(i, stop, mine):
        w = windows[i]
        c = Client(ports[i % len(ports)], w["token"])
        while time.perf_counter() < stop:
            elapsed, data = c.post(f"/api/v1/windows/{w['id']}/call-next/")
            if json.loads(data).get("ticket"):
                mine.append(elapsed)
                c.post(f"/api/v1/windows/{w['id']}/start/")
            else:
                empty.append(elapsed)

    lat, wall, errors, probed = run_clients(len(windows), seconds, body, probe)
    return {"windows": len(windows), **summary_ms(lat), "calls_per_s": round(len(lat) / wall, 1),
            # A call that found nobody is cheap: counted apart, and a sign that the queue ran dry.
            "calls_nobody_waiting": len(empty), "errors": len(errors), "first_error": errors[0] if errors else None,
            "connections_per_process": probed}


CALL_COST = r"""
import json, time, random
from datetime import timedelta
from django.db import transaction
from django.utils import timezone
from hallops.core.models import *
from hallops.core import actions
from hallops.core.clock import local_day
hall = Hall.objects.get(code="bench")
services = list(Service.objects.filter(hall=hall))
window = Window.objects.get(hall=hall, number="1")
Ticket.objects.filter(hall=hall, status="waiting").update(status="cancelled")
Ticket.objects.filter(window=window, status__in=["called", "serving"]).update(status="done")
now = timezone.now(); day = local_day(now)
def fill(n):
    rows = []
    for i in range(n):
        s = services[i % len(services)]
        at = now - timedelta(seconds=n - i)
        rows.append(Ticket(hall=hall, service=s, day=day, number=f"Z{uuid4().hex[:11]}", rank=2 if i % 10 else 0,
                           priority="normal" if i % 10 else "elderly", status="waiting", queue_at=at, issued_at=at))
    Ticket.objects.bulk_create(rows, batch_size=5000)
from uuid import uuid4
out = {}
for waiting in (100, 100000):
    Ticket.objects.filter(hall=hall, status="waiting").update(status="cancelled")
    fill(waiting)
    from django.db import connection
    with connection.cursor() as c:
        c.execute("ANALYZE core_ticket")
    from hallops.core import order
    from hallops.core.models import WindowService
    bounds = order.Bounds.of(hall, timezone.now())
    from hallops.core.actions.claims import CLAIM_DEPTH
    with connection.cursor() as c:  # the claim's choice (rolled back: EXPLAIN ANALYZE locks the row)
        c.execute("BEGIN")
        c.execute("EXPLAIN (ANALYZE, FORMAT JSON) WITH " + order.first_free_ctes(CLAIM_DEPTH, "c.id")
                  + " SELECT * FROM pick", order.first_free_params(window.pk, day, bounds, CLAIM_DEPTH))
        plan = c.fetchone()[0][0]
        c.execute("ROLLBACK")
    def nodes(n):
        yield n["Node Type"], n.get("Relation Name")
        for child in n.get("Plans", []):
            yield from nodes(child)
    seen = set(nodes(plan["Plan"]))
    probe = {"execution_ms": plan["Execution Time"], "seq_scan_on_ticket": ("Seq Scan", "core_ticket") in seen,
             "node_types": sorted({n for n, _ in seen})}
    samples = []
    for i in range(ROUNDS):
        t0 = time.perf_counter()
        t = actions.call_next(window)
        samples.append(time.perf_counter() - t0)
        actions.skip(window)
        fill(1)  # keep the queue length constant
    samples.sort()
    out[waiting] = {"p50_ms": round(samples[len(samples)//2]*1000, 3), "p99_ms": round(samples[int(len(samples)*0.99)-1]*1000, 3),
                    "probe_explain": probe}
print(json.dumps(out))
"""


# Issuing reads the matter's recent handling time and the queue; neither may grow with the history
# of finished tickets (months of them in a real hall). Timed with 100 and with 100,000 finished.
ISSUE_COST = r"""
import json, time
from datetime import timedelta
from uuid import uuid4
from django.db import connection
from django.utils import timezone
from hallops.core.models import *
from hallops.core import actions
hall = Hall.objects.get(code="bench")
services = list(Service.objects.filter(hall=hall))
Ticket.objects.filter(hall=hall, status="waiting").update(status="cancelled")
now = timezone.now()
def history(n):
    rows = []
    for i in range(n):
        at = now - timedelta(minutes=i + 1)
        rows.append(Ticket(hall=hall, service=services[i % len(services)], day=at.date(), number=f"H{uuid4().hex[:11]}",
                           rank=2, priority="normal", status="done", queue_at=at, issued_at=at, called_at=at,
                           started_at=at, finished_at=at + timedelta(minutes=6)))
    Ticket.objects.bulk_create(rows, batch_size=5000)
    with connection.cursor() as c:
        c.execute("ANALYZE core_ticket")
out, done = {}, 0
for finished in (100, 100000):
    history(finished - done); done = finished
    samples = []
    for i in range(ROUNDS):
        t0 = time.perf_counter()
        t = actions.issue_ticket(hall, services[0]).ticket
        samples.append(time.perf_counter() - t0)
        Ticket.objects.filter(pk=t.pk).update(status="cancelled")  # the queue stays as it was
    samples.sort()
    out[finished] = {"p50_ms": round(samples[len(samples)//2]*1000, 3)}
print(json.dumps(out))
"""


FLOOR = r"""
import json, time, uuid, threading, psycopg
from datetime import datetime, timezone, date
DSN = DSN_VALUE
hall_id, svc_id = HALL_ID, SVC_ID
with psycopg.connect(DSN) as c0:
    cur0 = c0.execute("SELECT * FROM core_ticket WHERE service_id = %s LIMIT 1", (svc_id,))
    template = dict(zip([d.name for d in cur0.description], cur0.fetchone()))  # every column, whatever main adds
cols = list(template)
insert_ticket = f"INSERT INTO core_ticket ({', '.join(cols)}) VALUES ({', '.join(['%s'] * len(cols))})"
def one(conn):
    now = datetime.now(timezone.utc); day = date.today()
    with conn.transaction():
        cur = conn.cursor()
        cur.execute("INSERT INTO core_dailycounter (hall_id, prefix, day, last) VALUES (%s,'F',%s,1) "
                    "ON CONFLICT (hall_id, prefix, day) DO UPDATE SET last = core_dailycounter.last + 1 RETURNING last", (hall_id, day))
        seq = cur.fetchone()[0]
        tid = uuid.uuid4()
        row = {**template, "id": tid, "number": f"F{seq:05d}", "status": "cancelled", "day": day, "queue_at": now,
               "issued_at": now, "called_at": None, "started_at": None, "finished_at": None, "window_id": None,
               "staff_id": None, "target_window_id": None, "transferred_from_id": None, "appointment_id": None}
        cur.execute(insert_ticket, [row[c] for c in cols])
        cur.execute("SELECT COUNT(*) FROM core_ticket WHERE service_id=%s AND day=%s AND status='waiting' AND (rank < 2 OR (rank = 2 AND queue_at < %s))", (svc_id, day, now))
        cur.fetchone()
        cur.execute("SELECT started_at, finished_at FROM core_ticket WHERE service_id=%s AND status='done' AND started_at IS NOT NULL ORDER BY finished_at DESC LIMIT 20", (svc_id,))
        cur.fetchall()
        cur.execute("SELECT COUNT(*) FROM core_windowservice ws JOIN core_window w ON w.id = ws.window_id WHERE ws.service_id=%s AND w.state IN ('open','serving')", (svc_id,))
        cur.fetchone()
        cur.execute("INSERT INTO core_eventsequence (hall_id, last) VALUES (%s, 1) ON CONFLICT (hall_id) DO UPDATE SET last = core_eventsequence.last + 1 RETURNING last", (hall_id,))
        eseq = cur.fetchone()[0]
        cur.execute("INSERT INTO core_hallevent (hall_id, seq, type, payload, actor, created_at) VALUES (%s,%s,'floor','{}','',%s)", (hall_id, eseq, now))
def run(clients, per):
    lat = []; lock = threading.Lock()
    def w():
        conn = psycopg.connect(DSN); mine = []
        for _ in range(per):
            t0 = time.perf_counter(); one(conn); mine.append(time.perf_counter() - t0)
        conn.close()
        with lock: lat.extend(mine)
    ts = [threading.Thread(target=w) for _ in range(clients)]
    t0 = time.perf_counter(); [t.start() for t in ts]; [t.join() for t in ts]; wall = time.perf_counter() - t0
    lat.sort()
    return {"clients": clients, "p50_ms": round(lat[len(lat)//2]*1000, 3), "p99_ms": round(lat[int(len(lat)*0.99)-1]*1000, 3), "per_s": round(len(lat)/wall, 1)}
print(json.dumps({"1": run(1, N1), "32": run(32, N32)}))
"""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="fewer requests, for a smoke run")
    args = ap.parse_args()
    n1, n32, rounds = (100, 10, 5) if args.quick else (500, 40, 30)
    results = {"date": time.strftime("%Y-%m-%d %H:%M"), "quick": args.quick}
    with pg_database() as db_url:
        env = django_env(db_url)
        manage(env, "migrate", "--noinput", "-v", "0")
        tokens = json.loads(run_script(env, SETUP))
        with daphne_servers(env, count=2) as (ports, _):
            Client(ports[0], tokens["kiosk"]).post("/api/v1/halls/bench/tickets/", {"service": "general"})  # warm up
            results["issue_1_client"] = issue_run(ports, tokens["kiosk"], 1, n1)
            results["issue_8_kiosks"] = issue_run(ports, tokens["kiosk"], 8, n32 * 4)
            results["issue_32_clients"] = issue_run(ports, tokens["kiosk"], 32, n32)
            results["call_next_http"] = call_next_run(ports, tokens["windows"], rounds)
            results["call_next_14_windows"] = call_next_parallel(ports, tokens["windows"], 10 if args.quick else 20)
        write_results("core-http", results)  # kept if an in-process part fails
        out = run_script(env, CALL_COST.replace("ROUNDS", str(rounds * 10)))
        results["call_next_cost"] = json.loads(out.strip().splitlines()[-1])
        out = run_script(env, ISSUE_COST.replace("ROUNDS", str(rounds * 10)))
        results["issue_cost_by_history"] = json.loads(out.strip().splitlines()[-1])
        write_results("core-http", results)
        ids = json.loads(run_script(env, "import json; from hallops.core.models import *; "
                                         "h=Hall.objects.get(code='bench'); print(json.dumps([h.pk, Service.objects.get(hall=h, code='general').pk]))"))
        floor = FLOOR.replace("DSN_VALUE", repr(db_url)).replace("HALL_ID", str(ids[0])).replace("SVC_ID", str(ids[1]))
        floor = floor.replace("N1", str(n1)).replace("N32", str(n32))
        results["floor_psycopg"] = json.loads(run_script(env, floor).strip().splitlines()[-1])
    c = results["call_next_cost"]
    results["checks"] = {
        "issue_p50_vs_floor": round(results["issue_1_client"]["p50_ms"] / results["floor_psycopg"]["1"]["p50_ms"], 2),
        "issue_tickets_per_s_8": results["issue_8_kiosks"]["tickets_per_s"],
        "issue_tickets_per_s_32": results["issue_32_clients"]["tickets_per_s"],
        "calls_per_s_14_windows": results["call_next_14_windows"]["calls_per_s"],
        "call_next_100k_vs_100": round(c["100000"]["p50_ms"] / c["100"]["p50_ms"], 2),
        "issue_100k_history_vs_100": round(results["issue_cost_by_history"]["100000"]["p50_ms"]
                                           / results["issue_cost_by_history"]["100"]["p50_ms"], 2),
    }
    write_results("core", results)
    print(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
