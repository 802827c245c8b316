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


def fs_called(frames):
    """seq of the last call seen so far."""
    return max((f["seq"] for f in calls_in(frames)), default=0)


async def test_every_call_on_process_a_reaches_a_screen_on_process_b_once_and_in_order(cluster):
    seed, (port_a, port_b) = cluster
    url_b = f"ws://127.0.0.1:{port_b}/ws/halls/{seed['hall']}/display/"
    auth = {"Authorization": f"Bearer {seed['screen']}"}  # a hall PC: token header, no Origin

    # The lobby dashboard receives every event of the hall: its seqs must have no gap.
    dashboard_b = f"ws://127.0.0.1:{port_b}/ws/halls/{seed['hall']}/dashboard/"
    async with connect(url_b, additional_headers=auth) as ws, \
            connect(dashboard_b, additional_headers={"Authorization": f"Bearer {seed['manager']}"}) as dash:
        snapshot = json.loads(await ws.recv())
        dash_snapshot = json.loads(await dash.recv())
        assert snapshot["type"] == dash_snapshot["type"] == "snapshot"
        numbers = await call_and_start(port_a, seed, CALLS)
        got = await frames(ws, lambda fs: len(calls_in(fs)) >= CALLS)
        everything = await frames(dash, lambda fs: len(calls_in(fs)) >= CALLS
                                  and any(f["type"] == "ticket.started" and f["seq"] > fs_called(fs) for f in fs))
    called = calls_in(got)
    assert [c["number"] for c in called] == numbers == [f"A{i:03d}" for i in range(1, CALLS + 1)]
    seqs = [f["seq"] for f in got if f["type"] != "waiting"]
    assert seqs == sorted(set(seqs)), "an event came twice or out of order"
    all_seqs = [f["seq"] for f in everything if f["type"] != "load"]
    assert all_seqs == list(range(dash_snapshot["seq"] + 1, all_seqs[-1] + 1)), "an event was lost or repeated"
    assert set(seqs) <= set(all_seqs)

    # The screen and the dashboard go away; three more calls happen; both come back with ?since=.
    since = all_seqs[-1]
    more = await call_and_start(port_a, seed, 3)
    async with connect(f"{url_b}?since={since}", additional_headers=auth) as ws:
        first = json.loads(await ws.recv())
        assert first["type"] == "resumed" and first["seq"] == since
        replay = await frames(ws, lambda fs: len(calls_in(fs)) == 3)
    assert [c["number"] for c in calls_in(replay)] == more
    replay_seqs = [f["seq"] for f in replay if f["type"] != "waiting"]
    assert replay_seqs == sorted(set(replay_seqs)) and replay_seqs[0] > since
    async with connect(f"{dashboard_b}?since={since}",
                       additional_headers={"Authorization": f"Bearer {seed['manager']}"}) as dash:
        first = json.loads(await dash.recv())
        assert first["type"] == "resumed"
        replay = await frames(dash, lambda fs: any(f.get("seq") == first["last_seq"] and f["type"] != "load"
                                                   for f in fs))
    assert [f["seq"] for f in replay if f["type"] != "load"] == list(range(since + 1, first["last_seq"] + 1))
