"""Hall events: each action appends its events with a gap-free per-hall number, published after commit."""

import asyncio
import pathlib
import re

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.layers import get_channel_layer
from django.db import transaction

from hallops.core import actions, event_schema, events
from hallops.evaluations.ratings import record_evaluation
from hallops.core.errors import Conflict
from hallops.core.models import EventSequence, HallEvent, Priority
from tests.factories import make_hall, make_service, make_staff, make_window

from .helpers import event_types, issue, last_seq, open_window


class Boom(Exception):
    pass


@pytest.fixture
def window(hall, service_a, clock):
    return open_window(hall, [service_a], clock)


def types_of(hall, action):
    """The types of the events `action` appends, each payload checked against its type's schema."""
    before = last_seq(hall)
    action()
    emitted = HallEvent.objects.filter(hall=hall, seq__gt=before).order_by("seq")
    for event in emitted:
        event_schema.check(event.type, event.payload)
    return [event.type for event in emitted]


def test_each_action_appends_exactly_its_events(hall, service_a, service_b, clock):
    tick = clock.tick
    w = make_window(hall, services=[service_a])
    other = make_window(hall, services=[service_b])
    staff = make_staff(hall)
    expected = [
        (lambda: actions.sign_in(w, staff, now=tick()), ["window.state"]),
        (lambda: actions.issue_ticket(hall, service_a, now=tick()), ["ticket.issued"]),
        (lambda: actions.issue_ticket(hall, service_a, now=tick()), ["ticket.issued"]),
        (lambda: actions.call_next(w, now=tick()), ["window.state", "ticket.called"]),
        (lambda: actions.recall(w, now=tick()), ["ticket.called"]),
        (lambda: actions.skip(w, now=tick()), ["ticket.skipped", "window.state"]),
        (lambda: actions.requeue(w.tickets.get(number="A001"), now=tick()), ["ticket.requeued"]),
        (lambda: actions.call_next(w, now=tick()), ["window.state", "ticket.called"]),
        (lambda: actions.start(w, now=tick()), ["ticket.started"]),
        # 下一位 with somebody waiting: the window stays 办理中 from one citizen to the next.
        (lambda: actions.call_next(w, now=tick()), ["ticket.finished", "ticket.called"]),
        (lambda: actions.finish(w, now=tick()), ["ticket.finished", "window.state"]),
        (lambda: record_evaluation(w, 5, now=tick()), ["evaluation.recorded"]),
        (lambda: record_evaluation(w, 5, now=tick()), []),  # a repeat press
        (lambda: actions.issue_ticket(hall, service_a, now=tick()), ["ticket.issued"]),
        (lambda: actions.call_next(w, now=tick()), ["window.state", "ticket.called"]),
        (lambda: actions.transfer(w, to_window=other, now=tick()), ["ticket.transferred", "window.state"]),
        (lambda: actions.call_next(w, now=tick()), []),  # nobody waits: nothing changes
        (lambda: actions.pause_window(w, reason="午休", now=tick()), ["window.state"]),
        (lambda: actions.resume_window(w, now=tick()), ["window.state"]),
        (lambda: actions.cancel_ticket(actions.issue_ticket(hall, service_b, now=tick()).ticket, now=tick()),
         ["ticket.issued", "ticket.cancelled"]),
        (lambda: actions.sign_out(w, now=tick()), ["window.state"]),
        (lambda: actions.open_window(w, now=tick()), ["window.state"]),
        (lambda: actions.close_window(w, now=tick()), ["window.state"]),
    ]
    for i, (action, types) in enumerate(expected):
        assert types_of(hall, action) == types, f"step {i}"
    seqs = list(HallEvent.objects.filter(hall=hall).order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))
    assert EventSequence.objects.get(hall=hall).last == len(seqs)


def test_each_hall_numbers_its_events_from_one_without_gaps(db, clock):
    halls = [make_hall(), make_hall()]
    services = [make_service(h, prefix="A") for h in halls]
    for i in range(7):
        h = i % 2 if i < 4 else 0
        issue(halls[h], services[h], clock)
    assert [list(HallEvent.objects.filter(hall=h).order_by("seq").values_list("seq", flat=True)) for h in halls] == [
        [1, 2, 3, 4, 5], [1, 2]]
    assert (events.last_seq(halls[0].pk), events.last_seq(halls[1].pk)) == (5, 2)


def test_the_event_carries_the_state_after_the_change(hall, service_a, window, clock):
    issue(hall, service_a, clock, priority=Priority.ELDERLY)
    at = clock.tick()
    actions.call_next(window, now=at)
    event = HallEvent.objects.get(type="ticket.called")
    message = event.as_message()
    assert (message["type"], message["seq"], message["number"]) == ("ticket.called", event.seq, "A001")
    assert message["ticket"]["status"] == "called" and message["window"]["id"] == window.pk
    assert message["announcement"] == f"请A001号到{window.number}号窗口办理"
    assert event.created_at == at


