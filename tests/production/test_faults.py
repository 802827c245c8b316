"""Faults under load on two daphne processes (issue 11, faults 1 and 2, and the Done item).

Redis restarts: a private redis-server (own port, no persistence) is stopped while the window keeps
calling and started again; every dashboard on both processes is live again within 5 s, and every
event of the outage arrives, each once, in seq order (the fan-out rejoins its group and reads what it
missed from the log). PostgreSQL kills every connection (pg_terminate_backend on this test's own
database): the next requests on both processes succeed and a socket's ping is answered, not closed.
The shared PostgreSQL and Redis servers are never restarted.
"""

import asyncio
import json
import shutil
import signal
import subprocess
import time

import psycopg
import pytest
import requests
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from tests.postgres_kill import kill_connections

from .cluster import _with_path, daphnes, free_port, migrate_and_seed, server_env, throwaway_database

pytestmark = [pytest.mark.services, pytest.mark.slow]

REDIS_SERVER = shutil.which("redis-server")
LIVE_WITHIN_S = 5  # the issue's promise: a screen is live again this soon after Redis is back


class PrivateRedis:
    def __init__(self, tmp):
        self.port, self.dir, self.proc = free_port(), tmp, None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.proc = subprocess.Popen([REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                                      "--appendonly", "no", "--dir", str(self.dir)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 10
        while time.time() < deadline:
            if subprocess.run(["redis-cli", "-p", str(self.port), "ping"], capture_output=True).stdout.strip() == b"PONG":
                return
            time.sleep(0.05)
        raise RuntimeError("private redis-server did not start")

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(10)
        self.proc = None


@pytest.fixture(scope="module")
def cluster(pg_url, tmp_path_factory):
    if REDIS_SERVER is None:
        pytest.fail("redis-server is needed to restart a private Redis")
    redis = PrivateRedis(tmp_path_factory.mktemp("redis"))
    redis.start()
    try:
        with throwaway_database(pg_url, prefix="hallops_faults") as database_url:
            env = server_env(database_url, redis.url, HALLOPS_RATE_ISSUE_PER_DEVICE="", HALLOPS_RATE_ISSUE_PER_ADDRESS="")
            seed = migrate_and_seed(env, windows=2, tickets=60)
            with daphnes(env, 2, log_dir=tmp_path_factory.mktemp("daphne")) as procs:
                yield seed, [port for port, _ in procs], redis, database_url
    finally:
        redis.stop()


def post(port, path, token):
    r = requests.post(f"http://127.0.0.1:{port}/api/v1{path}", headers={"Authorization": f"Bearer {token}"},
                      timeout=10)
    r.raise_for_status()
    return r.json()


async def load(port, seed, window, stop: asyncio.Event, called: list):
    """A window calling and finishing as fast as it can, until told to stop."""
    while not stop.is_set():
        reply = await asyncio.to_thread(post, port, f"/windows/{window}/call-next/", seed["manager"])
        if reply["ticket"] is None:
            return
        called.append(reply["ticket"]["number"])
        await asyncio.to_thread(post, port, f"/windows/{window}/start/", seed["manager"])
        await asyncio.to_thread(post, port, f"/windows/{window}/finish/", seed["manager"])


async def follow(url, headers, seen: list, base: list, stop: asyncio.Event):
    """A page's socket: follows the hall, reconnects with ?since= when it is closed, as the pages do."""
    since = None
    while not stop.is_set():
        try:
            async with connect(url if since is None else f"{url}?since={since}", additional_headers=headers) as ws:
                async for raw in ws:
                    frame = json.loads(raw)
                    if frame["type"] == "snapshot":
                        since = frame["seq"]
                        base.append(since)
                    elif frame["type"] not in ("resumed", "load", "pong") and "seq" in frame:
                        seen.append(frame["seq"])
                        since = frame["seq"]
        except (ConnectionClosed, OSError):
            pass
        await asyncio.sleep(0.2)


async def wait_for(predicate, timeout):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.05)
    return True


def last_seq(database_url):
    with psycopg.connect(database_url) as conn:
        return conn.execute("SELECT last FROM core_eventsequence").fetchone()[0]


async def test_after_a_redis_restart_every_process_is_live_again_and_nothing_is_lost(cluster):
    seed, ports, redis, database_url = cluster
    auth = {"Authorization": f"Bearer {seed['manager']}"}
    urls = [f"ws://127.0.0.1:{port}/ws/halls/{seed['hall']}/dashboard/" for port in ports]
    seen, bases, done = [[], []], [[], []], asyncio.Event()
    followers = [asyncio.ensure_future(follow(url, auth, s, b, done)) for url, s, b in zip(urls, seen, bases)]
    stop, called = asyncio.Event(), []
    try:
        assert await wait_for(lambda: all(bases), 20), "the dashboards did not connect"
        loaders = [asyncio.ensure_future(load(ports[i], seed, seed["windows"][i], stop, called)) for i in range(2)]
        assert await wait_for(lambda: len(called) >= 4, 30), "the load did not start"
        redis.stop()  # under load: calls go on, their publishes fail, the log keeps them
        redis.start()
        assert await wait_for(lambda: len(called) >= 4 + 6, 30), "the load stopped with Redis"
        stop.set()
        await asyncio.gather(*loaders)
        last = last_seq(database_url)
        # Every process, live again: the last call's events arrive without a page pinging or reloading.
        live = await wait_for(lambda: all(max(s, default=0) >= last for s in seen), LIVE_WITHIN_S)
    finally:
        stop.set()
        done.set()
        for f in followers:
            f.cancel()
    assert live, f"not live again within {LIVE_WITHIN_S} s: last seq {last}, got {[max(s, default=0) for s in seen]}"
    for s, b in zip(seen, bases):
        assert s == list(range(b[0] + 1, last + 1)), "an event was lost, repeated or out of order"


async def test_after_postgresql_kills_every_connection_requests_and_pings_succeed(cluster):
    seed, ports, _, database_url = cluster
    auth = {"Authorization": f"Bearer {seed['screen']}"}
    url = f"ws://127.0.0.1:{ports[1]}/ws/halls/{seed['hall']}/display/"
    async with connect(url, additional_headers=auth) as ws:
        assert json.loads(await ws.recv())["type"] == "snapshot"
        for port in ports:  # every process has pooled connections to lose
            assert requests.get(f"http://127.0.0.1:{port}/api/v1/halls/", timeout=10).status_code == 200
        name = database_url.rsplit("/", 1)[1]
        with psycopg.connect(_with_path(database_url, "/postgres"), autocommit=True) as admin:
            # "After": once the server has closed them. A connection killed in the very moment it is
            # handed out still fails that request (hallops/dbcheck.py); not what this test is about.
            killed = kill_connections(admin, name)
        assert killed >= 2
        for port in ports:
            for _ in range(3):
                r = requests.get(f"http://127.0.0.1:{port}/api/v1/halls/{seed['hall']}/services/", timeout=10)
                assert r.status_code == 200, r.text
        reply = await asyncio.to_thread(post, ports[0], f"/windows/{seed['windows'][0]}/call-next/", seed["manager"])
        assert reply["ticket"] is not None
        await ws.send(json.dumps({"type": "ping"}))
        async with asyncio.timeout(10):
            while True:
                frame = json.loads(await ws.recv())
                if frame["type"] == "pong":
                    break
        assert frame["seq"] >= 1
