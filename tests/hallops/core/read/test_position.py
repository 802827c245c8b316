"""前面还有 N 人: the place a citizen is told is the number of tickets the windows will call first."""

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hallops.core import actions
from hallops.core.clock import local_day
from hallops.core.models import Priority, Ticket, TicketStatus, Window, WindowService, WindowState
from hallops.core.models.ticket import PRIORITY_RANK
from hallops.core.read.position import position
from tests.factories import make_hall, make_service, make_zone

from ..helpers import MONDAY_9, issue, open_window


def test_a_shared_window_that_prefers_another_matter_puts_its_tickets_ahead(hall, service_a, service_b, clock):
    # The field report: "前面还有 0 人" while B tickets wait for the only window, which prefers B.
    open_window(hall, [service_b, service_a], clock)
    issue(hall, service_b, clock)
    issue(hall, service_b, clock)
    mine = issue(hall, service_a, clock)
    assert position(mine, now=clock.tick()).ahead == 2


def test_priority_tickets_of_other_matters_at_a_shared_window_come_first(hall, service_a, service_b, clock):
    open_window(hall, [service_a, service_b], clock)
    mine = issue(hall, service_a, clock)
    issue(hall, service_b, clock, priority=Priority.ELDERLY)
    assert position(mine, now=clock.tick()).ahead == 1


def test_two_windows_share_the_line(hall, service_a, clock):
    open_window(hall, [service_a], clock)
    open_window(hall, [service_a], clock)
    tickets = [issue(hall, service_a, clock) for _ in range(5)]
    assert [position(t, now=clock.tick()).ahead for t in tickets] == [0, 1, 2, 3, 4]


def test_the_wait_is_what_the_calling_window_handles_first(hall, service_a, service_b, clock):
    service_a.expected_minutes, service_b.expected_minutes = 10, 4
    service_a.save()
    service_b.save()
    open_window(hall, [service_b, service_a], clock)
    issue(hall, service_b, clock)
    issue(hall, service_a, clock)
    issue(hall, service_b, clock)
    mine = issue(hall, service_a, clock)
    place = position(mine, now=clock.tick())
    assert (place.ahead, place.estimated_wait_s) == (3, 4 * 60 + 4 * 60 + 10 * 60)


def test_the_current_ticket_of_the_window_counts_with_what_is_left_of_it(hall, service_a, clock):
    service_a.expected_minutes = 10
    service_a.save()
    window = open_window(hall, [service_a], clock)
    issue(hall, service_a, clock)
    mine = issue(hall, service_a, clock)
    actions.call_next(window, now=clock.tick())
    actions.start(window, now=clock.tick())
    place = position(mine, now=clock.tick(4 * 60))
    assert (place.ahead, place.estimated_wait_s) == (0, 6 * 60)


def test_a_ticket_transferred_to_a_window_waits_for_that_window_only(hall, service_a, clock):
    first = open_window(hall, [service_a], clock)
    second = open_window(hall, [service_a], clock)
    issue(hall, service_a, clock)
    issue(hall, service_a, clock)
    issue(hall, service_a, clock)
    actions.call_next(first, now=clock.tick())
    moved = actions.transfer(first, to_window=second, now=clock.tick())
    place = position(moved, now=clock.tick())
    assert (place.ahead, place.window_id) == (0, second.pk)


def test_a_ticket_no_longer_waiting_has_no_place(hall, service_a, clock):
    window = open_window(hall, [service_a], clock)
    ticket = issue(hall, service_a, clock)
    actions.call_next(window, now=clock.tick())
    ticket.refresh_from_db()
    assert position(ticket, now=clock.tick()) is None


def test_issuing_tells_the_place_the_ticket_then_has(hall, service_a, service_b, clock):
    open_window(hall, [service_b, service_a], clock)
    issue(hall, service_b, clock)
    result = actions.issue_ticket(hall, service_a, now=clock.tick())
    assert (result.ahead, result.estimated_wait_s) == (1, 600)
    assert position(result.ticket, now=clock.t).ahead == 1


