"""The channel layer sends a group message in two round trips and behaves as channels_redis does:
every member in every process gets it once, a full inbox drops it, an expired message is gone.

Each scenario runs against hallops' layer (sending from the event loop, and blocking from a
thread as a view does) and channels_redis's own, on a real Redis."""

import asyncio
import uuid

import pytest
from channels_redis.core import RedisChannelLayer as Upstream

from hallops.redis_layer import RedisChannelLayer

pytestmark = pytest.mark.services

LAYERS = ["hallops", "hallops-blocking", "channels_redis"]


def make(kind, redis_url, prefix, **config):
    cls = Upstream if kind == "channels_redis" else RedisChannelLayer
    layer = cls(hosts=[redis_url], prefix=prefix, **config)
    layer.kind = kind
    return layer


async def group_send(layer, group, message):
    if layer.kind != "hallops-blocking":
        await layer.group_send(group, message)
        return
    # As a view sends after its commit: from a thread of its own, waiting for Redis.
    assert await asyncio.to_thread(layer.group_send_blocking, [(group, message)]) == []


@pytest.fixture
def prefix():
    return f"hallops-test-{uuid.uuid4().hex[:8]}"


async def received(layer, channel, timeout=0.5):
    try:
        return await asyncio.wait_for(layer.receive(channel), timeout)
    except TimeoutError:
        return None


async def close(*layers):
    for layer in layers:
        await layer.flush()
        await layer.close_pools()


@pytest.mark.parametrize("kind", LAYERS)
async def test_a_group_message_reaches_every_member_of_every_process_once(kind, redis_url, prefix):
    one, two = make(kind, redis_url, prefix), make(kind, redis_url, prefix)  # two processes
    members = [(one, await one.new_channel()), (one, await one.new_channel()), (two, await two.new_channel())]
    for layer, channel in members:
        await layer.group_add("hall.1", channel)
    outsider = await two.new_channel()

    await group_send(one, "hall.1", {"type": "hall.event", "seq": 7})

    for layer, channel in members:
        assert await received(layer, channel) == {"type": "hall.event", "seq": 7}
        assert await received(layer, channel, timeout=0.1) is None
    assert await received(two, outsider, timeout=0.1) is None
    await close(one, two)


@pytest.mark.parametrize("kind", LAYERS)
async def test_a_full_inbox_drops_the_group_message(kind, redis_url, prefix):
    layer = make(kind, redis_url, prefix, capacity=2)
    full, room = await layer.new_channel(), await layer.new_channel()
    await layer.send(full, {"type": "x", "n": 1})
    await layer.send(full, {"type": "x", "n": 2})
    other = make(kind, redis_url, prefix, capacity=2)  # another process, its own inbox key
    spare = await other.new_channel()
    for layer_, channel in ((layer, full), (layer, room), (other, spare)):
        await layer_.group_add("hall.1", channel)

    await group_send(other, "hall.1", {"type": "x", "n": 3})

    # One inbox key per process: this process's is full (two waiting), so neither of its channels
    # gets the message; the other process's does.
    assert [(await received(layer, full))["n"] for _ in range(2)] == [1, 2]
    assert await received(layer, full, timeout=0.1) is None
    assert await received(layer, room, timeout=0.1) is None
    assert (await received(other, spare))["n"] == 3
    await close(layer, other)


@pytest.mark.parametrize("kind", LAYERS)
async def test_an_expired_message_makes_room_for_a_new_one(kind, redis_url, prefix):
    layer = make(kind, redis_url, prefix, expiry=2, capacity=2)
    channel = await layer.new_channel()
    await layer.group_add("hall.1", channel)
    await group_send(layer, "hall.1", {"type": "x", "n": 1})
    await asyncio.sleep(1.5)
    await group_send(layer, "hall.1", {"type": "x", "n": 2})  # keeps the inbox alive
    await asyncio.sleep(1.6)  # n=1 has expired, n=2 not yet

    await group_send(layer, "hall.1", {"type": "x", "n": 3})  # capacity 2: room only once n=1 is trimmed

    assert [(await received(layer, channel))["n"] for _ in range(2)] == [2, 3]
    await close(layer)


