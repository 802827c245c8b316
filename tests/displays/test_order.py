"""Order and no loss: gaps are filled from the event log, repeats and old messages are dropped, resume is exact.

Dropped group messages are produced the way they happen in production: the event is in the log
(committed) but its group message never arrives. `log_silently` writes such events.
"""

import json

import pytest
from channels.layers import get_channel_layer
from django.db import transaction

from hallops.core import actions, events
from hallops.core.models import HallEvent

from .conftest import db, drain, issue, open_socket

pytestmark = pytest.mark.django_db(transaction=True)

DISPLAY = "/ws/halls/xicheng/display/"


def log_silently(hall, n, window):
    """Append n ticket.called events to the log without publishing them (lost messages)."""
    out = []
    for i in range(n):
        with transaction.atomic():
            e = HallEvent.objects.create(
                hall=hall, seq=events._next_seq(hall.pk), type="ticket.called", created_at=events.clock_now(),
                payload={"number": f"Z{i:03d}", "window": {"id": window.pk, "number": window.number}},
            )
        out.append(e.as_message())
    return out


async def deliver(hall, message):
    await get_channel_layer().group_send(events.hall_group(hall.pk), {"type": "hall.event", "event": message})


async def test_a_gap_is_filled_from_the_log_before_the_next_event_and_nothing_is_repeated(hall):
    h = hall
    comm, snap = await open_socket(DISPLAY, token=h.tokens["hall_screen"])
    logged = await db(log_silently)(h.hall, 4, h.w1)
    await deliver(h.hall, logged[3])  # 1..3 were lost
    await deliver(h.hall, logged[1])  # a late duplicate of one the socket filled
    await deliver(h.hall, logged[3])  # and a repeat
    frames = [f for f in await drain(comm, 0.5) if f["type"] == "ticket.called"]
    assert [f["seq"] for f in frames] == [m["seq"] for m in logged]
    assert [f["number"] for f in frames] == ["Z000", "Z001", "Z002", "Z003"]
    await comm.disconnect()


async def test_one_action_s_events_in_one_message_are_shown_each_in_order(hall):
    h = hall
    comm, snap = await open_socket(DISPLAY, token=h.tokens["hall_screen"])
    logged = await db(log_silently)(h.hall, 3, h.w1)
    await get_channel_layer().group_send(events.hall_group(h.hall.pk), {"type": "hall.events", "events": logged})
    frames = [f for f in await drain(comm, 0.5) if f["type"] == "ticket.called"]
    assert [f["number"] for f in frames] == ["Z000", "Z001", "Z002"]
    assert [f["seq"] for f in frames] == [m["seq"] for m in logged]
    await comm.disconnect()


async def test_messages_arriving_out_of_order_are_shown_in_order_once(hall):
    h = hall
    comm, snap = await open_socket(DISPLAY, token=h.tokens["hall_screen"])
    logged = await db(log_silently)(h.hall, 3, h.w1)
    for m in reversed(logged):
        await deliver(h.hall, m)
    frames = [f for f in await drain(comm, 0.5) if f["type"] == "ticket.called"]
    assert [f["seq"] for f in frames] == [m["seq"] for m in logged]
    await comm.disconnect()


async def test_events_published_out_of_order_are_put_in_order_in_memory_without_reading_the_log(hall):
    h = hall
    comm, snap = await open_socket(DISPLAY, token=h.tokens["hall_screen"])
    logged = await db(log_silently)(h.hall, 3, h.w1)
    # Gone from the log: only the fan-out's short wait for the earlier ones can still show all three.
    await db(lambda: HallEvent.objects.filter(hall=h.hall, seq__gt=snap["seq"]).delete())()
    for m in reversed(logged):
        await deliver(h.hall, m)
    frames = [f for f in await drain(comm, 0.5) if f["type"] == "ticket.called"]
    assert [f["number"] for f in frames] == ["Z000", "Z001", "Z002"]
    await comm.disconnect()


async def test_events_the_snapshot_already_includes_are_not_sent_again(hall):
    h = hall
    await db(issue)(h.hall, h.a)
    await db(actions.call_next)(h.w1)
    comm, snap = await open_socket(DISPLAY, token=h.tokens["hall_screen"])
    included = await db(lambda: HallEvent.objects.get(hall=h.hall, seq=snap["seq"]).as_message())()
    await deliver(h.hall, included)  # published late, arrives after the snapshot was read
    assert [f for f in await drain(comm, 0.3) if f["type"] != "waiting"] == []
    await comm.disconnect()


async def test_a_ping_recovers_events_lost_at_the_tail(hall):
    h = hall
    comm, snap = await open_socket(DISPLAY, token=h.tokens["hall_screen"])
    logged = await db(log_silently)(h.hall, 2, h.w1)  # nothing later will reveal the gap
    await comm.send_to(text_data=json.dumps({"type": "ping"}))
    frames = [f for f in await drain(comm, 0.5) if f["type"] != "waiting"]
    assert [f["type"] for f in frames] == ["ticket.called", "ticket.called", "pong"]
    assert frames[-1]["seq"] == logged[-1]["seq"]
    await comm.disconnect()


async def test_resume_with_since_sends_exactly_the_missed_events_of_its_window(hall):
    h = hall
    await db(issue)(h.hall, h.a)
    await db(issue)(h.hall, h.b)
    comm, snap = await open_socket(f"/ws/halls/xicheng/windows/{h.w1.pk}/", token=h.tokens["w1_display"])
    await comm.disconnect()
    since = snap["seq"]
    await db(actions.call_next)(h.w1)  # missed while away
    await db(actions.call_next)(h.w2)  # another window's
    await db(actions.recall)(h.w1)
    comm, first = await open_socket(f"/ws/halls/xicheng/windows/{h.w1.pk}/", token=h.tokens["w1_display"],
                                    query=f"since={since}")
    head = await db(events.last_seq)(h.hall.pk)
    assert first == {"type": "resumed", "seq": since, "last_seq": head}
    frames = await drain(comm, 0.5)
    assert [(f["type"], f.get("recall_count")) for f in frames] == [
        ("window.state", None), ("ticket.called", 0), ("ticket.called", 1)]
    expected = await db(lambda: [e.seq for e in HallEvent.objects.filter(hall=h.hall, seq__gt=since)
                                 if (e.payload.get("window") or {}).get("id") == h.w1.pk])()
    assert [f["seq"] for f in frames] == expected
    await comm.disconnect()


async def test_resume_from_too_long_ago_or_from_the_future_gets_a_fresh_snapshot(hall, settings):
    h = hall
    settings.HALLOPS = {**settings.HALLOPS, "RESUME_MAX_EVENTS": 2}
    since = await db(events.last_seq)(h.hall.pk)
    await db(log_silently)(h.hall, 3, h.w1)
    comm, first = await open_socket(DISPLAY, token=h.tokens["hall_screen"], query=f"since={since}")
    assert first["type"] == "snapshot" and first["seq"] == since + 3
    await comm.disconnect()
    comm, first = await open_socket(DISPLAY, token=h.tokens["hall_screen"], query=f"since={since + 99}")
    assert first["type"] == "snapshot"
    await comm.disconnect()
    comm, first = await open_socket(DISPLAY, token=h.tokens["hall_screen"], query=f"since={since + 1}")
    assert first["type"] == "resumed"
    assert [f["seq"] for f in await drain(comm, 0.3) if f["type"] != "waiting"] == [since + 2, since + 3]
    await comm.disconnect()