@pytest.mark.parametrize("matters, windows", [(2, 2), (40, 8)])
@pytest.mark.parametrize("alike", [True, False], ids=["windows alike: counted", "unalike: turns"])
def test_the_place_reads_in_three_queries_whatever_the_size_of_the_hall(
        hall, service_a, clock, django_assert_num_queries, matters, windows, alike):
    others = [make_service(hall, prefix="B") for _ in range(matters - 1)]
    for i in range(windows):
        # Alike: every window serves every matter in the same order; unalike: each its own share.
        share = others if alike else others[i * 5:(i + 1) * 5]
        open_window(hall, [*share, service_a], clock)
    for s in [service_a, *others]:
        issue(hall, s, clock)
    mine = issue(hall, service_a, clock)
    with django_assert_num_queries(3):
        place = position(mine, hall=hall, now=clock.tick())
    assert place.ahead == matters  # every window prefers its other matters, and one A came first


# --- The property: the place shown is the number of tickets call_next calls first ----------------

@st.composite
def halls(draw):
    n_services = draw(st.integers(1, 3))
    windows = draw(st.lists(
        st.dictionaries(st.integers(0, n_services - 1), st.integers(0, 3), min_size=1),
        min_size=1, max_size=3))
    tickets = draw(st.lists(st.tuples(
        st.integers(0, n_services - 1),                         # matter
        st.sampled_from([Priority.NORMAL, Priority.ELDERLY, Priority.APPOINTMENT]),
        st.integers(-20, 90),                                   # minutes waited (< 0: appointment slot ahead)
        st.one_of(st.none(), st.integers(0, len(windows) - 1)),  # transferred to a window
    ), min_size=1, max_size=12))
    return {
        "services": n_services, "windows": windows, "tickets": tickets,
        "starvation": draw(st.sampled_from([10, 45])), "max_wait": draw(st.sampled_from([30, 60])),
        "target": draw(st.integers(0, len(tickets) - 1)),
    }


def build(spec, now):
    hall = make_hall(starvation_minutes=spec["starvation"], max_wait_minutes=spec["max_wait"])
    zone = make_zone(hall)
    services = [make_service(hall, prefix="A", zone=zone) for _ in range(spec["services"])]
    windows = []
    for i, prefs in enumerate(spec["windows"]):
        w = Window.objects.create(hall=hall, zone=zone, number=str(i + 1), name=f"{i + 1}",
                                  state=WindowState.OPEN)
        WindowService.objects.bulk_create(
            [WindowService(window=w, service=services[s], preference=p) for s, p in prefs.items()])
        windows.append(w)
    tickets = []
    for k, (s, priority, waited, target) in enumerate(spec["tickets"]):
        if priority != Priority.APPOINTMENT:
            waited = abs(waited)  # only an appointment's place in line can be in the future
        at = now - timedelta(minutes=waited, seconds=k)
        tickets.append(Ticket.objects.create(
            hall=hall, service=services[s], day=local_day(now), number=f"A{k + 1:03d}", priority=priority,
            rank=PRIORITY_RANK[priority], queue_at=at, issued_at=min(at, now),
            target_window=windows[target] if target is not None else None,
        ))
    return hall, windows, tickets


def calls_before(ticket, windows, now):
    """Windows that can call the ticket take turns (by id) calling next until one calls it."""
    if ticket.target_window_id:
        turn = [w for w in windows if w.pk == ticket.target_window_id]
    else:
        turn = [w for w in windows if w.window_services.filter(service_id=ticket.service_id).exists()]
    turn.sort(key=lambda w: w.pk)
    called = 0
    while turn:
        for w in list(turn):
            taken = actions.call_next(w, now=now)
            if taken is None:
                turn.remove(w)
            elif taken.pk == ticket.pk:
                return called, w.pk
            else:
                called += 1
                actions.finish(w, now=now)
    raise AssertionError("no window called the ticket")


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(spec=halls())
def test_the_place_shown_is_the_number_of_tickets_call_next_calls_before_it(db, fast_password_hashing, spec):
    now = MONDAY_9 + timedelta(hours=2)
    hall, windows, tickets = build(spec, now)
    mine = tickets[spec["target"]]
    if mine.target_window_id is None and not any(
            mine.service_id in {ws.service_id for ws in w.window_services.all()} for w in windows):
        return  # no window serves the matter: nobody will call it
    shown = position(mine, hall=hall, now=now)
    assert (shown.ahead, shown.window_id) == calls_before(mine, windows, now)
    assert Ticket.objects.get(pk=mine.pk).status == TicketStatus.CALLED

