"""Hall screens at scale: two daphne processes on PostgreSQL + Redis, hundreds of display sockets.

Measures
  1. latency from each call-next HTTP request to the ticket.called frame on every screen (p50/p99/max),
     calls paced one at a time, screens split across both processes;
  2. the call rate the hall sustains with every screen keeping up (calls from several windows at once);
  3. RSS per daphne process per 1,000 connected screens (/proc/PID/status);
  4. the floor: a bare Redis publish → subscriber round trip over the same number of subscribers.

    .venv/bin/python bench/bench_screens.py [--screens 500] [--calls 50] [--windows 8] [--memory 1000]
        [--client-procs N] [--pin-servers CPUS --pin-clients CPUS]

Where the load generator runs (bench/screen_clients.py has the details):
  --client-procs 0 (default)  the screens' sockets live in this process, beside the HTTP calls, so
                              this one process's CPU is part of every figure;
  --client-procs N            N worker processes, each in a session and process group of its own,
                              hold the screens; this process makes the calls, waits on the workers'
                              "complete" reports and collects the arrival times at the end.
  --pin-servers / --pin-clients CPUS (e.g. 0 and 1, or 0-1): sched_setaffinity on every thread of
                              the daphnes, resp. of the workers and of this process (it makes the
                              HTTP calls). Without them the servers and the load generator share
                              all CPUs. PostgreSQL and Redis are not ours to pin and run anywhere.
On a 2-core machine "not sharing" means daphnes on cpu 0 and clients on cpu 1: it takes the
load generator off the servers' CPU, and it also halves the CPUs the servers get, so neither
variant is the deployment; report both, and the pinned one as a floor for one server core.

Needs PostgreSQL (HALLOPS_BENCH_PG, default postgres://postgres@127.0.0.1:5432) and Redis
(HALLOPS_BENCH_REDIS, default redis://127.0.0.1:6379/0). Results: bench/results/screens*.json, the
name telling the variant (screens-split-c4-pinned.json: --split --client-procs 4, pinned).
"""

import argparse
import contextlib
import asyncio
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

from common import CpuMeter, pids_named, process_tree
from screen_clients import ScreenGroup, open_pool, parse_cpus, pin

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.production.cluster import (  # noqa: E402
    daphnes, granian, gunicorn, migrate_and_seed, private_redis, server_env, throwaway_database,
)

PG = os.environ.get("HALLOPS_BENCH_PG", "postgres://postgres@127.0.0.1:5432/postgres")
REDIS = os.environ.get("HALLOPS_BENCH_REDIS", "redis://127.0.0.1:6379/0")


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, max(0, round(p / 100 * (len(values) - 1))))] if values else float("nan")


def summary_ms(seconds):
    ms = [s * 1000 for s in seconds]
    return {"n": len(ms), "p50_ms": round(pct(ms, 50), 1), "p99_ms": round(pct(ms, 99), 1),
            "max_ms": round(max(ms), 1), "mean_ms": round(statistics.fmean(ms), 1)}


def raise_fd_limit(need):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < need:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(need, hard), hard))  # inherited by daphne too


def rss_kb(pid) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


class Desk:
    """HTTP calls at one process, as a console would make them."""

    def __init__(self, port, token):
        self.base = f"http://127.0.0.1:{port}/api/v1"
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"

    def post(self, path):
        r = self.session.post(self.base + path, timeout=30)
        r.raise_for_status()
        return r.json()

    def call(self, window):
        """-> (number, perf_counter when sent, seconds until the reply)"""
        sent = time.perf_counter()
        number = self.post(f"/windows/{window}/call-next/")["ticket"]["number"]
        replied = time.perf_counter() - sent
        self.post(f"/windows/{window}/start/")  # next call-next on this window finishes it
        return number, sent, replied


