"""The request path against its floors, measured in one run (issue 14).

    .venv/bin/python bench/bench_request.py [--rounds 300] [--processes 2]

One throwaway PostgreSQL database, Redis for the channel layer, daphne processes serving
hallops with one extra bare Django JSON view (bench/bench_settings.py). The endpoints are called
interleaved — one of each per round, on one keep-alive connection per process — so that the
noise of a shared machine falls on all of them alike; the ratios and differences are the result.

  bare          GET /bench/bare/ — a plain Django JsonResponse through the full middleware stack
  me            GET /api/v1/me/ with a device bearer token — the trivial authenticated ninja GET
  halls         GET /api/v1/halls/ with the token
  load          GET /api/v1/halls/bench/load/ with the token (the dashboard's read: every matter and window)
  services      GET /api/v1/halls/bench/services/ (public: the kiosk's catalogue with waits)
  issue         POST /api/v1/halls/bench/tickets/ (kiosk token)
  call_next     POST /api/v1/windows/ID/call-next/ (staff token; the window starts each ticket,
                so every call after the first also finishes one: 下一位)
  floor_issue   plain psycopg, one transaction doing what issuing must: number, ticket, event
  floor_claim   plain psycopg, one transaction claiming the oldest waiting ticket and its event

Also the statements each action runs (counted in process). Results: bench/results/request.json.
"""

import argparse
import http.client
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import daphne_servers, django_env, manage, pg_database, run_script, summary_ms, write_results  # noqa: E402

SETUP = r"""
import json
from django.contrib.auth import get_user_model
from hallops.core.models import *
from hallops.core import actions
hall = Hall.objects.create(code="bench", name="压测大厅", enforce_hours=False)
zone = Zone.objects.create(hall=hall, code="z", name="综合区")
svc = Service.objects.create(hall=hall, zone=zone, code="general", name="综合受理", prefix="A")
others = [Service.objects.create(hall=hall, zone=zone, code=f"s{i}", name=f"事项{i}", prefix="BCDE"[i]) for i in range(4)]
kiosk = Device.objects.create(hall=hall, kind=DeviceKind.KIOSK, name="bench-kiosk")
out = {"kiosk": ApiToken.issue(device=kiosk), "windows": [], "hall": hall.pk, "service": svc.pk}
for i in range(1, 15):
    w = Window.objects.create(hall=hall, zone=zone, number=str(i), name=f"综窗{i}")
    WindowService.objects.create(window=w, service=svc, preference=0)
    for j, o in enumerate(others):
        WindowService.objects.create(window=w, service=o, preference=j + 1)
    u = get_user_model().objects.create_user(username=f"b{i}")
    StaffProfile.objects.create(user=u, hall=hall, display_name=f"员工{i}")
    actions.sign_in(w, u)
    out["windows"].append({"id": w.pk, "token": ApiToken.issue(user=u)})
if DEVICES:
    # As a hall has them: an LED strip and an evaluation pad at every window and the kiosk's
    # printer, driven by a gateway (none runs here: the commands stay pending, the notifications
    # still go to the gateway's group).
    gw = Device.objects.create(hall=hall, kind=DeviceKind.GATEWAY, name="bench-gateway")
    for w in Window.objects.filter(hall=hall):
        for kind in (DeviceKind.WINDOW_DISPLAY, DeviceKind.EVALUATION_PAD):
            Device.objects.create(hall=hall, kind=kind, window=w, name=f"{kind}-{w.number}",
                                  url=f"virtual://{kind}-{w.number}", gateway=gw)
    Device.objects.create(hall=hall, kind=DeviceKind.PRINTER, name="bench-printer", url="virtual://printer",
                          gateway=gw, options={"kiosk": "bench-kiosk"})
for k in range(300):
    actions.issue_ticket(hall, [svc, *others][k % 5])
print(json.dumps(out))
"""


def setup_script(devices: bool) -> str:
    return f"DEVICES = {devices!r}\n{SETUP}"

