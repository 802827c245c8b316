"""What one screens' daphne spends per frame: hall events published straight to Redis, fanned out to N screens.

bench_screens measures a call end to end, with the API, PostgreSQL and the load generator all on the
same two cores, so the sockets' own cost drowns in the noise of the rest. Here nothing else runs:
one daphne holds the screens (in client processes of their own), and this process publishes hall
events to the hall's group as a view does after its commit (RedisChannelLayer.group_send_blocking),
at a fixed rate. Reported: the daphne's CPU per event and per frame (utime + stime from /proc), and
how long after its publish each screen had each event (p50/p99).

    .venv/bin/python bench/bench_fanout.py [--screens 10] [--rate 300] [--seconds 10] [--client-procs 2]
        [--out-of-order] [--calls] [--server daphne|granian]

--rate 300 was 150 calls/s while a call's events on a hall screen were two frames (the previous
matter finished, the next number called); since 下一位 reaches a hall screen as its call alone, a
call is one frame there and --rate 150 is 150 calls/s. --calls publishes each call as the whole
action a window's 下一位 publishes (ticket.finished, ticket.called, ticket.started in one message),
so "per event" and "per frame" below read per call and per screen per call. --out-of-order
publishes each pair of messages in reverse, as two windows committing one after the other but
publishing in the other order do. --server granian holds the screens on granian's ASGI interface
instead of daphne (the CPU of its worker process is counted).

Needs PostgreSQL (HALLOPS_BENCH_PG) and Redis (HALLOPS_BENCH_REDIS), as bench_screens.
"""

import argparse
import asyncio
import json
import os
import sys
import threading
import time
from pathlib import Path

import redis
import requests

from common import cpu_seconds, process_tree, summary_ms
from screen_clients import open_pool

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.production.cluster import ASGI_SERVERS, daphnes, migrate_and_seed, private_redis, server_env, throwaway_database  # noqa: E402

PG = os.environ.get("HALLOPS_BENCH_PG", "postgres://postgres@127.0.0.1:5432/postgres")
REDIS = os.environ.get("HALLOPS_BENCH_REDIS", "redis://127.0.0.1:6379/0")


def template_action(port, seed):
    """The events of a real 下一位 at the bench hall (call, start, then call-next again through the
    API: ticket.finished, ticket.called, ticket.started) and the hall's last seq."""
    api = f"http://127.0.0.1:{port}/api/v1"
    headers = {"Authorization": f"Bearer {seed['manager']}"}
    window = seed["windows"][0]
    for step in ("call-next", "start", "call-next", "start"):
        requests.post(f"{api}/windows/{window}/{step}/", headers=headers, timeout=30).raise_for_status()
    r = requests.get(f"{api}/halls/{seed['hall']}/events/", params={"since": 0, "limit": 1000}, headers=headers,
                     timeout=30)
    r.raise_for_status()
    body = r.json()
    ours = [e for e in body["events"] if e["type"] in ("ticket.finished", "ticket.called", "ticket.started")]
    action = ours[-3:]
    assert [e["type"] for e in action] == ["ticket.finished", "ticket.called", "ticket.started"], action
    return action, body["last_seq"]


def publish(layer, group, action, first_seq, n, rate, out_of_order, calls, sent):
    """n messages at `rate` per second, numbered F00000…; records perf_counter at each send. Each is
    the called event alone, or with --calls the whole 下一位 action (finished, called, started)."""
    order = list(range(n))
    if out_of_order:
        for i in range(0, n - 1, 2):
            order[i], order[i + 1] = order[i + 1], order[i]
    finished, called, started = action
    per = 3 if calls else 1
    start = time.perf_counter()
    for k, i in enumerate(order):
        due = start + k / rate
        delay = due - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        number = f"F{i:05d}"
        seq = first_seq + i * per
        if calls:
            events = [{**finished, "seq": seq}, {**called, "seq": seq + 1, "number": number},
                      {**started, "seq": seq + 2}]
        else:
            events = [{**called, "seq": seq, "number": number}]
        sent[number] = time.perf_counter()
        failed = layer.group_send_blocking([(group, {"type": "hall.events", "events": events})])
        assert not failed, failed