def test_a_failed_action_records_nothing(hall, service_a, window, clock):
    issue(hall, service_a, clock)
    actions.call_next(window, now=clock.tick())
    before = last_seq(hall)
    with pytest.raises(Conflict):
        actions.call_next(window, now=clock.tick())  # the called ticket was not started
    with pytest.raises(Conflict):
        actions.pause_window(window, now=clock.tick())
    assert last_seq(hall) == before == events.last_seq(hall.pk)


def test_a_rolled_back_action_leaves_no_event_and_no_hole(hall, service_a, clock, django_capture_on_commit_callbacks):
    issue(hall, service_a, clock)
    before = last_seq(hall)
    with django_capture_on_commit_callbacks() as callbacks:
        with pytest.raises(Boom):
            with transaction.atomic():
                actions.issue_ticket(hall, service_a, now=clock.tick())
                raise Boom
    assert callbacks == []
    assert last_seq(hall) == events.last_seq(hall.pk) == before
    # The next event takes the number the rolled-back one had: no gap.
    issue(hall, service_a, clock)
    assert last_seq(hall) == before + 1


def test_every_event_type_has_a_schema_and_every_schema_is_used():
    recorded = set()
    root = pathlib.Path(__file__).resolve().parents[3]
    for path in [*root.glob("hallops/**/*.py"), *root.glob("devices/**/*.py")]:
        recorded |= set(re.findall(r'events\.record\([^,]+,\s*"([a-z._]+)"', path.read_text()))
    assert recorded == set(event_schema.EVENT_TYPES)


def test_a_payload_that_does_not_match_its_schema_is_refused_and_rolls_back(hall, service_a, window, clock):
    issue(hall, service_a, clock)
    before = last_seq(hall)
    with pytest.raises(event_schema.EventSchemaError, match="ticket.started"):
        with transaction.atomic():
            events.record(hall.pk, "ticket.started", {"ticket": {"id": "x"}})
    with pytest.raises(event_schema.EventSchemaError, match="no schema"):
        with transaction.atomic():
            events.record(hall.pk, "ticket.teleported", {})
    with pytest.raises(event_schema.EventSchemaError, match="extra"):
        with transaction.atomic():
            events.record(hall.pk, "tickets.expired", {"count": 1, "before": "2025-03-03", "why": "x"})
    assert last_seq(hall) == before


def test_in_production_a_mismatch_is_logged_and_the_event_still_recorded(hall, settings, caplog):
    settings.HALLOPS = {**settings.HALLOPS, "STRICT_EVENTS": False}
    with transaction.atomic():
        events.record(hall.pk, "tickets.expired", {"count": "1", "before": "2025-03-03"})
    assert HallEvent.objects.filter(hall=hall, type="tickets.expired").count() == 1
    assert "does not match its schema" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_recording_outside_a_transaction_is_refused(hall):
    with pytest.raises(RuntimeError):
        events.record(hall.pk, "tickets.expired", {"count": 0, "before": "2025-03-03"})


def test_each_event_is_published_once_after_commit_one_message_per_action(
        hall, service_a, window, clock, django_capture_on_commit_callbacks, channel_layer):
    layer, loop = channel_layer, channel_layer.loop
    channel = loop.run_until_complete(layer.new_channel())
    loop.run_until_complete(layer.group_add(events.hall_group(hall.pk), channel))

    def received():
        got = []
        while (message := loop.run_until_complete(_receive(layer, channel, 0.5))) is not None:
            got.append([e["type"] for e in message.get("events", [message.get("event")])])
        return got

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        issue(hall, service_a, clock)
        actions.call_next(window, now=clock.tick())
    assert received() == []  # nothing before commit
    for callback in callbacks:
        callback()
    assert received() == [["ticket.issued"], ["window.state", "ticket.called"]]


async def _receive(layer, channel, timeout):
    try:
        return await asyncio.wait_for(layer.receive(channel), timeout)
    except asyncio.TimeoutError:
        return None


def test_screens_in_the_hall_group_get_the_event_only_after_commit(
        hall, service_a, clock, django_capture_on_commit_callbacks):
    # One event loop for the whole exchange (the Redis layer binds its buffers to a loop);
    # the database work runs back in this thread through sync_to_async, inside the test transaction.
    layer = get_channel_layer()
    group = events.hall_group(hall.id)
    commit = django_capture_on_commit_callbacks(execute=True)

    def act():
        commit.__enter__()
        return issue(hall, service_a, clock)

    async def scenario():
        channel = await layer.new_channel()
        await layer.group_add(group, channel)
        try:
            ticket = await sync_to_async(act)()
            early = await _receive(layer, channel, 0.3)
            await sync_to_async(commit.__exit__)(None, None, None)  # runs the on_commit callbacks
            message = await _receive(layer, channel, 5)
            again = await _receive(layer, channel, 0.3)
            return ticket, early, message, again
        finally:
            await layer.group_discard(group, channel)

    ticket, early, message, again = async_to_sync(scenario)()
    assert early is None, "published before commit"
    assert message["type"] == "hall.event"
    event = message["event"]
    assert (event["type"], event["seq"], event["ticket"]["number"]) == ("ticket.issued", last_seq(hall), ticket.number)
    assert again is None, "published twice"


