"""重呼, 过号, 过号重排, 指定叫号, and the start and finish of a matter."""

import pytest

from hallops.core import actions
from hallops.core.errors import Conflict, Invalid, NotFound
from hallops.core.models import HallEvent, Ticket, TicketStatus

from .helpers import issue, open_window


@pytest.fixture
def window(hall, service_a, clock):
    return open_window(hall, [service_a], clock)


def drain(window, clock):
    out = []
    while (t := actions.call_next(window, now=clock.tick())) is not None:
        out.append(t.number)
        actions.start(window, now=clock.tick())
    return out


def test_recall_counts_and_announces_the_same_number_again(hall, service_a, window, clock):
    issue(hall, service_a, clock)
    actions.call_next(window, now=clock.tick())
    actions.recall(window, now=clock.tick())
    ticket = actions.recall(window, now=clock.tick())
    assert ticket.recall_count == 2 and Ticket.objects.get().recall_count == 2
    calls = HallEvent.objects.filter(hall=hall, type="ticket.called").order_by("seq")
    assert [(e.payload["number"], e.payload["recall_count"]) for e in calls] == [("A001", 0), ("A001", 1), ("A001", 2)]


def test_recall_needs_a_called_ticket(hall, service_a, window, clock):
    with pytest.raises(Conflict) as err:
        actions.recall(window, now=clock.tick())
    assert err.value.code == "no_called_ticket"
    issue(hall, service_a, clock)
    actions.call_next(window, now=clock.tick())
    actions.start(window, now=clock.tick())
    with pytest.raises(Conflict):  # the citizen is already at the counter
        actions.recall(window, now=clock.tick())


def test_skip_marks_the_ticket_and_frees_the_window(hall, service_a, window, clock):
    issue(hall, service_a, clock)
    issue(hall, service_a, clock)
    actions.call_next(window, now=clock.tick())
    skipped = actions.skip(window, now=clock.tick())
    window.refresh_from_db()
    assert skipped.status == TicketStatus.SKIPPED and window.state == "open"
    assert actions.call_next(window, now=clock.tick()).number == "A002"


def test_skip_needs_a_called_ticket(window, clock):
    with pytest.raises(Conflict) as err:
        actions.skip(window, now=clock.tick())
    assert err.value.code == "no_called_ticket"


def test_requeue_puts_the_ticket_the_set_number_of_places_behind_the_head(hall, service_a, window, clock):
    hall.skip_requeue_places = 3
    hall.save()
    for _ in range(6):
        issue(hall, service_a, clock)
    actions.call_next(window, now=clock.tick())
    skipped = actions.skip(window, now=clock.tick())
    requeued = actions.requeue(skipped, now=clock.tick())
    assert (requeued.status, requeued.requeue_count, requeued.window_id) == (TicketStatus.WAITING, 1, None)
    assert drain(window, clock) == ["A002", "A003", "A004", "A001", "A005", "A006"]


def test_requeue_with_fewer_waiting_goes_to_the_tail(hall, service_a, window, clock):
    hall.skip_requeue_places = 3
    hall.save()
    for _ in range(2):
        issue(hall, service_a, clock)
    actions.call_next(window, now=clock.tick())
    actions.requeue(actions.skip(window, now=clock.tick()), now=clock.tick())
    issue(hall, service_a, clock)  # comes after the requeue
    assert drain(window, clock) == ["A002", "A001", "A003"]


def test_requeue_is_limited_per_day(hall, service_a, window, clock):
    hall.skip_daily_limit = 2
    hall.save()
    ticket = issue(hall, service_a, clock)
    for _ in range(2):
        actions.call_next(window, now=clock.tick())
        actions.requeue(actions.skip(window, now=clock.tick()), now=clock.tick())
    actions.call_next(window, now=clock.tick())
    actions.skip(window, now=clock.tick())
    with pytest.raises(Conflict) as err:
        actions.requeue(ticket, now=clock.tick())
    assert err.value.code == "requeue_limit"
    assert Ticket.objects.get().status == TicketStatus.SKIPPED


