"""预约延时: a booking in the extended hours checks in and is called after normal closing, while the
kiosk stays closed to everybody else."""

from datetime import datetime, timedelta

import pytest

from hallops.core import actions
from hallops.core.errors import Conflict
from hallops.core.models import Appointment, Priority, TicketStatus

from .booking_helpers import SHANGHAI
from .helpers import Clock, open_window

MONDAY = datetime(2025, 3, 3, tzinfo=SHANGHAI)


def local(hh, mm):
    return MONDAY.replace(hour=hh, minute=mm)


@pytest.fixture
def evening_hall(hall):
    # Opening hours end at 17:30; bookings are served until 18:00 (appointment_hours).
    hall.enforce_hours = True
    hall.opening_hours = {"0": [["08:30", "12:00"], ["13:30", "17:30"]]}
    hall.appointment_hours = {"0": [["17:30", "18:00"]]}
    hall.save()
    return hall


def booked(hall, service, code, start, end):
    return Appointment.objects.create(hall=hall, service=service, code=code, slot_start=start, slot_end=end,
                                      day=start.date())


@pytest.mark.parametrize("appointment_hours", [{"0": [["17:30", "18:00"]]}, {}],
                         ids=["extended-hours-set", "slot-beyond-any-hours"])
def test_a_slot_ending_1750_checks_in_at_1735_and_is_called_while_the_kiosk_is_closed(
        evening_hall, service_a, appointment_hours):
    evening_hall.appointment_hours = appointment_hours
    evening_hall.save()
    booked(evening_hall, service_a, "EVE12345", local(17, 30), local(17, 50))
    # Before the fix this raised hall_closed.
    result = actions.check_in(evening_hall, "EVE12345", now=local(17, 35))
    assert result.ticket.priority == Priority.APPOINTMENT
    with pytest.raises(Conflict) as err:
        actions.issue_ticket(evening_hall, service_a, now=local(17, 36))
    assert err.value.code == "hall_closed"
    window = open_window(evening_hall, [service_a], Clock(local(17, 37)))
    called = actions.call_next(window, now=local(17, 40))
    assert called.pk == result.ticket.pk and called.status == TicketStatus.CALLED


def test_an_extended_hours_booking_still_cannot_check_in_long_after_its_slot(evening_hall, service_a):
    appt = booked(evening_hall, service_a, "EVE12345", local(17, 30), local(17, 50))
    late = appt.slot_end + timedelta(minutes=evening_hall.no_show_grace_minutes + 1)
    with pytest.raises(Conflict) as err:
        actions.check_in(evening_hall, "EVE12345", now=late)
    assert err.value.code == "appointment_missed"