async def paced_latency(pool, desk, window, calls):
    sent, gave_up, http = {}, {}, []
    # One uncounted call first: a daphne's first request imports and connects (about a second),
    # which would otherwise be the paced p99 on its own.
    warm_up, _, _ = await asyncio.to_thread(desk.call, window)
    await pool.wait([warm_up], timeout=10)
    for _ in range(calls):
        number, t, replied = await asyncio.to_thread(desk.call, window)
        sent[number] = (t, replied)
        http.append(replied)
        if not await pool.wait([number], timeout=10):
            gave_up[number] = time.perf_counter()  # what arrives after this counts as lost
    # The arrival times are collected once the calls are over, so that a worker reports only
    # "complete" while the run is measured.
    arrivals = await pool.arrivals()
    samples, after_reply, lost = [], [], 0
    for arrived in arrivals.values():
        for number, (t, replied) in sent.items():
            at = arrived.get(number)
            if at is None or at > gave_up.get(number, float("inf")):
                lost += 1
                continue
            samples.append(at - t)
            after_reply.append(max(0.0, at - t - replied))
    # The HTTP reply and the frames leave the server at about the same time (publish is on commit),
    # so "after reply" is the fan-out: how much later than the caller the last screen learns of it.
    return {**summary_ms(samples), "calls": calls, "screens": len(arrivals), "lost": lost,
            "call_next_http": summary_ms(http), "fan_out_after_reply": summary_ms(after_reply)}


async def sustained_rate(pool, desks, windows, calls_per_window):
    """Every window calls back to back on a desk of its own; the rate counts until the last screen
    has the last call."""
    sent = {}

    def run(desk, window):
        for _ in range(calls_per_window):
            number, t, _ = desk.call(window)
            sent[number] = t

    loop = asyncio.get_running_loop()
    # A thread per window: asyncio.to_thread's default pool has min(32, cpus + 4) threads, 6 on
    # two cores, which would quietly turn "14 windows calling at once" into 6.
    with ThreadPoolExecutor(len(windows)) as threads:
        start = time.perf_counter()
        await asyncio.gather(*(loop.run_in_executor(threads, run, d, w) for d, w in zip(desks, windows)))
        issued_done = time.perf_counter()
    complete = await pool.wait(list(sent), timeout=60)
    arrivals = await pool.arrivals()
    last = max((a[n] for a in arrivals.values() for n in sent if n in a), default=issued_done)
    lat = [a[n] - t for a in arrivals.values() for n, t in sent.items() if n in a]
    return {"calls": len(sent), "windows": len(windows), "complete": complete,
            "calls_per_s_issued": round(len(sent) / (issued_done - start), 1),
            "calls_per_s_delivered": round(len(sent) / (last - start), 1), "latency": summary_ms(lat)}


async def memory(url, token, pid, n):
    """Always from this process: it measures the server's RSS, not timing."""
    before = rss_kb(pid)
    group = ScreenGroup([url], token, 0, n, lambda number: None)
    await group.open(25)
    await asyncio.sleep(1)
    after = rss_kb(pid)
    await group.close()
    return {"connections": n, "rss_before_mb": round(before / 1024, 1), "rss_after_mb": round(after / 1024, 1),
            "mb_per_1000": round((after - before) / 1024 * 1000 / n, 1)}


async def redis_floor(redis_url, subscribers, messages=30):
    import redis.asyncio as aioredis

    pub = aioredis.from_url(redis_url)
    subs = []
    for _ in range(subscribers):
        ps = aioredis.from_url(redis_url).pubsub()
        await ps.subscribe("bench-floor")
        await ps.get_message(timeout=1)  # the subscribe confirmation
        subs.append(ps)
    samples = []

    async def receive(ps):
        while True:
            m = await ps.get_message(ignore_subscribe_messages=True, timeout=5)
            if m is not None:
                return time.perf_counter()

    for i in range(messages):
        waiting = [asyncio.ensure_future(receive(ps)) for ps in subs]
        await asyncio.sleep(0.01)
        sent = time.perf_counter()
        await pub.publish("bench-floor", json.dumps({"type": "ticket.called", "seq": i}))
        samples += [t - sent for t in await asyncio.gather(*waiting)]
    for ps in subs:
        await ps.aclose()
    await pub.aclose()
    return {**summary_ms(samples), "subscribers": subscribers, "messages": messages}


PUBSUB_SETTINGS = """
from hallops.settings import *  # noqa: F401,F403
from hallops.settings import REDIS_URL

CHANNEL_LAYERS = {"default": {"BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
                              "CONFIG": {"hosts": [REDIS_URL]}}}
"""