def test_only_a_skipped_ticket_can_be_requeued(hall, service_a, clock):
    ticket = issue(hall, service_a, clock)
    with pytest.raises(Conflict) as err:
        actions.requeue(ticket, now=clock.tick())
    assert err.value.code == "not_skipped"


def test_a_skip_of_yesterday_cannot_be_requeued(hall, service_a, window, clock):
    ticket = issue(hall, service_a, clock)
    actions.call_next(window, now=clock.tick())
    actions.skip(window, now=clock.tick())
    clock.tick(24 * 3600)
    with pytest.raises(Conflict) as err:
        actions.requeue(ticket, now=clock.tick())
    assert err.value.code == "ticket_expired"


def test_designated_call_takes_a_waiting_number_out_of_turn(hall, service_a, window, clock):
    for _ in range(3):
        issue(hall, service_a, clock)
    ticket = actions.call_number(window, " a003 ", now=clock.tick())
    assert (ticket.number, ticket.status) == ("A003", TicketStatus.CALLED)
    event = HallEvent.objects.filter(type="ticket.called").get()
    assert event.payload["designated"] is True


def test_designated_call_brings_back_a_skipped_number(hall, service_a, window, clock):
    issue(hall, service_a, clock)
    actions.call_next(window, now=clock.tick())
    actions.skip(window, now=clock.tick())
    assert actions.call_number(window, "A001", now=clock.tick()).status == TicketStatus.CALLED


def test_designated_call_refuses_a_matter_the_window_does_not_serve(hall, service_a, service_b, window, clock):
    issue(hall, service_b, clock)
    with pytest.raises(Conflict) as err:
        actions.call_number(window, "B001", now=clock.tick())
    assert err.value.code == "service_not_served"
    assert Ticket.objects.get().status == TicketStatus.WAITING


@pytest.mark.parametrize("number, error, code", [
    ("", Invalid, "number_required"), ("A404", NotFound, "ticket_not_found"),
])
def test_designated_call_of_a_missing_number(hall, service_a, window, clock, number, error, code):
    issue(hall, service_a, clock)
    with pytest.raises(error) as err:
        actions.call_number(window, number, now=clock.tick())
    assert err.value.code == code


def test_designated_call_of_a_finished_number_is_refused(hall, service_a, window, clock):
    issue(hall, service_a, clock)
    actions.call_next(window, now=clock.tick())
    actions.finish(window, now=clock.tick())
    with pytest.raises(Conflict) as err:
        actions.call_number(window, "A001", now=clock.tick())
    assert err.value.code == "ticket_not_waiting"


def test_designated_call_does_not_reach_yesterday(hall, service_a, window, clock):
    issue(hall, service_a, clock)
    clock.tick(24 * 3600)
    with pytest.raises(NotFound):
        actions.call_number(window, "A001", now=clock.tick())


def test_start_and_finish_stamp_their_times(hall, service_a, window, clock):
    issue(hall, service_a, clock)
    actions.call_next(window, now=clock.tick())
    started = clock.tick(30)
    actions.start(window, now=started)
    finished = clock.tick(300)
    actions.finish(window, now=finished)
    ticket = Ticket.objects.get()
    window.refresh_from_db()
    assert (ticket.status, ticket.started_at, ticket.finished_at) == (TicketStatus.DONE, started, finished)
    assert window.state == "open"


def test_finishing_without_start_counts_from_the_call(hall, service_a, window, clock):
    issue(hall, service_a, clock)
    called = clock.tick()
    actions.call_next(window, now=called)
    actions.finish(window, now=clock.tick(60))
    assert Ticket.objects.get().started_at == called


def test_start_and_finish_need_a_ticket(window, clock):
    with pytest.raises(Conflict) as err:
        actions.start(window, now=clock.tick())
    assert err.value.code == "no_called_ticket"
    with pytest.raises(Conflict) as err:
        actions.finish(window, now=clock.tick())
    assert err.value.code == "no_active_ticket"
