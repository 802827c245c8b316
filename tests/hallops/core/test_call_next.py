"""叫号 (call_next): which waiting ticket a window gets, and when it may call at all."""

from datetime import timedelta

import pytest

from hallops.core import actions
from hallops.core.errors import Conflict
from hallops.core.models import Appointment, HallEvent, Priority, Ticket, TicketStatus
from tests.factories import make_window

from .helpers import issue, last_seq, open_window


def called_numbers(window, clock, n):
    """Call n times, finishing each ticket through the next call (下一位)."""
    out = []
    for _ in range(n):
        t = actions.call_next(window, now=clock.tick())
        out.append(t.number if t else None)
        if t:
            actions.start(window, now=clock.tick())
    return out


def book(hall, service, slot_start, code):
    return Appointment.objects.create(hall=hall, service=service, code=code, slot_start=slot_start,
                                      slot_end=slot_start + timedelta(minutes=30))


def test_a_call_claims_the_ticket_for_the_window_and_its_staff(hall, service_a, clock):
    window = open_window(hall, [service_a], clock)
    issue(hall, service_a, clock)
    at = clock.tick()
    ticket = actions.call_next(window, now=at)
    ticket.refresh_from_db()
    window.refresh_from_db()
    assert (ticket.status, ticket.window_id, ticket.staff_id, ticket.called_at) == (
        TicketStatus.CALLED, window.pk, window.staff_id, at)
    assert window.state == "serving"


def test_the_longest_waiting_is_called_first(hall, service_a, clock):
    window = open_window(hall, [service_a], clock)
    for _ in range(3):
        issue(hall, service_a, clock)
    assert called_numbers(window, clock, 4) == ["A001", "A002", "A003", None]


@pytest.mark.parametrize("priority", [Priority.ELDERLY, Priority.DISABLED, Priority.PREGNANT,
                                      Priority.MILITARY, Priority.GREEN])
def test_statutory_priority_classes_come_first(hall, service_a, clock, priority):
    window = open_window(hall, [service_a], clock)
    issue(hall, service_a, clock)
    issue(hall, service_a, clock, priority=priority)
    assert called_numbers(window, clock, 2) == ["A002", "A001"]


def test_priority_classes_come_before_the_windows_preferred_matter(hall, service_a, service_b, clock):
    window = open_window(hall, [service_b, service_a], clock)
    issue(hall, service_b, clock)
    issue(hall, service_a, clock, priority=Priority.ELDERLY)
    assert called_numbers(window, clock, 2) == ["A001", "B001"]


def test_due_appointments_come_after_priority_classes_and_before_everybody_else(
        hall, service_a, service_b, clock):
    window = open_window(hall, [service_b, service_a], clock)
    issue(hall, service_b, clock)
    book(hall, service_a, clock.t, "APPT1")
    actions.check_in(hall, "APPT1", now=clock.tick())
    issue(hall, service_a, clock, priority=Priority.ELDERLY)
    assert called_numbers(window, clock, 3) == ["A002", "A001", "B001"]


def test_then_the_windows_order_of_preference(hall, service_a, service_b, clock):
    window = open_window(hall, [service_b, service_a], clock)
    issue(hall, service_a, clock)
    issue(hall, service_b, clock)
    issue(hall, service_a, clock)
    assert called_numbers(window, clock, 3) == ["B001", "A001", "A002"]


def test_another_window_with_the_other_preference_calls_the_other_matter(hall, service_a, service_b, clock):
    prefers_b = open_window(hall, [service_b, service_a], clock)
    prefers_a = open_window(hall, [service_a, service_b], clock)
    issue(hall, service_b, clock)
    issue(hall, service_a, clock)
    assert actions.call_next(prefers_a, now=clock.tick()).number == "A001"
    assert actions.call_next(prefers_b, now=clock.tick()).number == "B001"


def test_a_ticket_waiting_past_the_starvation_bound_overtakes_preferences(hall, service_a, service_b, clock):
    hall.starvation_minutes = 45
    hall.save()
    window = open_window(hall, [service_b, service_a], clock)
    issue(hall, service_a, clock)               # waits longest, but the window prefers B
    clock.tick(60)
    issue(hall, service_b, clock)
    clock.tick(44 * 60)                         # A001 has waited 45 min + a few seconds
    assert called_numbers(window, clock, 2) == ["A001", "B001"]


