"""过号 rules each hall sets: how often to recall, how long to wait before skipping, and what a
skipped citizen who comes back gets (requeue N places back, the tail, or nothing), with the daily
limit counted per citizen where the citizen is known (an appointment)."""

from datetime import timedelta

import pytest

from hallops.core import actions
from hallops.core.errors import Conflict
from hallops.core.models import Appointment, HallEvent, Priority, SkipPolicy, Ticket

from .helpers import issue, open_window


@pytest.fixture
def window(hall, service_a, clock):
    return open_window(hall, [service_a], clock)


def _set(hall, **fields):
    for k, v in fields.items():
        setattr(hall, k, v)
    hall.save()


def _waiting_order(service):
    return list(Ticket.objects.filter(service=service, status="waiting").order_by("rank", "queue_at")
                .values_list("number", flat=True))


def test_it_recalls_as_often_as_the_hall_allows_and_then_asks_for_a_skip(hall, service_a, window, clock):
    _set(hall, skip_recall_limit=3)
    issue(hall, service_a, clock)
    actions.call_next(window, now=clock.tick())
    for _ in range(3):
        actions.recall(window, now=clock.tick())
    with pytest.raises(Conflict) as err:
        actions.recall(window, now=clock.tick())
    assert err.value.code == "recall_limit"
    assert Ticket.objects.get().recall_count == 3
    assert HallEvent.objects.filter(type="ticket.called").count() == 4  # the refused recall announced nothing


def test_it_does_not_skip_a_citizen_before_the_grace_period_is_over(hall, service_a, window, clock):
    _set(hall, skip_grace_minutes=2)
    issue(hall, service_a, clock)
    called = actions.call_next(window, now=clock.tick())
    with pytest.raises(Conflict) as err:
        actions.skip(window, now=called.called_at + timedelta(seconds=90))
    assert err.value.code == "skip_too_early" and err.value.details["retry_after_s"] == 31
    assert Ticket.objects.get().status == "called"
    # A recall does not restart the grace period: it runs from the first call.
    actions.recall(window, now=called.called_at + timedelta(seconds=100))
    assert actions.skip(window, now=called.called_at + timedelta(minutes=2)).status == "skipped"


def test_requeue_policy_puts_the_citizen_behind_the_next_few(hall, service_a, window, clock):
    _set(hall, skip_policy=SkipPolicy.REQUEUE, skip_requeue_places=2)
    for _ in range(5):
        issue(hall, service_a, clock)
    actions.call_next(window, now=clock.tick())
    actions.skip(window, now=clock.tick())
    actions.requeue(Ticket.objects.get(number="A001"), now=clock.tick())
    assert _waiting_order(service_a) == ["A002", "A003", "A001", "A004", "A005"]


def test_tail_policy_puts_the_citizen_at_the_back_of_the_line(hall, service_a, window, clock):
    _set(hall, skip_policy=SkipPolicy.TAIL, skip_requeue_places=2)
    for _ in range(4):
        issue(hall, service_a, clock)
    actions.call_next(window, now=clock.tick())
    actions.skip(window, now=clock.tick())
    actions.requeue(Ticket.objects.get(number="A001"), now=clock.tick())
    issue(hall, service_a, clock)  # A005 comes after the requeue: behind A001
    assert _waiting_order(service_a) == ["A002", "A003", "A004", "A001", "A005"]
    assert HallEvent.objects.filter(type="ticket.requeued").get().payload["policy"] == "tail"


def test_void_policy_refuses_requeue_and_a_designated_call_of_the_skipped_number(hall, service_a, window, clock):
    _set(hall, skip_policy=SkipPolicy.VOID)
    issue(hall, service_a, clock)
    actions.call_next(window, now=clock.tick())
    actions.skip(window, now=clock.tick())
    skipped = Ticket.objects.get(number="A001")
    for attempt in (lambda: actions.requeue(skipped, now=clock.tick()),
                    lambda: actions.call_number(window, "A001", now=clock.tick())):
        with pytest.raises(Conflict) as err:
            attempt()
        assert err.value.code == "skipped_void"
    assert Ticket.objects.get(number="A001").status == "skipped"


def _booked(hall, service, clock, phone, code):
    start = clock.t + timedelta(minutes=5)
    return Appointment.objects.create(hall=hall, service=service, code=code, citizen_name="张三", citizen_phone=phone,
                                      slot_start=start, slot_end=start + timedelta(minutes=30))


def _skip_and_requeue(window, ticket, clock):
    assert actions.call_number(window, ticket.number, now=clock.tick()).pk == ticket.pk
    actions.skip(window, now=clock.tick())
    return actions.requeue(ticket, now=clock.tick())


def test_the_daily_limit_counts_per_citizen_when_the_citizen_booked(hall, service_a, window, clock):
    _set(hall, skip_daily_limit=2)
    first = actions.check_in(hall, _booked(hall, service_a, clock, "13800000001", "BK1").code, now=clock.tick()).ticket
    _skip_and_requeue(window, first, clock)
    _skip_and_requeue(window, first, clock)
    actions.call_number(window, first.number, now=clock.tick())
    actions.start(window, now=clock.tick())
    actions.finish(window, now=clock.tick())
    # The same citizen books again the same day: the two requeues already used count.
    clock.tick(3600)
    second = actions.check_in(hall, _booked(hall, service_a, clock, "13800000001", "BK2").code, now=clock.tick()).ticket
    actions.call_number(window, second.number, now=clock.tick())
    actions.skip(window, now=clock.tick())
    with pytest.raises(Conflict) as err:
        actions.requeue(second, now=clock.tick())
    assert err.value.code == "requeue_limit"
    # Somebody else's booking has its own count.
    other = actions.check_in(hall, _booked(hall, service_a, clock, "13900000002", "BK3").code, now=clock.tick()).ticket
    assert _skip_and_requeue(window, other, clock).status == "waiting"


def test_the_daily_limit_counts_per_ticket_for_an_unknown_citizen(hall, service_a, window, clock):
    _set(hall, skip_daily_limit=1)
    a, b = issue(hall, service_a, clock), issue(hall, service_a, clock, priority=Priority.ELDERLY)
    _skip_and_requeue(window, a, clock)
    _skip_and_requeue(window, b, clock)  # a different ticket: its own count
    actions.call_number(window, a.number, now=clock.tick())
    actions.skip(window, now=clock.tick())
    with pytest.raises(Conflict):
        actions.requeue(a, now=clock.tick())
