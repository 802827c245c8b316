"""日终: unserved tickets of past days expire, nothing is deleted, stale windows close."""

from datetime import timedelta

from hallops.core import actions
from hallops.core.models import HallEvent, Ticket, TicketStatus, Window
from tests.factories import make_hall, make_service

from .helpers import event_types, issue, last_seq, open_window


def test_unserved_tickets_of_past_days_expire_and_nothing_is_deleted(hall, service_a, clock):
    window = open_window(hall, [service_a], clock)
    for _ in range(5):
        issue(hall, service_a, clock)
    actions.call_next(window, now=clock.tick())
    actions.finish(window, now=clock.tick())           # A001 done
    actions.call_next(window, now=clock.tick())
    actions.skip(window, now=clock.tick())             # A002 skipped
    actions.call_next(window, now=clock.tick())
    actions.start(window, now=clock.tick())            # A003 serving, left at the window
    cancelled = issue(hall, service_a, clock)
    actions.cancel_ticket(cancelled, now=clock.tick())  # A006 cancelled
    next_morning = clock.tick(24 * 3600)
    today = issue(hall, service_a, clock)
    other_hall = make_hall()
    foreign = actions.issue_ticket(other_hall, make_service(other_hall), now=clock.t - timedelta(days=1)).ticket

    expired = actions.close_day(hall, now=clock.tick())

    assert expired == 4  # A002 skipped, A003 serving, A004 and A005 waiting
    statuses = dict(Ticket.objects.filter(hall=hall).values_list("number", "status").exclude(pk=today.pk))
    assert statuses == {"A001": "done", "A002": "expired", "A003": "expired", "A004": "expired",
                        "A005": "expired", "A006": "cancelled"}
    assert Ticket.objects.filter(hall=hall).count() == 7
    assert Ticket.objects.get(pk=today.pk).status == TicketStatus.WAITING
    assert Ticket.objects.get(pk=foreign.pk).status == TicketStatus.WAITING  # other halls close their own day
    event = HallEvent.objects.filter(hall=hall, type="tickets.expired").get()
    assert event.payload == {"count": 4, "before": next_morning.date().isoformat()}


def test_windows_left_open_yesterday_close_and_their_staff_sign_out(hall, service_a, clock):
    stale = open_window(hall, [service_a], clock)
    clock.tick(24 * 3600)
    fresh = open_window(hall, [service_a], clock)
    before = last_seq(hall)
    actions.close_day(hall, now=clock.tick())
    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert (stale.state, stale.staff_id) == ("closed", None)
    assert fresh.state == "open" and fresh.staff_id is not None
    # Screens learn of the closed window like of any other state change.
    assert event_types(hall, after=before) == ["window.state"]


def test_closing_a_quiet_day_changes_and_records_nothing(hall, service_a, clock):
    issue(hall, service_a, clock)
    before = last_seq(hall)
    assert actions.close_day(hall, now=clock.tick()) == 0
    assert last_seq(hall) == before and Window.objects.count() == 0