def test_before_the_starvation_bound_preference_still_wins(hall, service_a, service_b, clock):
    hall.starvation_minutes = 45
    hall.save()
    window = open_window(hall, [service_b, service_a], clock)
    issue(hall, service_a, clock)
    clock.tick(60)
    issue(hall, service_b, clock)
    clock.tick(40 * 60)
    assert called_numbers(window, clock, 2) == ["B001", "A001"]


def test_a_starving_ticket_below_the_hall_bound_does_not_overtake_priority_classes(hall, service_a, service_b, clock):
    hall.starvation_minutes = 45
    hall.save()
    window = open_window(hall, [service_b, service_a], clock)
    issue(hall, service_a, clock)
    clock.tick(50 * 60)
    issue(hall, service_b, clock, priority=Priority.ELDERLY)
    assert called_numbers(window, clock, 2) == ["B001", "A001"]


def test_an_early_appointment_waits_for_its_slot_while_others_wait(hall, service_a, clock):
    window = open_window(hall, [service_a], clock)
    book(hall, service_a, clock.t + timedelta(minutes=20), "EARLY")
    actions.check_in(hall, "EARLY", now=clock.tick())
    issue(hall, service_a, clock)
    assert called_numbers(window, clock, 1) == ["A002"]


def test_an_early_appointment_is_called_when_nobody_else_waits(hall, service_a, clock):
    window = open_window(hall, [service_a], clock)
    book(hall, service_a, clock.t + timedelta(minutes=20), "EARLY")
    actions.check_in(hall, "EARLY", now=clock.tick())
    assert called_numbers(window, clock, 1) == ["A001"]


def test_once_its_slot_comes_the_appointment_goes_first(hall, service_a, clock):
    window = open_window(hall, [service_a], clock)
    book(hall, service_a, clock.t + timedelta(minutes=20), "EARLY")
    actions.check_in(hall, "EARLY", now=clock.tick())
    issue(hall, service_a, clock)
    clock.tick(20 * 60)
    assert called_numbers(window, clock, 2) == ["A001", "A002"]


def test_a_window_serving_nothing_gets_none(hall, service_a, clock):
    idle = open_window(hall, [], clock)
    issue(hall, service_a, clock)
    assert actions.call_next(idle, now=clock.tick()) is None
    assert Ticket.objects.get().status == TicketStatus.WAITING


def test_a_window_never_calls_a_matter_it_does_not_serve(hall, service_a, service_b, clock):
    window = open_window(hall, [service_b], clock)
    issue(hall, service_a, clock)
    assert actions.call_next(window, now=clock.tick()) is None


@pytest.mark.parametrize("state", ["paused", "closed"])
def test_a_paused_or_closed_window_cannot_call(hall, service_a, clock, state):
    window = open_window(hall, [service_a], clock)
    issue(hall, service_a, clock)
    if state == "paused":
        actions.pause_window(window, reason="午休", now=clock.tick())
    else:
        actions.close_window(window, now=clock.tick())
    with pytest.raises(Conflict) as err:
        actions.call_next(window, now=clock.tick())
    assert err.value.code == "window_not_open"
    assert Ticket.objects.get().status == TicketStatus.WAITING


def test_a_never_opened_window_cannot_call(hall, service_a, clock):
    window = make_window(hall, services=[service_a])
    with pytest.raises(Conflict) as err:
        actions.call_next(window, now=clock.tick())
    assert err.value.code == "window_not_open"


def test_calling_while_a_called_ticket_is_not_started_is_refused(hall, service_a, clock):
    window = open_window(hall, [service_a], clock)
    issue(hall, service_a, clock)
    issue(hall, service_a, clock)
    actions.call_next(window, now=clock.tick())
    with pytest.raises(Conflict) as err:
        actions.call_next(window, now=clock.tick())
    assert err.value.code == "ticket_in_progress"
    assert list(Ticket.objects.order_by("number").values_list("status", flat=True)) == ["called", "waiting"]


def test_calling_while_serving_finishes_the_current_ticket(hall, service_a, clock):
    window = open_window(hall, [service_a], clock)
    first = issue(hall, service_a, clock)
    issue(hall, service_a, clock)
    actions.call_next(window, now=clock.tick())
    actions.start(window, now=clock.tick())
    seq, at = last_seq(hall), clock.tick()
    assert actions.call_next(window, now=at).number == "A002"
    first.refresh_from_db()
    assert (first.status, first.finished_at) == (TicketStatus.DONE, at)
    # On PostgreSQL the finish and the claim are one statement; the events still tell them in order.
    recorded = list(HallEvent.objects.filter(hall=hall, seq__gt=seq).order_by("seq"))
    assert [e.type for e in recorded] == ["ticket.finished", "ticket.called"]
    assert recorded[0].payload["ticket"]["number"] == first.number
    assert recorded[0].payload["ticket"]["status"] == "done"


