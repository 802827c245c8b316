"""Two daphne processes on PostgreSQL + Redis: a call made through process A reaches a screen on
process B, every one of them, once, in order; a reconnect with ?since= replays exactly what it missed."""

import asyncio
import json

import pytest
import requests
from websockets.asyncio.client import connect

from .cluster import daphnes, migrate_and_seed, private_redis, server_env, throwaway_database

pytestmark = [pytest.mark.services, pytest.mark.slow]

CALLS = 20


@pytest.fixture(scope="module")
def cluster(pg_url, redis_url, tmp_path_factory):
    with throwaway_database(pg_url) as database_url:
        env = server_env(database_url, private_redis(redis_url))
        seed = migrate_and_seed(env, windows=1, tickets=CALLS + 10)
        with daphnes(env, 2, log_dir=tmp_path_factory.mktemp("daphne")) as procs:
            yield seed, [port for port, _ in procs]


def post(port, path, token):
    r = requests.post(f"http://127.0.0.1:{port}/api/v1{path}", headers={"Authorization": f"Bearer {token}"},
                      timeout=10)
    r.raise_for_status()
    return r.json()


async def call_and_start(port, seed, n):
    """n calls at the window through process A's HTTP API; returns the called numbers."""
    window = seed["windows"][0]
    numbers = []
    for _ in range(n):
        reply = await asyncio.to_thread(post, port, f"/windows/{window}/call-next/", seed["manager"])
        numbers.append(reply["ticket"]["number"])
        await asyncio.to_thread(post, port, f"/windows/{window}/start/", seed["manager"])
    return numbers


async def frames(ws, until, timeout=20):
    out = []
    async with asyncio.timeout(timeout):
        while not until(out):
            out.append(json.loads(await ws.recv()))
    return out


def calls_in(frames):
    return [f for f in frames if f["type"] == "ticket.called"]


async def test_every_call_on_process_a_reaches_a_screen_on_process_b_once_and_in_order(cluster):
    seed, (port_a, port_b) = cluster
    url_b = f"ws://127.0.0.1:{port_b}/ws/halls/{seed['hall']}/display/"
    auth = {"Authorization": f"Bearer {seed['screen']}"}  # a hall PC: token header, no Origin

    async with connect(url_b, additional_headers=auth) as ws:
        snapshot = json.loads(await ws.recv())
        assert snapshot["type"] == "snapshot"
        numbers = await call_and_start(port_a, seed, CALLS)
        got = await frames(ws, lambda fs: len(calls_in(fs)) >= CALLS)
    called = calls_in(got)
    assert [c["number"] for c in called] == numbers == [f"A{i:03d}" for i in range(1, CALLS + 1)]
    seqs = [f["seq"] for f in got if "seq" in f and f["type"] != "waiting"]
    assert seqs == sorted(set(seqs)), "an event came twice or out of order"
    # window.state, ticket.called, ticket.started per call (the first call also opens nothing new)
    assert seqs == list(range(snapshot["seq"] + 1, seqs[-1] + 1)), "an event was lost"

    # The screen goes away; three more calls happen; it comes back with ?since=.
    since = seqs[-1]
    more = await call_and_start(port_a, seed, 3)
    async with connect(f"{url_b}?since={since}", additional_headers=auth) as ws:
        first = json.loads(await ws.recv())
        assert first["type"] == "resumed" and first["seq"] == since
        replay = await frames(ws, lambda fs: len([f for f in fs if f.get("seq") == first["last_seq"]
                                                  and f["type"] != "waiting"]) == 1)
    replayed = [f for f in replay if f["type"] != "waiting"]
    assert [f["seq"] for f in replayed] == list(range(since + 1, first["last_seq"] + 1))
    assert [c["number"] for c in calls_in(replayed)] == more
