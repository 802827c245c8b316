"""Server setups for the HTTP API, one after another in one run (issue 14: pick by measurement).

    .venv/bin/python bench/bench_servers.py [--seconds 20] [--setups daphne2,daphne4,gunicorn2x4,gunicorn4x4,granian2x4,granian4x4]

The setups are the candidates for serving the API: more daphne processes, or a WSGI server
(hallops.wsgi, several threads per process) with daphne left to the sockets: gunicorn's gthread
workers, or granian's (HTTP parsed in Rust). Each setup gets a fresh throwaway PostgreSQL database with
bench_core's hall (5 matters, 14 windows with staff signed in) and then
  calls  14 windows call back to back for S seconds, each in its own client thread on a keep-alive
         connection (call-next, then start), on tickets seeded beforehand → calls/s, call-next p50/p99;
  issue  8 kiosks issue at once for S seconds, spread over the 5 matters, from an empty queue
         → tickets/s, p50/p99.
Targets (issue 14): ≥ 150 calls/s and ≥ 250 tickets/s on two processes. Client threads spread over
the setup's ports (gunicorn listens on one; its workers share it). The clients run on the same
machine as the servers, as in the other benches: on 2 cores they take CPU from them alike in every
setup. Load averages at the start and end of each setup say how quiet the machine was.

Needs PostgreSQL (HALLOPS_BENCH_PG) and Redis (HALLOPS_BENCH_REDIS). Results: bench/results/servers.json.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from bench_core import SETUP, Client  # noqa: E402
from bench_core import call_next_parallel as calls  # noqa: E402
from common import (  # noqa: E402
    RESULTS, ROOT, cpu_seconds, daphne_servers, django_env, manage, pg_database, process_tree, run_clients,
    run_script, summary_ms, write_results,
)

from tests.production.cluster import granian, gunicorn  # noqa: E402

SETUPS = {  # name: (server, processes, threads per process)
    "daphne2": ("daphne", 2, 1),
    "daphne4": ("daphne", 4, 1),
    "gunicorn2x4": ("gunicorn", 2, 4),
    "gunicorn4x4": ("gunicorn", 4, 4),
    "granian2x4": ("granian", 2, 4),
    "granian4x4": ("granian", 4, 4),
}
WINDOWS, KIOSKS = 14, 8
MATTERS = ["general", "s0", "s1", "s2", "s3"]

# Waiting tickets for the call workload, spread over the matters like CALL_COST in bench_core.py.
SEED = r"""
from datetime import timedelta
from uuid import uuid4
from django.utils import timezone
from hallops.core.clock import local_day
from hallops.core.models import Hall, Service, Ticket
hall = Hall.objects.get(code="bench")
services = list(Service.objects.filter(hall=hall))
now = timezone.now(); day = local_day(now); n = COUNT
rows = []
for i in range(n):
    at = now - timedelta(seconds=n - i)
    rows.append(Ticket(hall=hall, service=services[i % len(services)], day=day, number=f"Z{uuid4().hex[:11]}",
                       rank=2 if i % 10 else 0, priority="normal" if i % 10 else "elderly", status="waiting",
                       queue_at=at, issued_at=at))
Ticket.objects.bulk_create(rows, batch_size=5000)
"""

# The issue workload starts from an empty queue: the place in line a ticket is issued with costs more
# the more tickets wait (docs/performance.md), and the leftovers of the call workload differ by setup.
CLEAR = r"""
from hallops.core.models import Ticket
print(Ticket.objects.filter(hall__code="bench", status="waiting").update(status="cancelled"))
"""


@contextmanager
def wsgi_server(kind, env, workers, threads):
    """gunicorn or granian (hallops.wsgi) with its workers on one port."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    server = {"gunicorn": gunicorn, "granian": granian}[kind]
    with server(env, workers=workers, threads=threads, log_dir=RESULTS) as (port, proc):
        yield [port], [proc]


def servers(kind, env, processes, threads):
    if kind == "daphne":
        return daphne_servers(env, count=processes)
    return wsgi_server(kind, env, processes, threads)


def connections_per_process(ports):
    """Established client connections per server pid: whether gunicorn's workers share the clients
    (they accept from one socket, first come first served)."""
    out = subprocess.run(["ss", "-tnpH", "state", "established"], capture_output=True, text=True).stdout
    counts = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) < 4 or not any(parts[2].endswith(f":{p}") for p in ports):
            continue
        m = re.search(r"pid=(\d+)", line)
        key = m.group(1) if m else "?"
        counts[key] = counts.get(key, 0) + 1
    return sorted(counts.values(), reverse=True)


