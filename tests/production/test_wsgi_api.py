"""The HTTP API on a WSGI server (hallops.wsgi: gunicorn's gthread workers, or granian's) beside a
daphne for the sockets (issue 14).

Calls made over HTTP on the WSGI server reach a screen on daphne through Redis, each once, with the
seq the hall's log gave it, and the lobby dashboard misses none of the events. The WSGI threads
publish on the process's pool of blocking Redis connections (hallops.redis_layer), kept open,
instead of opening one per event, and share the process's psycopg pool: with fewer pooled connections than threads every
request still succeeds, so each connection goes back to the pool.
"""

import asyncio
import json
import uuid
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest
import redis
import requests
from websockets.asyncio.client import connect

from .cluster import daphnes, granian, gunicorn, migrate_and_seed, private_redis, server_env, throwaway_database

pytestmark = [pytest.mark.services, pytest.mark.slow]

CALLS = 12  # per window
WINDOWS = 2
WORKERS, THREADS, POOL_MAX = 2, 4, 2


@pytest.fixture(scope="module", params=["gunicorn", "granian"])
def cluster(request, pg_url, redis_url, tmp_path_factory):
    with throwaway_database(pg_url, prefix="hallops_wsgi") as database_url:
        redis_db = private_redis(redis_url)
        env = server_env(database_url, redis_db)
        seed = migrate_and_seed(env, windows=WINDOWS, tickets=WINDOWS * CALLS + 10)
        # Named, so that this server's Redis connections and PostgreSQL backends can be told apart
        # from those of the daphne and of anything else on the shared servers.
        name = f"hallops-wsgi-{uuid.uuid4().hex[:8]}"
        wsgi_env = server_env(f"{database_url}?application_name={name}", f"{redis_db}?client_name={name}",
                              HALLOPS_DB_POOL_MIN="1", HALLOPS_DB_POOL_MAX=str(POOL_MAX))
        logs = tmp_path_factory.mktemp("servers")
        wsgi = {"gunicorn": gunicorn, "granian": granian}[request.param]
        with daphnes(env, 1, log_dir=logs) as procs, wsgi(wsgi_env, WORKERS, THREADS, log_dir=logs) as (http, _):
            yield {"seed": seed, "ws": procs[0][0], "http": http, "redis": redis_db, "db": database_url, "name": name}


def window_calls(port, window, token, n):
    """n call-next + start at one window over its own keep-alive connection; returns the tickets called."""
    called = []
    with requests.Session() as s:
        s.headers["Authorization"] = f"Bearer {token}"
        for _ in range(n):
            r = s.post(f"http://127.0.0.1:{port}/api/v1/windows/{window}/call-next/", timeout=20)
            r.raise_for_status()
            called.append(r.json()["ticket"])
            s.post(f"http://127.0.0.1:{port}/api/v1/windows/{window}/start/", timeout=20).raise_for_status()
    return called


def named_connections(redis_url, name) -> set[int]:
    client = redis.Redis.from_url(redis_url)
    try:
        return {c["id"] for c in client.client_list() if c.get("name") == name}
    finally:
        client.close()


def called_seqs(database_url) -> dict[str, int]:
    """ticket id -> seq of its ticket.called event, from the hall's log."""
    with psycopg.connect(database_url) as conn:
        rows = conn.execute("SELECT payload->'ticket'->>'id', seq FROM core_hallevent WHERE type = 'ticket.called'")
        return dict(rows.fetchall())


def backends(database_url, name) -> int:
    with psycopg.connect(database_url) as conn:
        return conn.execute("SELECT count(*) FROM pg_stat_activity WHERE application_name = %s", [name]).fetchone()[0]


async def frames(ws, until, timeout=30):
    out = []
    async with asyncio.timeout(timeout):
        while not until(out):
            out.append(json.loads(await ws.recv()))
    return out


def calls_in(fs):
    return [f for f in fs if f["type"] == "ticket.called"]


async def calls_from_two_windows(c, rounds):
    seed = c["seed"]
    with ThreadPoolExecutor(WINDOWS) as pool:
        futures = [asyncio.wrap_future(pool.submit(window_calls, c["http"], w, seed["manager"], rounds))
                   for w in seed["windows"]]
        return [t for called in await asyncio.gather(*futures) for t in called]


async def test_calls_made_on_the_wsgi_server_reach_a_screen_on_daphne_with_their_seq(cluster):
    c, seed = cluster, cluster["seed"]
    base = f"ws://127.0.0.1:{c['ws']}/ws/halls/{seed['hall']}"
    async with connect(f"{base}/display/", additional_headers={"Authorization": f"Bearer {seed['screen']}"}) as ws, \
            connect(f"{base}/dashboard/", additional_headers={"Authorization": f"Bearer {seed['manager']}"}) as dash:
        snapshot = json.loads(await ws.recv())
        dash_snapshot = json.loads(await dash.recv())
        assert snapshot["type"] == dash_snapshot["type"] == "snapshot"

        # Two windows at once: two of the server's threads publish concurrently.
        first = await calls_from_two_windows(c, CALLS // 2)
        kept_early = named_connections(c["redis"], c["name"])
        second = await calls_from_two_windows(c, CALLS - CALLS // 2)
        called = first + second
        got = await frames(ws, lambda fs: len(calls_in(fs)) >= len(called))
        last = max(called_seqs(c["db"]).values())
        everything = await frames(dash, lambda fs: any(f.get("seq") == last and f["type"] != "load" for f in fs))

    seq_of = called_seqs(c["db"])
    on_screen = calls_in(got)
    assert sorted(f["ticket"]["id"] for f in on_screen) == sorted(t["id"] for t in called), \
        "every call reaches the screen, once"
    assert all(f["seq"] == seq_of[f["ticket"]["id"]] for f in on_screen), "a frame carries another event's seq"
    seqs = [f["seq"] for f in got if f["type"] != "waiting"]
    assert seqs == sorted(set(seqs)), "an event came twice or out of order"
    all_seqs = [f["seq"] for f in everything if f["type"] != "load"]
    assert all_seqs == list(range(dash_snapshot["seq"] + 1, last + 1)), "an event published on the WSGI server was lost"

    # About 3 events per call-next + start were published, from up to WORKERS × THREADS threads: at
    # most one kept connection per thread publishing at once, the early ones still open. A connection
    # per publish would have left none.
    kept = named_connections(c["redis"], c["name"])
    assert len(all_seqs) > 4 * WORKERS * THREADS
    assert 1 <= len(kept) <= WORKERS * THREADS, kept
    assert kept_early and kept_early <= kept, "a thread's Redis connection was closed and another opened"
    # Threads share their process's pool: never more backends than the pools allow, and every
    # request above got a connection although threads outnumber them.
    assert 1 <= backends(c["db"], c["name"]) <= WORKERS * POOL_MAX


def test_the_wsgi_server_sees_the_client_the_proxy_saw_not_the_proxy(cluster):
    """What daphne --proxy-headers does (hallops.wsgi.ClientAddressFromProxy): without it every client
    behind nginx is 127.0.0.1 to the login lockout, the issue limits and /metrics' loopback exemption."""
    url = f"http://127.0.0.1:{cluster['http']}/metrics"
    assert requests.get(url, timeout=10).status_code == 200  # loopback itself, no token configured
    assert requests.get(url, headers={"X-Forwarded-For": "10.1.2.3"}, timeout=10).status_code == 403
    # nginx appends the peer it saw: what a client wrote before it does not count.
    assert requests.get(url, headers={"X-Forwarded-For": "127.0.0.1, 10.1.2.3"}, timeout=10).status_code == 403
