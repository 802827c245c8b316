"""爽约: bookings not checked in by their slot's end plus grace become no-shows; three in thirty days
block online booking for thirty days, until a lobby manager lifts the block with a reason."""

from datetime import date, timedelta

import pytest

from hallops.core import actions
from hallops.core.errors import Conflict, Invalid
from hallops.core.models import Appointment, BookingBlock
from tests.factories import make_service, make_staff

from .booking_helpers import ID_NUMBER, OTHER_PHONE, PHONE, TUESDAY, at, book, weekly_slots
from .helpers import event_types, last_seq

APRIL_2 = date(2025, 4, 2)


@pytest.fixture
def service(hall):
    s = make_service(hall, code="bk", prefix="K", bookable=True)
    weekly_slots(s)
    return s


def no_show(hall, service, day, phone=PHONE, **kw):
    """Book `day` 09:00–09:30 two days before, then let the day pass without checking in."""
    appt = book(hall, service, at(day, 9), phone=phone, now=at(day - timedelta(days=1), 8), **kw)
    actions.mark_no_shows(hall, now=at(day, 12))
    appt.refresh_from_db()
    assert appt.status == Appointment.Status.NO_SHOW
    return appt


def test_a_booking_becomes_a_no_show_only_after_its_slot_and_the_grace(hall, service):
    appt = book(hall, service, at(APRIL_2, 9))
    checked = book(hall, service, at(APRIL_2, 9), phone=OTHER_PHONE)
    actions.check_in(hall, checked.code, now=at(APRIL_2, 9, 5))
    grace_end = appt.slot_end + timedelta(minutes=hall.no_show_grace_minutes)
    assert actions.mark_no_shows(hall, now=grace_end) == 0
    before = last_seq(hall)
    assert actions.mark_no_shows(hall, now=grace_end + timedelta(seconds=1)) == 1
    assert actions.mark_no_shows(hall, now=grace_end + timedelta(minutes=5)) == 0  # twice is harmless
    appt.refresh_from_db()
    checked.refresh_from_db()
    assert (appt.status, checked.status) == (Appointment.Status.NO_SHOW, Appointment.Status.CHECKED_IN)
    assert event_types(hall, after=before) == ["appointments.no_show"]


def test_close_day_marks_the_no_shows_of_the_day_before(hall, service):
    appt = book(hall, service, at(APRIL_2, 9))
    actions.close_day(hall, now=at(date(2025, 4, 3), 0, 5))
    appt.refresh_from_db()
    assert appt.status == Appointment.Status.NO_SHOW


def test_three_no_shows_in_thirty_days_block_booking_for_thirty_days(hall, service):
    first = no_show(hall, service, date(2025, 4, 2))
    no_show(hall, service, date(2025, 4, 9))
    assert not BookingBlock.objects.exists()
    before = last_seq(hall)
    no_show(hall, service, date(2025, 4, 16))
    block = BookingBlock.objects.get()
    assert (block.no_shows, block.phone_masked, block.phone_hash) == (3, "138****1234", first.phone_hash)
    assert block.until == at(date(2025, 4, 16), 12) + timedelta(days=30)
    assert event_types(hall, after=before) == ["appointment.booked", "appointments.no_show", "booking.blocked"]
    with pytest.raises(Conflict) as err:
        book(hall, service, at(date(2025, 4, 18), 9), now=at(date(2025, 4, 17), 8))
    assert err.value.code == "booking_blocked" and err.value.details["until"] == block.until.isoformat()
    # Another person books as usual; the blocked one again once the block has run out.
    book(hall, service, at(date(2025, 4, 18), 9), phone=OTHER_PHONE, now=at(date(2025, 4, 17), 8))
    book(hall, service, at(date(2025, 5, 19), 9), now=at(date(2025, 5, 16), 13))


def test_no_shows_further_apart_than_the_window_do_not_block(hall, service):
    no_show(hall, service, date(2025, 3, 3))
    no_show(hall, service, date(2025, 3, 20))
    no_show(hall, service, date(2025, 4, 7))  # 35 days after the first
    assert not BookingBlock.objects.exists()


def test_the_limits_are_the_halls(hall, service):
    hall.no_show_limit, hall.booking_block_days = 1, 2
    hall.save()
    no_show(hall, service, APRIL_2)
    assert BookingBlock.objects.get().until == at(APRIL_2, 12) + timedelta(days=2)


def test_the_id_number_is_blocked_too_whatever_the_phone(hall, service):
    hall.no_show_limit = 1
    hall.save()
    no_show(hall, service, APRIL_2, id_number=ID_NUMBER)
    with pytest.raises(Conflict) as err:
        book(hall, service, at(date(2025, 4, 7), 9), phone=OTHER_PHONE, id_number=ID_NUMBER, now=at(APRIL_2, 13))
    assert err.value.code == "booking_blocked"


def test_a_lobby_manager_lifts_a_block_with_a_reason_and_it_is_recorded(hall, service):
    hall.no_show_limit = 2
    hall.save()
    no_show(hall, service, date(2025, 4, 2))
    no_show(hall, service, date(2025, 4, 3))
    block = BookingBlock.objects.get()
    manager = make_staff(hall, role="lobby_manager")
    with pytest.raises(Invalid) as err:
        actions.lift_block(block, reason="  ", user=manager, now=at(date(2025, 4, 3), 13))
    assert err.value.code == "reason_required"
    before = last_seq(hall)
    lifted = actions.lift_block(block, reason="就医证明，非本人原因", user=manager, now=at(date(2025, 4, 3), 13))
    assert (lifted.lifted_by, lifted.lift_reason) == (manager, "就医证明，非本人原因")
    assert event_types(hall, after=before) == ["booking.unblocked"]
    with pytest.raises(Conflict) as err:
        actions.lift_block(block, reason="again", user=manager, now=at(date(2025, 4, 3), 14))
    assert err.value.code == "block_not_active"
    again = book(hall, service, at(date(2025, 4, 7), 9), now=at(date(2025, 4, 3), 14))
    actions.cancel_booking(again.code, now=at(date(2025, 4, 3), 15))
    # The no-shows before the block are not counted again: one more does not block at once.
    no_show(hall, service, date(2025, 4, 8))
    assert BookingBlock.objects.count() == 1
    no_show(hall, service, date(2025, 4, 9))
    assert BookingBlock.objects.count() == 2


def test_no_show_marking_takes_a_fixed_number_of_statements(hall, service):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    hall.no_show_limit = 1
    for k in range(5):  # the 09:00 slot holds 3, the 09:30 slot 2
        book(hall, service, at(APRIL_2, 9, 0 if k < 3 else 30), phone=f"1380000000{k}")
    with CaptureQueriesContext(connection) as ctx:
        assert actions.mark_no_shows(hall, now=at(APRIL_2, 12)) == 5
    # savepoint, due, update, event, blocks, history, release; then per new block: row, event. An
    # event is one statement on PostgreSQL (sequence and row in one WITH), two on SQLite.
    event = 1 if connection.vendor == "postgresql" else 2
    assert len(ctx.captured_queries) == 6 + event + 5 * (1 + event), "\n".join(q["sql"][:80] for q in ctx.captured_queries)