COUNTS = r"""
import json
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hallops.core.models import *
from hallops.core import actions
hall = Hall.objects.get(code="bench"); svc = Service.objects.get(hall=hall, code="general")
w = Window.objects.get(hall=hall, number="14")
Ticket.objects.filter(window=w, status__in=["called", "serving"]).update(status="done")
Window.objects.filter(pk=w.pk).update(state="open")
hall.skip_grace_minutes = 0; hall.save()
def n(fn):
    with CaptureQueriesContext(connection) as c:
        fn()
    return len(c.captured_queries)
print(json.dumps({
    "issue_ticket": n(lambda: actions.issue_ticket(hall, svc)),
    "call_next": n(lambda: actions.call_next(w)),
    "recall": n(lambda: actions.recall(w)),
    "start": n(lambda: actions.start(w)),
    "call_next_while_serving": n(lambda: actions.call_next(w)),
    "skip": n(lambda: actions.skip(w)),
    "finish": (actions.call_next(w), n(lambda: actions.finish(w)))[1],
}))
"""

FLOOR = r"""
import json, time, uuid, psycopg
from datetime import datetime, timezone, date
conn = psycopg.connect(__DSN__)
hall_id, svc_id = __HALL__, __SVC__
cur0 = conn.cursor()
cur0.execute("SELECT * FROM core_ticket WHERE service_id = %s LIMIT 1", (svc_id,))
template = dict(zip([d.name for d in cur0.description], cur0.fetchone()))  # every column, whatever main adds
conn.commit()
cols = list(template)
insert_ticket = f"INSERT INTO core_ticket ({', '.join(cols)}) VALUES ({', '.join(['%s'] * len(cols))})"
def issue():
    now = datetime.now(timezone.utc); day = date.today()
    with conn.transaction():
        cur = conn.cursor()
        cur.execute("INSERT INTO core_dailycounter (hall_id, prefix, day, last) VALUES (%s,'F',%s,1) "
                    "ON CONFLICT (hall_id, prefix, day) DO UPDATE SET last = core_dailycounter.last + 1 RETURNING last", (hall_id, day))
        seq = cur.fetchone()[0]
        row = {**template, "id": uuid.uuid4(), "number": f"F{seq:05d}", "status": "cancelled", "day": day,
               "queue_at": now, "issued_at": now, "called_at": None, "started_at": None, "finished_at": None,
               "window_id": None, "staff_id": None, "target_window_id": None, "transferred_from_id": None,
               "appointment_id": None}
        cur.execute(insert_ticket, [row[c] for c in cols])
        cur.execute("INSERT INTO core_eventsequence (hall_id, last) VALUES (%s, 1) ON CONFLICT (hall_id) DO UPDATE SET last = core_eventsequence.last + 1 RETURNING last", (hall_id,))
        e = cur.fetchone()[0]
        cur.execute("INSERT INTO core_hallevent (hall_id, seq, type, payload, actor, created_at) VALUES (%s,%s,'floor','{}','',%s)", (hall_id, e, now))
def claim():
    now = datetime.now(timezone.utc)
    with conn.transaction():
        cur = conn.cursor()
        cur.execute("UPDATE core_ticket SET status = 'cancelled' WHERE id = (SELECT id FROM core_ticket WHERE service_id = %s "
                    "AND status = 'waiting' AND rank = 2 ORDER BY queue_at LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING id", (svc_id,))
        cur.fetchone()
        cur.execute("INSERT INTO core_eventsequence (hall_id, last) VALUES (%s, 1) ON CONFLICT (hall_id) DO UPDATE SET last = core_eventsequence.last + 1 RETURNING last", (hall_id,))
        e = cur.fetchone()[0]
        cur.execute("INSERT INTO core_hallevent (hall_id, seq, type, payload, actor, created_at) VALUES (%s,%s,'floor','{}','',%s)", (hall_id, e, now))
out = {}
for name, fn in (("floor_issue", issue), ("floor_claim", claim)):
    lat = []
    for _ in range(__N__):
        t0 = time.perf_counter(); fn(); lat.append(time.perf_counter() - t0)
    out[name] = lat
print(json.dumps(out))
"""


