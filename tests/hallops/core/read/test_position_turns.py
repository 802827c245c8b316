"""The two ways the place in line lets the windows take turns give the same answer.

When the windows that can call a ticket see the same queues, the database counts its place
(``_count_in_turns``: tickets in key order, the k-th to the (k mod n)-th window). Otherwise the
windows take their turns in Python (``_with_heaps``, itself checked against call_next in
test_position.py). Whenever the count is used it must agree with the turns on the number ahead,
the window and that window's wait, its current ticket included.
"""

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hallops.core import actions, order
from hallops.core.clock import local_day
from hallops.core.models import Ticket, TicketStatus, Window, WindowService, WindowState
from hallops.core.read import position as place
from tests.factories import make_hall, make_service, make_zone

from ..helpers import MONDAY_9, issue, open_window

NOW = MONDAY_9 + timedelta(hours=2)


@st.composite
def halls(draw):
    services = draw(st.integers(1, 4))
    return {
        "expected": [draw(st.integers(1, 20)) for _ in range(services)],
        "prefs": draw(st.dictionaries(st.integers(0, services - 1), st.integers(0, 3), min_size=1)),
        "windows": draw(st.lists(st.one_of(st.none(), st.tuples(  # each window's current ticket, if any
            st.integers(0, services - 1), st.sampled_from([TicketStatus.CALLED, TicketStatus.SERVING]),
            st.integers(0, 30))), min_size=1, max_size=4)),
        "tickets": draw(st.lists(st.tuples(
            st.integers(0, services - 1),               # matter
            st.sampled_from(order.RANKS),               # class
            st.integers(-20, 90),                       # minutes waited (< 0: an appointment ahead of its slot)
        ), min_size=1, max_size=25)),
        "target": draw(st.integers(0, 24)),
        "new": draw(st.booleans()),                     # the place of a ticket being issued, not yet saved
    }


def build(spec):
    hall = make_hall(starvation_minutes=30, max_wait_minutes=60)
    zone = make_zone(hall)
    services = [make_service(hall, zone=zone, expected_minutes=m) for m in spec["expected"]]
    day = local_day(NOW)
    for i, current in enumerate(spec["windows"]):
        w = Window.objects.create(hall=hall, zone=zone, number=str(i + 1), name=str(i + 1), state=WindowState.OPEN)
        WindowService.objects.bulk_create(
            [WindowService(window=w, service=services[s], preference=p) for s, p in spec["prefs"].items()])
        if current is not None:
            s, status, minutes = current
            at = NOW - timedelta(minutes=minutes)
            Ticket.objects.create(hall=hall, service=services[s], day=day, number=f"W{i}", rank=2, status=status,
                                  queue_at=at, issued_at=at, called_at=at, window=w,
                                  started_at=at if status == TicketStatus.SERVING else None)
            w.state = WindowState.SERVING
            w.save()
    tickets = []
    for k, (s, rank, waited) in enumerate(spec["tickets"]):
        waited = waited if rank == order.APPOINTMENT_RANK else abs(waited)
        at = NOW - timedelta(minutes=waited, seconds=k)
        tickets.append(Ticket(hall=hall, service=services[s], day=day, number=f"A{k:03d}", rank=rank,
                              queue_at=at, issued_at=min(at, NOW), status=TicketStatus.WAITING))
    callable_ = [t for t in tickets if spec["tickets"][tickets.index(t)][0] in spec["prefs"]]
    target = callable_[spec["target"] % len(callable_)] if callable_ else None
    Ticket.objects.bulk_create([t for t in tickets if not (spec["new"] and t is target)])
    return hall, target


@settings(max_examples=80, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(spec=halls())
def test_windows_alike_get_the_same_place_counted_as_by_taking_turns(db, spec, monkeypatch):
    hall, target = build(spec)
    if target is None:
        return  # no ticket of a matter the windows serve

    counted = place.position(target, hall=hall, now=NOW)
    with monkeypatch.context() as m:
        m.setattr(place, "_count_in_turns", lambda *a: None)
        by_turns = place.position(target, hall=hall, now=NOW)

    assert counted == by_turns


def test_windows_alike_are_counted_in_the_database(hall, service_a, clock, monkeypatch, django_assert_num_queries):
    open_window(hall, [service_a], clock)
    open_window(hall, [service_a], clock)
    for _ in range(30):
        issue(hall, service_a, clock)
    mine = issue(hall, service_a, clock)
    monkeypatch.setattr(place, "_with_heaps", None)  # the turns are not taken here
    with django_assert_num_queries(3):
        assert place.position(mine, hall=hall, now=clock.tick()).ahead == 30


def test_a_ticket_transferred_to_one_of_the_windows_sends_them_to_take_turns(hall, service_a, clock,
                                                                            django_assert_num_queries):
    first = open_window(hall, [service_a], clock)
    second = open_window(hall, [service_a], clock)
    for _ in range(3):
        issue(hall, service_a, clock)
    actions.call_next(first, now=clock.tick())
    actions.transfer(first, to_window=second, now=clock.tick())  # waits for the second window only
    mine = issue(hall, service_a, clock)
    with django_assert_num_queries(4):  # the count noticed the transfer: the line is read as well
        shown = place.position(mine, hall=hall, now=clock.tick())
    # The first window calls the two older tickets in turn with the second, which takes its own first.
    assert shown.ahead == 3


@pytest.mark.parametrize("minutes", [0, 45, 75])  # due, starving, overdue
def test_the_count_keeps_the_call_order_of_an_old_ticket(hall, service_a, service_b, clock, minutes):
    open_window(hall, [service_b, service_a], clock)
    issue(hall, service_b, clock)
    mine = issue(hall, service_a, clock)
    Ticket.objects.filter(pk=mine.pk).update(queue_at=mine.queue_at - timedelta(minutes=minutes))
    mine.refresh_from_db()
    hall.starvation_minutes, hall.max_wait_minutes = 30, 60
    hall.save()
    # A window prefers B, so B goes first; unless A has waited long enough to starve or be overdue.
    assert place.position(mine, hall=hall, now=clock.tick()).ahead == (1 if minutes == 0 else 0)