def test_an_action_s_events_go_to_the_group_in_one_message_in_seq_order(
        hall, service_a, clock, django_capture_on_commit_callbacks):
    from hallops.core import actions

    from .helpers import open_window

    window = open_window(hall, [service_a], clock)
    issue(hall, service_a, clock)
    issue(hall, service_a, clock)
    actions.call_next(window, now=clock.tick())
    actions.start(window, now=clock.tick())
    layer = get_channel_layer()
    group = events.hall_group(hall.id)
    commit = django_capture_on_commit_callbacks(execute=True)

    def act():
        commit.__enter__()
        before = last_seq(hall)
        actions.call_next(window, now=clock.tick())  # 下一位: finishes the ticket served, calls the next
        return before

    async def scenario():
        channel = await layer.new_channel()
        await layer.group_add(group, channel)
        try:
            before = await sync_to_async(act)()
            await sync_to_async(commit.__exit__)(None, None, None)
            return before, await _receive(layer, channel, 5), await _receive(layer, channel, 0.3)
        finally:
            await layer.group_discard(group, channel)

    before, message, again = async_to_sync(scenario)()
    assert message["type"] == "hall.events" and again is None
    assert [e["seq"] for e in message["events"]] == list(range(before + 1, last_seq(hall) + 1))
    assert [e["type"] for e in message["events"]] == ["ticket.finished", "ticket.called"]


def test_events_since_replays_the_log_in_order(hall, service_a, clock):
    for _ in range(5):
        issue(hall, service_a, clock)
    assert [e.seq for e in events.events_since(hall.pk, 2)] == [3, 4, 5]
    assert [e.seq for e in events.events_since(hall.pk, 0, limit=2)] == [1, 2]


def test_a_thread_of_no_server_keeps_one_loop_for_its_sends_and_a_server_thread_uses_the_server_s():
    import threading

    loops = []

    async def send(tag):
        loops.append((tag, asyncio.get_running_loop()))

    def plain_thread():  # a management command, a gunicorn worker thread
        events.run_layer(send, "plain")
        events.run_layer(send, "plain")

    t = threading.Thread(target=plain_thread)
    t.start()
    t.join()

    async def server():  # daphne: the view runs in a thread of the server's loop
        def view():
            events.run_layer(send, "server")
            return len(loops)  # the send is done when run_layer returns

        return asyncio.get_running_loop(), await sync_to_async(view)()

    server_loop, sent_by_then = async_to_sync(server)()
    (_, first), (_, second), (_, from_view) = loops
    assert first is second and not first.is_running()  # kept, not one per send
    assert from_view is server_loop and from_view is not first
    assert sent_by_then == 3


def test_an_actions_sends_go_together_after_commit_and_one_failing_stops_none(
        hall, django_capture_on_commit_callbacks, caplog, channel_layer):
    layer, loop = channel_layer, channel_layer.loop
    channels = {}
    for group in ("hall-a", "gateway-b"):
        channels[group] = loop.run_until_complete(layer.new_channel())
        loop.run_until_complete(layer.group_add(group, channels[group]))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        with transaction.atomic(), events.batch():
            events.send_after_commit("hall-a", {"type": "x.one"}, "one")
            events.send_after_commit("not a valid group name!", {"type": "x.lost"}, "lost")
            events.send_after_commit("gateway-b", {"type": "x.two"}, "two")
            events.send_after_commit("gateway-b", {"type": "x.two"}, "two again")
    assert len(callbacks) == 1  # one hop to the event loop for the whole action
    assert loop.run_until_complete(_receive(layer, channels["hall-a"], 0.2)) is None
    callbacks[0]()
    assert loop.run_until_complete(_receive(layer, channels["hall-a"], 2)) == {"type": "x.one"}
    assert loop.run_until_complete(_receive(layer, channels["gateway-b"], 2)) == {"type": "x.two"}
    assert loop.run_until_complete(_receive(layer, channels["gateway-b"], 0.3)) is None  # once
    assert "sending lost failed" in caplog.text


def test_a_rolled_back_action_sends_nothing(hall, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        with pytest.raises(ZeroDivisionError), transaction.atomic(), events.batch():
            events.send_after_commit("hall-a", {"type": "x.one"}, "one")
            1 / 0
    assert callbacks == []
