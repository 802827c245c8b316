"""The lobby dashboard's bookings: today's per hour by status, and no-shows, in one grouped query."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hallops.core.read.load import bookings_by_hour, hall_load
from hallops.core.models import Appointment

from .helpers import MONDAY_9


def add(hall, service, n, hour, status, day_offset=0):
    start = MONDAY_9.replace(hour=hour) + timedelta(days=day_offset)
    Appointment.objects.bulk_create([
        Appointment(hall=hall, service=service, code=f"{status[:2]}{hour}{day_offset}{k}".upper()[:12],
                    slot_start=start, slot_end=start + timedelta(minutes=30), status=status, day=start.date())
        for k in range(n)])


def test_todays_bookings_per_hour_of_their_slot_by_status(hall, service_a):
    add(hall, service_a, 3, 9, "booked")
    add(hall, service_a, 2, 9, "checked_in")
    add(hall, service_a, 1, 14, "no_show")
    add(hall, service_a, 4, 10, "cancelled")  # not counted
    add(hall, service_a, 5, 9, "booked", day_offset=1)  # tomorrow
    assert bookings_by_hour(hall, MONDAY_9.date()) == {
        "per_hour": [{"hour": 9, "booked": 3, "checked_in": 2, "no_show": 0},
                     {"hour": 14, "booked": 0, "checked_in": 0, "no_show": 1}],
        "total": 6, "checked_in": 2, "no_shows": 1,
    }
    assert hall_load(hall, now=MONDAY_9)["appointments"]["total"] == 6


@pytest.mark.parametrize("n", [2, 40])
def test_it_is_one_query_whatever_the_number_of_bookings(hall, service_a, n):
    for hour in range(8, 8 + n // 2):
        add(hall, service_a, 2, hour % 24, "booked")
    with CaptureQueriesContext(connection) as ctx:
        result = bookings_by_hour(hall, MONDAY_9.date())
    assert len(ctx.captured_queries) == 1 and result["total"] >= 2
