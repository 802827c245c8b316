"""预约: slots from weekly templates and day exceptions, on working days only; booking, its limits
and its codes; cancelling; masked and keyed personal numbers."""

from datetime import date, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hallops.core import actions, persons, slots
from hallops.core.errors import Conflict, Invalid, NotFound
from hallops.core.models import Appointment, CalendarDay, SlotCounter, SlotException
from tests.factories import make_service

from .booking_helpers import ID_NUMBER, OTHER_ID, OTHER_PHONE, PHONE, TUESDAY, at, book, weekly_slots
from .helpers import event_types, last_seq

APRIL_2, APRIL_7 = date(2025, 4, 2), date(2025, 4, 7)


@pytest.fixture
def service(hall):
    s = make_service(hall, code="bk", prefix="K", name="营业执照", bookable=True)
    weekly_slots(s)
    return s


def codes(fn):
    with pytest.raises((Conflict, Invalid, NotFound)) as err:
        fn()
    return err.value.code


# --- days and slots ---------------------------------------------------------------------------

def test_bookable_days_are_the_next_five_working_days_skipping_the_qingming_holiday(hall):
    assert slots.bookable_days(hall, TUESDAY) == [
        date(2025, 4, 2), date(2025, 4, 3), date(2025, 4, 7), date(2025, 4, 8), date(2025, 4, 9)]
    hall.booking_days_ahead = 1
    assert slots.bookable_days(hall, TUESDAY) == [date(2025, 4, 2)]


def test_a_holiday_offers_no_slots_and_a_make_up_working_day_offers_the_weekday_it_replaces(hall, service):
    SlotException.objects.create(service=service, day=date(2025, 4, 28), start=time(14), end=time(15), capacity=1)
    assert slots.day_slots(service, date(2025, 4, 4)) == []  # 清明
    # Sunday 27 April 2025 is worked (调休) and keeps the hall's make-up weekday's template.
    weekly_slots(service, slots=((15, 0, 15, 30, 4),), weekdays=[0])
    hall.makeup_day_hours_weekday = 0
    hall.save()
    sunday = slots.day_slots(service, date(2025, 4, 27))
    assert [(s.start.time(), s.capacity) for s in sunday] == [(time(9), 3), (time(9, 30), 2), (time(15), 4)]
    assert slots.day_slots(service, date(2025, 4, 26)) == []  # an ordinary Saturday


def test_a_calendar_override_closes_a_day_for_one_hall(hall, service):
    CalendarDay.objects.create(date=APRIL_7, hall=hall, working=False, note="停电")
    assert slots.day_slots(service, APRIL_7) == []
    assert APRIL_7 not in slots.bookable_days(hall, TUESDAY)
    assert codes(lambda: book(hall, service, at(APRIL_7, 9))) == "not_bookable_day"


def test_a_days_exceptions_replace_its_weekly_slots(service):
    SlotException.objects.create(service=service, day=APRIL_2, start=time(14), end=time(14, 30), capacity=5)
    SlotException.objects.create(service=service, day=APRIL_2, start=time(15), end=time(15, 30), capacity=0)
    assert [(s.start, s.end, s.capacity) for s in slots.day_slots(service, APRIL_2)] == [
        (at(APRIL_2, 14), at(APRIL_2, 14, 30), 5)]
    assert len(slots.day_slots(service, date(2025, 4, 3))) == 2


def test_slots_count_their_bookings(hall, service):
    book(hall, service, at(APRIL_2, 9))
    book(hall, service, at(APRIL_2, 9), phone=OTHER_PHONE)
    first, second = slots.day_slots(service, APRIL_2)
    assert (first.capacity, first.booked, first.available) == (3, 2, 1)
    assert (second.booked, second.available) == (0, 2)


# --- booking and its codes --------------------------------------------------------------------

def test_a_booking_gets_a_code_and_keeps_the_phone_only_masked_and_keyed(hall, service, settings):
    appt = book(hall, service, at(APRIL_2, 9), id_number=ID_NUMBER)
    assert len(appt.code) == 8 and set(appt.code) <= set("23456789ABCDEFGHJKLMNPQRSTUVWXYZ")
    assert (appt.citizen_phone, appt.id_masked) == ("138****1234", "1101**********002X")
    assert (appt.slot_start, appt.slot_end, appt.day) == (at(APRIL_2, 9), at(APRIL_2, 9, 30), APRIL_2)
    row = Appointment.objects.filter(pk=appt.pk).values().get()
    assert not any(PHONE in str(v) or ID_NUMBER in str(v) for v in row.values())
    # Keyed with the secret key: a bare hash of the number is not it, another key gives another.
    import hashlib

    assert appt.phone_hash != hashlib.sha256(PHONE.encode()).hexdigest()
    settings.SECRET_KEY = "another-deployment"
    assert persons.person_hash("phone", PHONE) != appt.phone_hash


def test_the_last_place_goes_once_then_slot_full(hall, service):
    for phone in ("13800000001", "13800000002"):
        book(hall, service, at(APRIL_2, 9, 30), phone=phone)
    assert codes(lambda: book(hall, service, at(APRIL_2, 9, 30), phone="13800000003")) == "slot_full"
    assert Appointment.objects.count() == 2
    assert SlotCounter.objects.get(start=at(APRIL_2, 9, 30)).booked == 2


@pytest.mark.parametrize("day", [date(2025, 4, 1), date(2025, 3, 31), date(2025, 4, 4), date(2025, 4, 10)],
                         ids=["today", "past", "holiday", "sixth-working-day"])
def test_only_the_next_working_days_may_be_booked(hall, service, day):
    assert codes(lambda: book(hall, service, at(day, 9))) == "not_bookable_day"