class Conn:
    def __init__(self, port):
        self.c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def req(self, method, path, token=None, body=None):
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        t0 = time.perf_counter()
        self.c.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
        r = self.c.getresponse()
        data = r.read()
        dt = time.perf_counter() - t0
        if r.status >= 400:
            raise RuntimeError(f"{method} {path}: {r.status} {data[:300]!r}")
        return dt, data


# What one round asks, in order: (method, path, token of the SETUP output, body); call_next is a
# window's 下一位 followed by start when it called someone.
REQUESTS = {
    "bare": ("GET", "/bench/bare/", None, None),
    "me": ("GET", "/api/v1/me/", "kiosk", None),
    "halls": ("GET", "/api/v1/halls/", "kiosk", None),
    "load": ("GET", "/api/v1/halls/bench/load/", "kiosk", None),
    "services": ("GET", "/api/v1/halls/bench/services/", None, None),
    "issue": ("POST", "/api/v1/halls/bench/tickets/", "kiosk", {"service": "general"}),
}
ROUND = ("bare", "me", "halls", "load", "services", "issue", "call_next")


def one_round(c, info, window, names):
    """Seconds each named request took on connection ``c``."""
    got = {}
    for name in names:
        if name == "call_next":
            got[name], data = c.req("POST", f"/api/v1/windows/{window['id']}/call-next/", window["token"])
            if json.loads(data).get("ticket"):
                c.req("POST", f"/api/v1/windows/{window['id']}/start/", window["token"])
        else:
            method, path, token, body = REQUESTS[name]
            got[name] = c.req(method, path, info[token] if token else None, body)[0]
    return got


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=300)
    ap.add_argument("--processes", type=int, default=2)
    ap.add_argument("--devices", action="store_true", help="LED strips, pads and a printer, as a hall has")
    ap.add_argument("--server", choices=["daphne", "gunicorn", "granian"], default="daphne",
                    help="what serves the API (gunicorn and granian: hallops.wsgi, 4 threads a process)")
    args = ap.parse_args()
    results = {"date": time.strftime("%Y-%m-%d %H:%M"), "rounds": args.rounds, "processes": args.processes,
               "server": args.server}
    with pg_database() as db_url:
        env = django_env(db_url, DJANGO_SETTINGS_MODULE="bench.bench_settings")
        manage(env, "migrate", "--noinput", "-v", "0")
        info = json.loads(run_script(env, setup_script(args.devices)).strip().splitlines()[-1])
        samples = {k: [] for k in ("bare", "me", "halls", "load", "services", "issue", "call_next")}
        with daphne_servers(env, count=args.processes, kind=args.server) as (ports, _):
            conns = [Conn(p) for p in ports]
            window = info["windows"][0]
            for i in range(args.rounds + 20):  # the first 20 rounds warm up
                got = one_round(conns[i % len(conns)], info, window, ROUND)
                if i >= 20:
                    for k, v in got.items():
                        samples[k].append(v)
        floor = FLOOR.replace("__DSN__", repr(db_url)).replace("__HALL__", str(info["hall"])).replace(
            "__SVC__", str(info["service"])).replace("__N__", str(args.rounds))
        write_results("request-http", {k: summary_ms(v) for k, v in samples.items()})  # kept if a floor fails
        samples.update(json.loads(run_script(env, floor).strip().splitlines()[-1]))
        results["statements"] = json.loads(run_script(env, COUNTS).strip().splitlines()[-1])
    results["latency"] = {k: summary_ms(v) for k, v in samples.items()}
    p50 = {k: v["p50_ms"] for k, v in results["latency"].items()}
    results["derived"] = {
        "me_minus_bare_ms": round(p50["me"] - p50["bare"], 2),
        "halls_minus_bare_ms": round(p50["halls"] - p50["bare"], 2),
        "me_vs_bare": round(p50["me"] / p50["bare"], 2),
        "issue_vs_bare_plus_floor": round(p50["issue"] / (p50["bare"] + p50["floor_issue"]), 2),
        "call_next_vs_bare_plus_floor": round(p50["call_next"] / (p50["bare"] + p50["floor_claim"]), 2),
    }
    write_results("request", results)
    print(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