async def run_layer(args, layer, redis_url, tmp):
    """One full run (fresh database, two daphnes) with the given channel layer."""
    results = {}
    with throwaway_database(PG, prefix="hallops_bench_screens") as database_url:
        # Production settings on PostgreSQL refuse the built-in key (hallops/settings.py); the
        # tests set one in tests/environment.py, the bench has to set its own.
        env = server_env(database_url, redis_url, HALLOPS_SECRET_KEY=os.environ.get("HALLOPS_SECRET_KEY")
                         or "hallops-bench-key-not-for-production")
        if layer == "pubsub":  # the settings module stays as shipped; the bench swaps the layer
            (Path(tmp) / "bench_pubsub_settings.py").write_text(PUBSUB_SETTINGS)
            env.update({"PYTHONPATH": f"{ROOT}{os.pathsep}{tmp}", "DJANGO_SETTINGS_MODULE": "bench_pubsub_settings"})
        logs = ROOT / "bench" / "results" / "screens-logs" / layer  # daphne output, kept for a look afterwards
        logs.mkdir(parents=True, exist_ok=True)
        tickets = args.calls + args.windows * args.rate_calls + 50
        seed = migrate_and_seed(env, windows=args.windows, tickets=tickets)
        # --split: a deployment that routes /api/ to one daphne and /ws/ to two others, so the
        # HTTP views do not share a sync thread with the screens' work.
        # --api gunicorn / granian: the HTTP API on a WSGI server (hallops.wsgi), the sockets on two daphnes.
        wsgi = {"gunicorn": gunicorn, "granian": granian}.get(args.api)
        api_server = wsgi(env, workers=args.api_workers, threads=args.api_threads, log_dir=logs) if wsgi \
            else contextlib.nullcontext(None)
        with api_server as api, daphnes(env, 3 if args.split else 2, log_dir=logs) as procs:
            (port_a, _), (port_b, proc_b) = procs[0], procs[1]
            # Pinned once they are up: daphne runs no worker processes, but by now it has threads,
            # and pin() covers every thread and child, not only the main one.
            affinity = {"bench": sorted(os.sched_getaffinity(0))}
            if args.pin_servers:
                affinity["daphnes"] = {p.pid: pin(p.pid, args.pin_servers) for _, p in procs}
                if api:
                    affinity[args.api] = pin(api[1].pid, args.pin_servers)
            if args.pin_clients:  # the bench makes the HTTP calls: it is part of the load generator
                affinity["bench"] = pin(os.getpid(), args.pin_clients)
            path = f"/ws/halls/{seed['hall']}/display/"
            socket_ports = [p for p, _ in procs[1:]] if args.split else [port_a, port_b]
            urls = [f"ws://127.0.0.1:{p}{path}" for p in socket_ports]
            t0 = time.perf_counter()
            pool = open_pool(urls, seed["screen"], args.screens, args.client_procs, args.pin_clients)
            try:
                await pool.open()
                results["connect_s"] = round(time.perf_counter() - t0, 1)
                results["clients"], results["affinity"] = pool.info, affinity
                print(f"{args.screens} screens connected in {results['connect_s']} s;", pool.info,
                      "affinity:", affinity, flush=True)
                api_ports = [api[0]] if api else [port_a] if args.split else [port_a, port_b]
                desk = Desk(api_ports[0], seed["manager"])
                results["paced"] = await paced_latency(pool, desk, seed["windows"][0], args.calls)
                print("paced:", results["paced"], flush=True)
                # A desk (HTTP session) per window, as each window has a console of its own.
                desks = [Desk(api_ports[i % len(api_ports)], seed["manager"]) for i in range(len(seed["windows"]))]
                meter = CpuMeter(cpu_kinds(args, api, procs, pool))
                meter.start()
                results["sustained"] = await sustained_rate(pool, desks, seed["windows"], args.rate_calls)
                cpu = meter.stop()
                # Where a call's CPU goes (call-next and start, and the frames to every screen).
                results["sustained"]["cpu_ms_per_call"] = {
                    kind: round(seconds * 1000 / results["sustained"]["calls"], 2) for kind, seconds in cpu.items()}
                print("sustained:", results["sustained"], flush=True)
            finally:
                await pool.close()
            await asyncio.sleep(1)

            results["memory"] = await memory(f"ws://127.0.0.1:{port_b}{path}", seed["screen"], proc_b.pid, args.memory)
            print("memory:", results["memory"], flush=True)
    return results