def issue(ports, token, seconds, probe=None):
    def body(i, stop, mine):
        c = Client(ports[i % len(ports)], token)
        matter = MATTERS[i % len(MATTERS)]
        while time.perf_counter() < stop:
            mine.append(c.post("/api/v1/halls/bench/tickets/", {"service": matter})[0])

    lat, wall, errors, probed = run_clients(KIOSKS, seconds, body, probe)
    return {"kiosks": KIOSKS, **summary_ms(lat), "tickets_per_s": round(len(lat) / wall, 1),
            "errors": len(errors), "first_error": errors[0] if errors else None, "connections_per_process": probed}


def loadavg():
    return [round(x, 2) for x in os.getloadavg()]


def run_setup(name, seconds, tickets):
    kind, processes, threads = SETUPS[name]
    out = {"server": kind, "processes": processes, "threads_per_process": threads, "loadavg_start": loadavg()}
    with pg_database() as db_url:
        env = django_env(db_url)
        manage(env, "migrate", "--noinput", "-v", "0")
        tokens = json.loads(run_script(env, SETUP).strip().splitlines()[-1])
        run_script(env, SEED.replace("COUNT", str(tickets)))
        with servers(kind, env, processes, threads) as (ports, procs):
            pids = process_tree([p.pid for p in procs])

            def probe():
                return connections_per_process(ports)

            calls(ports, tokens["windows"], 1.0)  # warm up every process and thread, not counted
            cpu0 = cpu_seconds(pids)
            out["calls"] = calls(ports, tokens["windows"], seconds, probe)
            cpu1 = cpu_seconds(pids)
            out["tickets_cancelled_before_issue"] = int(run_script(env, CLEAR).strip().splitlines()[-1])
            out["issue"] = issue(ports, tokens["kiosk"], seconds, probe)
            # Seconds of CPU the server processes used per second of the run: 2.0 is all of a 2-core box.
            out["server_cpu_per_s"] = {"calls": round((cpu1 - cpu0) / seconds, 2),
                                       "issue": round((cpu_seconds(pids) - cpu1) / seconds, 2)}
    out["loadavg_end"] = loadavg()
    return out


def table(results):
    head = ["setup", "calls/s", "call p50", "call p99", "tickets/s", "issue p50", "issue p99", "errors",
            "server cpu", "conns/process", "load start→end"]
    rows = [head]
    for name, r in results["setups"].items():
        c, i = r["calls"], r["issue"]
        rows.append([name, c["calls_per_s"], c["p50_ms"], c["p99_ms"], i["tickets_per_s"], i["p50_ms"], i["p99_ms"],
                     c["errors"] + i["errors"], f"{r['server_cpu_per_s']['calls']}/{r['server_cpu_per_s']['issue']}",
                     "/".join(map(str, c["connections_per_process"] or [])),
                     f"{r['loadavg_start'][0]}→{r['loadavg_end'][0]}"])
    widths = [max(len(str(row[k])) for row in rows) for k in range(len(head))]
    for row in rows:
        print("  ".join(str(v).rjust(w) for v, w in zip(row, widths)))
    print(f"targets: ≥ {results['targets']['calls_per_s']} calls/s, ≥ {results['targets']['tickets_per_s']} "
          "tickets/s; p50/p99 in ms; server cpu = CPU seconds per second (calls/issue); "
          "conns/process = client connections each server process held during the calls")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=20, help="length of each workload per setup")
    ap.add_argument("--setups", default=",".join(SETUPS), help=f"comma-separated, of {', '.join(SETUPS)}")
    ap.add_argument("--tickets", type=int, default=None,
                    help="waiting tickets seeded for the call workload (default: 500 per second of it)")
    args = ap.parse_args()
    names = [s.strip() for s in args.setups.split(",") if s.strip()]
    unknown = [n for n in names if n not in SETUPS]
    if unknown:
        ap.error(f"unknown setups: {', '.join(unknown)}")
    tickets = args.tickets or max(3000, int(500 * args.seconds))
    results = {"date": time.strftime("%Y-%m-%d %H:%M"), "seconds": args.seconds, "tickets_seeded": tickets,
               "cpus": os.cpu_count(), "loadavg_start": loadavg(), "targets": {"calls_per_s": 150, "tickets_per_s": 250},
               "setups": {}}
    for name in names:
        print(f"--- {name}", flush=True)
        results["setups"][name] = run_setup(name, args.seconds, tickets)
        write_results("servers", results)  # a run cut short still leaves what it measured
    results["loadavg_end"] = loadavg()
    write_results("servers", results)
    print(json.dumps(results, indent=2, ensure_ascii=False))
    table(results)


if __name__ == "__main__":
    main()
