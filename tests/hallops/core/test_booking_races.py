"""Citizens racing for the last places on the embedded SQLite database (each thread its own connection)."""

from datetime import date

import pytest

from hallops.core.errors import Conflict
from hallops.core.models import Appointment, SlotCounter
from tests.factories import make_hall, make_service

from .booking_helpers import at, book, weekly_slots
from .test_concurrency_sqlite import run_threads

pytestmark = pytest.mark.django_db(transaction=True)
APRIL_2 = date(2025, 4, 2)


def racing(n, phone_of):
    hall = make_hall()
    service = make_service(hall, code="bk", prefix="K", bookable=True)
    weekly_slots(service, slots=((9, 0, 9, 30, 3),))

    def client(i):
        try:
            return book(hall, service, at(APRIL_2, 9), phone=phone_of(i)).code
        except Conflict as e:
            return e.code

    return list(run_threads(n, client).values())


def test_twenty_clients_racing_for_three_places_get_exactly_three_bookings():
    results = racing(20, lambda i: f"138{i:08d}")
    assert sorted(r for r in results if r == "slot_full") == ["slot_full"] * 17
    assert Appointment.objects.count() == 3
    assert SlotCounter.objects.get().booked == 3


def test_one_person_submitting_ten_times_at_once_gets_one_booking():
    results = racing(10, lambda i: "13812341234")
    assert sorted(results).count("duplicate_booking") == 9
    assert Appointment.objects.count() == 1 and SlotCounter.objects.get().booked == 1
