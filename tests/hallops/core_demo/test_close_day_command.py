"""manage.py close_day: the nightly day end expires yesterday's unserved numbers and deletes nothing."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from hallops.core import actions
from hallops.core.models import Hall, Ticket, TicketStatus, Window, WindowState

from .conftest import MONDAY_10


def run(*args):
    out = StringIO()
    call_command("close_day", *args, stdout=out)
    return out.getvalue()


def take(hall_code, service_code, at):
    hall = Hall.objects.get(code=hall_code)
    return actions.issue_ticket(hall, hall.services.get(code=service_code), now=at).ticket


def test_it_expires_yesterdays_waiting_tickets_and_keeps_todays(demo):
    yesterday = take("demo", "sbk-bh", MONDAY_10)
    Hall.objects.filter(code="demo").update(enforce_hours=False)  # the command runs at the real time
    today = take("demo", "sbk-bh", timezone.now())
    before = Ticket.objects.count()
    out = run()
    yesterday.refresh_from_db()
    today.refresh_from_db()
    assert yesterday.status == TicketStatus.EXPIRED
    assert today.status == TicketStatus.WAITING
    assert Ticket.objects.count() == before
    assert "demo: 作废 1 个号" in out


def test_it_expires_a_ticket_left_called_at_a_window(demo):
    ticket = take("demo", "qy-sl", MONDAY_10)
    actions.call_next(Window.objects.get(hall__code="demo", number="1"), now=MONDAY_10 + timedelta(minutes=1))
    run()
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.EXPIRED


def test_it_closes_windows_left_open_from_a_past_day(demo):
    # load_demo signed the staff in on MONDAY_10, a day long past when the test runs.
    run()
    assert not Window.objects.filter(hall__code="demo").exclude(state=WindowState.CLOSED).exists()
    assert not Window.objects.filter(hall__code="demo", staff__isnull=False).exists()


def test_hall_option_limits_it_to_that_hall(demo):
    street = take("demo-chengdong", "sb-cb", MONDAY_10)
    centre = take("demo", "sb-cb", MONDAY_10)
    out = run("--hall", "demo")
    street.refresh_from_db()
    centre.refresh_from_db()
    assert centre.status == TicketStatus.EXPIRED and street.status == TicketStatus.WAITING
    assert "demo-chengdong" not in out


def test_running_it_twice_expires_nothing_more(demo):
    take("demo", "sbk-bh", MONDAY_10)
    assert "共作废 1 个号" in run()
    assert "共作废 0 个号" in run()


def test_an_unknown_hall_is_an_error(demo):
    with pytest.raises(CommandError, match="nope"):
        run("--hall", "nope")
