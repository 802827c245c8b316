"""预约签到: a booked slot becomes a ticket that goes before normal numbers once due."""

from datetime import timedelta

import pytest

from hallops.core import actions
from hallops.core.errors import Conflict, NotFound
from hallops.core.models import Appointment, Channel, Priority, Ticket

from .helpers import MONDAY_9


@pytest.fixture
def booking(hall, service_a):
    def make(code="AB12", start=MONDAY_9 + timedelta(minutes=30), minutes=30):
        return Appointment.objects.create(hall=hall, service=service_a, code=code, slot_start=start,
                                          slot_end=start + timedelta(minutes=minutes))
    return make


def test_check_in_turns_the_booking_into_an_appointment_ticket(hall, booking):
    appt = booking()
    at = appt.slot_start - timedelta(minutes=10)
    result = actions.check_in(hall, " ab12 ", now=at)
    ticket = result.ticket
    appt.refresh_from_db()
    assert appt.status == Appointment.Status.CHECKED_IN and ticket.appointment_id == appt.pk
    assert (ticket.priority, ticket.channel, ticket.rank) == (Priority.APPOINTMENT, Channel.APPOINTMENT, 1)
    # Checked in early: it queues from its slot, not from now.
    assert (ticket.issued_at, ticket.queue_at) == (at, appt.slot_start)


def test_a_late_check_in_within_the_slot_queues_from_now(hall, booking):
    appt = booking()
    at = appt.slot_start + timedelta(minutes=10)
    assert actions.check_in(hall, "AB12", now=at).ticket.queue_at == at


def test_a_check_in_after_the_slot_within_the_grace_period_still_counts(hall, booking):
    appt = booking()
    at = appt.slot_end + timedelta(minutes=hall.no_show_grace_minutes)
    assert actions.check_in(hall, "AB12", now=at).ticket.queue_at == at


def test_a_booking_checks_in_once(hall, booking):
    booking()
    at = MONDAY_9 + timedelta(minutes=25)
    actions.check_in(hall, "AB12", now=at)
    with pytest.raises(Conflict) as err:
        actions.check_in(hall, "AB12", now=at)
    assert err.value.code == "appointment_used"
    assert Ticket.objects.count() == 1


@pytest.mark.parametrize("offset_minutes, code", [
    # A 30-minute slot and the hall's 15 minutes of grace: missed from 45 minutes after its start.
    (-31, "appointment_too_early"), (46, "appointment_missed"), (-24 * 60, "appointment_not_today"),
])
def test_check_in_only_around_the_slot(hall, booking, offset_minutes, code):
    appt = booking()
    with pytest.raises(Conflict) as err:
        actions.check_in(hall, "AB12", now=appt.slot_start + timedelta(minutes=offset_minutes))
    assert err.value.code == code
    appt.refresh_from_db()
    assert appt.status == Appointment.Status.BOOKED and not Ticket.objects.exists()


def test_an_unknown_code_or_another_halls_code_is_not_found(hall, booking):
    from tests.factories import make_hall

    booking()
    with pytest.raises(NotFound) as err:
        actions.check_in(make_hall(), "AB12", now=MONDAY_9)
    assert err.value.code == "appointment_not_found"
    with pytest.raises(NotFound):
        actions.check_in(hall, "ZZ99", now=MONDAY_9)


def test_a_refused_ticket_leaves_the_booking_unused(hall, service_a, booking):
    service_a.daily_quota = 0
    service_a.save()
    appt = booking()
    with pytest.raises(Conflict) as err:
        actions.check_in(hall, "AB12", now=appt.slot_start)
    assert err.value.code == "quota_exhausted"
    appt.refresh_from_db()
    assert appt.status == Appointment.Status.BOOKED