async def run(args):
    from hallops.redis_layer import RedisChannelLayer

    redis_url = private_redis(REDIS)
    results = {"args": vars(args), "loadavg_at_start": os.getloadavg(), "cpus": os.cpu_count()}
    with throwaway_database(PG, prefix="hallops_bench_fanout") as database_url:
        env = server_env(database_url, redis_url, HALLOPS_SECRET_KEY=os.environ.get("HALLOPS_SECRET_KEY")
                         or "hallops-bench-key-not-for-production")
        seed = migrate_and_seed(env, windows=2, tickets=20)
        with daphnes(env, 1, server=args.server) as procs:
            port, proc = procs[0]
            action, last_seq = template_action(port, seed)
            pool = open_pool([f"ws://127.0.0.1:{port}/ws/halls/{seed['hall']}/display/"], seed["screen"],
                             args.screens, args.client_procs, None)
            try:
                await pool.open()
                # The fan-out's subscription, made by the first screen: the newest hall group of this
                # Redis database (an older run's may linger until it expires).
                r = redis.Redis.from_url(redis_url)
                newest = max(r.keys("asgi:group:hall-*"), key=lambda g: r.zrange(g, -1, -1, withscores=True)[0][1])
                group = newest.decode().split(":", 2)[2]
                layer = RedisChannelLayer(hosts=[redis_url])
                n = int(args.rate * args.seconds)
                sent = {}
                await asyncio.sleep(1.5)  # the first screens' refresh frames are out of the way
                server = process_tree([proc.pid])  # granian: its worker process
                cpu0, t0 = cpu_seconds(server), time.perf_counter()
                publisher = threading.Thread(target=publish, args=(layer, group, action, last_seq + 1, n,
                                                                   args.rate, args.out_of_order, args.calls, sent))
                publisher.start()
                await asyncio.to_thread(publisher.join)
                complete = await pool.wait(list(sent), timeout=60)
                cpu1, t1 = cpu_seconds(server), time.perf_counter()
                arrivals = await pool.arrivals()
            finally:
                await pool.close()
    lat = [a[number] - at for a in arrivals.values() for number, at in sent.items() if number in a]
    cpu = cpu1 - cpu0
    results.update({
        "events": n, "unit": "a 下一位 call (finished, called, started)" if args.calls else "a called event",
        "screens": args.screens, "complete": complete,
        "frames_lost": n * args.screens - len(lat),
        "events_per_s": round(n / (t1 - t0), 1),
        "daphne_cpu_share": round(cpu / (t1 - t0), 2),
        "daphne_cpu_ms_per_event": round(cpu * 1000 / n, 3),
        "daphne_cpu_us_per_frame": round(cpu * 1e6 / (n * args.screens), 1),
        "latency": summary_ms(lat),
        "loadavg_at_end": os.getloadavg(),
    })
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "fanout.json").write_text(json.dumps(results, indent=2))
    return results


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--screens", type=int, default=10, help="hall screens on the one daphne")
    parser.add_argument("--rate", type=float, default=300, help="events per second")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--client-procs", type=int, default=2)
    parser.add_argument("--out-of-order", action="store_true", help="publish each pair of messages in reverse")
    parser.add_argument("--calls", action="store_true",
                        help="publish whole 下一位 actions (finished, called, started), a message per call")
    parser.add_argument("--server", choices=sorted(ASGI_SERVERS), default="daphne",
                        help="the ASGI server holding the screens")
    result = asyncio.run(run(parser.parse_args()))
    print(json.dumps({k: v for k, v in result.items() if k not in ("args",)}, ensure_ascii=False))