def cpu_kinds(args, api, procs, pool):
    """Who to meter during the sustained calls: the servers by role, PostgreSQL, Redis, the load generator."""
    daphne_pids = [p.pid for _, p in procs]
    if api:
        kinds = {"sockets": lambda: daphne_pids, "api": lambda: process_tree([api[1].pid])}
    elif args.split:
        kinds = {"sockets": lambda: daphne_pids[1:], "api": lambda: daphne_pids[:1]}
    else:
        kinds = {"daphnes (api and sockets)": lambda: daphne_pids}
    return {**kinds, "postgres": lambda: pids_named("postgres"), "redis": lambda: pids_named("redis-server"),
            "load generator": lambda: [os.getpid(), *pool.pids]}


async def main(args):
    raise_fd_limit(4 * (args.screens + args.memory) + 1024)
    pinning = {"servers": sorted(args.pin_servers or []) or None, "clients": sorted(args.pin_clients or []) or None}
    results = {"args": {**vars(args), "pin_servers": pinning["servers"], "pin_clients": pinning["clients"]},
               "client_procs": args.client_procs, "pinning": pinning if args.pin_servers or args.pin_clients else None,
               "loadavg_at_start": os.getloadavg(), "cpus": os.cpu_count()}
    redis_url = private_redis(REDIS)
    with tempfile.TemporaryDirectory() as tmp:
        for layer in (["core", "pubsub"] if args.layer == "both" else [args.layer]):
            print(f"--- channel layer: {layer}", flush=True)
            results[layer] = await run_layer(args, layer, redis_url, tmp)
    results["redis_floor"] = await redis_floor(redis_url, args.screens)
    print("redis floor:", results["redis_floor"], flush=True)
    results["loadavg_at_end"] = os.getloadavg()
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / results_name(args)).write_text(json.dumps(results, indent=2, ensure_ascii=False))
    return results


def results_name(args):
    """screens.json for the historical layout; e.g. screens-split-c4-pinned.json otherwise."""
    return "-".join(["screens"] + (["split"] if args.split else []) + ([args.api] if args.api != "daphne" else [])
                    + ([f"c{args.client_procs}"] if args.client_procs else [])
                    + (["pinned"] if args.pin_servers or args.pin_clients else [])) + ".json"


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--screens", type=int, default=500)
    parser.add_argument("--calls", type=int, default=50, help="paced call-next requests")
    parser.add_argument("--windows", type=int, default=8, help="windows calling at once for the rate run")
    parser.add_argument("--rate-calls", type=int, default=10, help="calls per window in the rate run")
    parser.add_argument("--memory", type=int, default=1000, help="connections for the RSS measurement")
    parser.add_argument("--api", choices=["daphne", "gunicorn", "granian"], default="daphne",
                        help="gunicorn, granian: the HTTP calls go to that WSGI server and the screens to two daphnes")
    parser.add_argument("--api-workers", type=int, default=2, help="WSGI worker processes")
    parser.add_argument("--api-threads", type=int, default=4, help="threads per WSGI worker")
    parser.add_argument("--split", action="store_true",
                        help="three daphnes: HTTP calls on one, the screens on the other two")
    parser.add_argument("--layer", choices=["core", "pubsub", "both"], default="both",
                        help="core: channels_redis RedisChannelLayer as configured; pubsub: RedisPubSubChannelLayer")
    parser.add_argument("--client-procs", type=int, default=0,
                        help="worker processes (own process groups) holding the screens; 0: in this process")
    parser.add_argument("--pin-servers", type=parse_cpus, metavar="CPUS", help="CPUs for the daphnes, e.g. 0")
    parser.add_argument("--pin-clients", type=parse_cpus, metavar="CPUS",
                        help="CPUs for the client workers and this process, e.g. 1")
    asyncio.run(main(parser.parse_args()))