def test_calling_while_serving_with_nobody_waiting_finishes_and_frees_the_window(hall, service_a, clock):
    window = open_window(hall, [service_a], clock)
    issue(hall, service_a, clock)
    actions.call_next(window, now=clock.tick())
    actions.start(window, now=clock.tick())
    assert actions.call_next(window, now=clock.tick()) is None
    window.refresh_from_db()
    assert window.state == "open"
    assert Ticket.objects.get().status == TicketStatus.DONE


def test_tickets_of_yesterday_are_never_called(hall, service_a, clock):
    window = open_window(hall, [service_a], clock)
    issue(hall, service_a, clock)
    clock.tick(24 * 3600)
    assert actions.call_next(window, now=clock.tick()) is None
    today = issue(hall, service_a, clock)
    assert actions.call_next(window, now=clock.tick()).pk == today.pk


def test_call_next_cost_does_not_grow_with_the_queue(hall, service_a, service_b, clock,
                                                     django_assert_max_num_queries):
    # Measured for a window serving two matters: 19 from an open window, 25 when the call
    # also finishes the current ticket (3 head probes per matter, then write and record),
    # plus one device lookup per event by hallops.devices.adapters: 21 and 29.
    window = open_window(hall, [service_a, service_b], clock)
    for _ in range(30):
        issue(hall, service_a, clock)
        issue(hall, service_b, clock)
    with django_assert_max_num_queries(23):
        actions.call_next(window, now=clock.tick())
    actions.start(window, now=clock.tick())
    with django_assert_max_num_queries(31):
        actions.call_next(window, now=clock.tick())


# The bound on every wait (issue 12.2): past max_wait_minutes a ticket overtakes classes too.

def test_a_ticket_waiting_past_the_hall_bound_overtakes_priority_classes(hall, service_a, service_b, clock):
    hall.max_wait_minutes = 60
    hall.save()
    window = open_window(hall, [service_b, service_a], clock)
    issue(hall, service_a, clock)
    clock.tick(61 * 60)
    issue(hall, service_b, clock, priority=Priority.ELDERLY)
    assert called_numbers(window, clock, 2) == ["A001", "B001"]


def test_overdue_tickets_go_oldest_first_whatever_their_class(hall, service_a, clock):
    hall.max_wait_minutes = 30
    hall.save()
    window = open_window(hall, [service_a], clock)
    issue(hall, service_a, clock)                                # normal, oldest
    issue(hall, service_a, clock, priority=Priority.ELDERLY)     # elderly, younger
    clock.tick(40 * 60)
    assert called_numbers(window, clock, 2) == ["A001", "A002"]


def test_a_stream_of_elderly_tickets_delays_a_normal_ticket_by_at_most_the_bound(hall, service_a, clock):
    """The field report: a normal ticket waited 130 minutes behind elderly tickets. Elderly citizens
    arrive every 4 minutes and the window takes 5 per ticket, so an elderly ticket always waits; the
    normal ticket is still called at the first call after it has waited max_wait_minutes."""
    hall.max_wait_minutes = 60
    hall.save()
    window = open_window(hall, [service_a], clock)
    issue(hall, service_a, clock, priority=Priority.ELDERLY)
    normal = issue(hall, service_a, clock)
    called_at = None
    for minute in range(1, 181):
        clock.tick(60)
        if minute % 4 == 0:
            issue(hall, service_a, clock, priority=Priority.ELDERLY)
        if minute % 5 == 0:
            ticket = actions.call_next(window, now=clock.tick())
            if ticket.pk == normal.pk:
                called_at = ticket.called_at
                break
            actions.start(window, now=clock.tick())
    assert called_at is not None
    waited = (called_at - normal.issued_at).total_seconds() / 60
    assert 60 <= waited <= 60 + 5 + 1


def test_two_windows_calling_back_to_back_take_the_two_oldest(hall, service_a, clock):
    first, second = open_window(hall, [service_a], clock), open_window(hall, [service_a], clock)
    for _ in range(4):
        issue(hall, service_a, clock)
    at = clock.tick()
    assert (actions.call_next(first, now=at).number, actions.call_next(second, now=at).number) == ("A001", "A002")