@pytest.mark.parametrize("bzmpop", [True, False], ids=["bzmpop", "redis-6-bzpopmin"])
async def test_a_process_receives_everything_waiting_for_its_channels_in_order_and_leaves_nothing(
        bzmpop, redis_url, prefix):
    layer, sender = make("hallops", redis_url, prefix), make("hallops", redis_url, prefix)
    layer._bzmpop = bzmpop  # False: the path a Redis without BZMPOP (before 7.0) takes
    pops = []
    pop = layer._pop_waiting

    async def counted(connection, key):
        got = await pop(connection, key)
        pops.append(len(got))
        return got

    layer._pop_waiting = counted
    one, two = await layer.new_channel(), await layer.new_channel()
    for channel in (one, two):
        await layer.group_add("hall.1", channel)
    await sender.group_send("hall.1", {"type": "x", "n": "both"})  # stored once for the two channels
    for n in range(6):
        await sender.send(one if n % 2 else two, {"type": "x", "n": n})

    assert [(await received(layer, two))["n"] for _ in range(4)] == ["both", 0, 2, 4]
    assert [(await received(layer, one))["n"] for _ in range(4)] == ["both", 1, 3, 5]
    assert pops == ([7] if bzmpop else [1] * 7)
    assert await received(layer, one, timeout=0.1) is None
    async with layer.connection(0) as connection:  # no in-flight backup left behind, only the group
        assert await connection.keys(f"{prefix}*") == [f"{prefix}:group:hall.1".encode()]
    await close(layer, sender)


async def test_a_message_sent_while_the_process_waits_wakes_it(redis_url, prefix):
    layer, sender = make("hallops", redis_url, prefix), make("hallops", redis_url, prefix)
    channel = await layer.new_channel()
    waiting = asyncio.ensure_future(received(layer, channel, timeout=2))
    await asyncio.sleep(0.2)
    await sender.send(channel, {"type": "x", "n": 1})
    assert await waiting == {"type": "x", "n": 1}
    await close(layer, sender)


async def test_a_blocking_send_of_several_groups_delivers_each_and_reports_only_the_failed(redis_url, prefix):
    layer, other = make("hallops", redis_url, prefix), make("hallops", redis_url, prefix)
    hall, gateway = await layer.new_channel(), await other.new_channel()
    await layer.group_add("hall-1", hall)
    await other.group_add("gateway-2", gateway)

    failed = await asyncio.to_thread(layer.group_send_blocking, [
        ("hall-1", {"type": "hall.events", "n": 1}),
        ("not a valid group!", {"type": "x"}),
        ("gateway-2", {"type": "gateway.notify"}),
        ("nobody-3", {"type": "x"}),  # no members: nothing to write, not a failure
    ])

    assert [send for send, _exc in failed] == [("not a valid group!", {"type": "x"})]
    assert await received(layer, hall) == {"type": "hall.events", "n": 1}
    assert await received(other, gateway) == {"type": "gateway.notify"}
    assert await received(layer, hall, timeout=0.1) is None
    await close(layer, other)


async def test_a_blocking_send_to_members_is_two_round_trips(redis_url, prefix, monkeypatch):
    import redis.connection

    layer, other = make("hallops", redis_url, prefix), make("hallops", redis_url, prefix)
    hall, gateway = await layer.new_channel(), await other.new_channel()
    await layer.group_add("hall-1", hall)
    await other.group_add("gateway-2", gateway)
    sends = [("hall-1", {"type": "hall.events", "n": 1}), ("gateway-2", {"type": "gateway.notify"})]
    assert await asyncio.to_thread(layer.group_send_blocking, sends) == []  # connected from here on
    writes = []
    write = redis.connection.AbstractConnection.send_packed_command

    def counted(self, command, check_health=True):
        writes.append(command)
        return write(self, command, check_health)

    monkeypatch.setattr(redis.connection.AbstractConnection, "send_packed_command", counted)

    assert await asyncio.to_thread(layer.group_send_blocking, sends) == []

    assert len(writes) == 2  # the members of both groups, then every inbox: no SCRIPT EXISTS between
    assert [(await received(layer, hall))["n"] for _ in range(2)] == [1, 1]
    assert [await received(other, gateway) for _ in range(2)] == [{"type": "gateway.notify"}] * 2
    await close(layer, other)


async def test_a_blocking_send_to_an_unreachable_redis_reports_the_failure(prefix):
    layer = make("hallops", "redis://127.0.0.1:1/0", prefix)

    failed = await asyncio.to_thread(layer.group_send_blocking, [("hall-1", {"type": "x"})])

    assert [send for send, _exc in failed] == [("hall-1", {"type": "x"})]