def test_a_time_that_is_no_slot_is_not_found(hall, service):
    assert codes(lambda: book(hall, service, at(APRIL_2, 9, 15))) == "slot_not_found"


def test_a_matter_that_is_not_bookable_refuses(hall):
    other = make_service(hall, code="nb", prefix="N")
    weekly_slots(other)
    assert codes(lambda: book(hall, other, at(APRIL_2, 9))) == "service_not_bookable"


@pytest.mark.parametrize("kw, code", [
    ({"phone": "1381234123"}, "invalid_phone"),
    ({"phone": "23812341234"}, "invalid_phone"),
    ({"name": "  "}, "invalid_name"),
    ({"id_number": "110105194912310020"}, "invalid_id_number"),  # wrong check digit
])
def test_bad_personal_data_is_refused_and_nothing_is_held(hall, service, kw, code):
    assert codes(lambda: book(hall, service, at(APRIL_2, 9), **kw)) == code
    assert not Appointment.objects.exists() and not SlotCounter.objects.exists()


def test_a_matter_that_needs_an_id_number_refuses_without_one(hall, service):
    service.booking_needs_id = True
    service.save()
    assert codes(lambda: book(hall, service, at(APRIL_2, 9))) == "id_number_required"
    assert book(hall, service, at(APRIL_2, 9), id_number=" 11010519491231002x ").id_masked == "1101**********002X"
    assert persons.normalize_phone("+86 138-1234-1234") == PHONE


# --- one active booking per person, matter and day ----------------------------------------------

def test_one_booking_per_phone_per_matter_per_day(hall, service):
    book(hall, service, at(APRIL_2, 9))
    assert codes(lambda: book(hall, service, at(APRIL_2, 9, 30), phone="+86 138 1234 1234")) == "duplicate_booking"
    book(hall, service, at(date(2025, 4, 3), 9))  # another day
    other = make_service(hall, code="o2", prefix="O", bookable=True)
    weekly_slots(other)
    book(hall, other, at(APRIL_2, 9))  # another matter


def test_one_booking_per_id_number_whatever_the_phone(hall, service):
    book(hall, service, at(APRIL_2, 9), id_number=ID_NUMBER)
    assert codes(lambda: book(hall, service, at(APRIL_2, 9), phone=OTHER_PHONE, id_number=ID_NUMBER)) \
        == "duplicate_booking"
    book(hall, service, at(APRIL_2, 9), phone=OTHER_PHONE, id_number=OTHER_ID)


def test_the_database_refuses_a_second_active_booking_that_slips_past_the_check(hall, service):
    first = book(hall, service, at(APRIL_2, 9))
    # As if two requests had both passed the check: the partial unique index is the last word.
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Appointment.objects.create(hall=hall, service=service, code="X2345678", phone_hash=first.phone_hash,
                                   day=APRIL_2, slot_start=first.slot_start, slot_end=first.slot_end)


def test_a_cancelled_booking_frees_its_place_and_its_person(hall, service):
    appt = book(hall, service, at(APRIL_2, 9, 30))
    book(hall, service, at(APRIL_2, 9, 30), phone=OTHER_PHONE)
    actions.cancel_booking(appt.code, now=TUESDAY)
    assert slots.day_slots(service, APRIL_2)[1].booked == 1
    again = book(hall, service, at(APRIL_2, 9, 30))
    assert again.code != appt.code


# --- cancelling ---------------------------------------------------------------------------------

def test_cancel_up_to_the_halls_time_before_the_slot(hall, service):
    appt = book(hall, service, at(APRIL_2, 9))
    too_late = at(APRIL_2, 7, 1)  # 119 minutes before
    assert codes(lambda: actions.cancel_booking(appt.code, now=too_late)) == "too_late_to_cancel"
    hall.booking_cancel_minutes = 60
    hall.save()
    done = actions.cancel_booking(appt.code.lower(), now=too_late)
    assert (done.status, done.closed_at) == (Appointment.Status.CANCELLED, too_late)
    assert codes(lambda: actions.cancel_booking(appt.code, now=too_late)) == "appointment_used"
    assert codes(lambda: actions.cancel_booking("NOSUCH99", now=too_late)) == "appointment_not_found"


def test_each_booking_action_records_its_event_and_a_refusal_none(hall, service):
    before = last_seq(hall)
    appt = book(hall, service, at(APRIL_2, 9))
    codes(lambda: book(hall, service, at(APRIL_2, 9)))
    actions.cancel_booking(appt.code, now=TUESDAY)
    assert event_types(hall, after=before) == ["appointment.booked", "appointment.cancelled"]
    from hallops.core.models import HallEvent

    payload = HallEvent.objects.filter(hall=hall, type="appointment.booked").get().payload
    assert appt.code not in str(payload) and "1234" not in str(payload)  # screens see the log too


# --- statement counts ---------------------------------------------------------------------------

@pytest.mark.parametrize("n_slots", [2, 40])
def test_booking_takes_a_fixed_number_of_statements(hall, service, n_slots):
    SlotException.objects.bulk_create([
        SlotException(service=service, day=APRIL_2, start=time(8 + k // 4, (k % 4) * 15),
                      end=time(8 + k // 4, (k % 4) * 15 + 10), capacity=3) for k in range(n_slots)])
    service = type(service).objects.select_related("hall").get(pk=service.pk)
    with CaptureQueriesContext(connection) as ctx:
        book(hall, service, at(APRIL_2, 8))
    # The day's slots (calendar overrides are cached), block?, duplicate?; then the transaction
    # (a savepoint inside the test's): place, savepoint + insert + release, event (sequence + row:
    # one statement on PostgreSQL, two on SQLite).
    assert len(ctx.captured_queries) == (10 if connection.vendor == "postgresql" else 11), "\n".join(q["sql"][:90] for q in ctx.captured_queries)
