"""取号: numbers, quotas, opening hours, and what the citizen is told on the slip."""

from datetime import datetime, timedelta

import pytest

from hallops.core import actions
from hallops.core.errors import Conflict, Invalid, NotFound
from hallops.core.models import DailyCounter, HallEvent, Priority, Ticket, TicketStatus
from tests.factories import make_hall, make_service

from .helpers import MONDAY_9, SHANGHAI, open_window


def take(hall, service, at, **kw):
    return actions.issue_ticket(hall, service, now=at, **kw)


def test_numbers_are_prefix_and_a_daily_sequence_padded_to_three_digits(hall, service_a, clock):
    numbers = [take(hall, service_a, clock.tick()).ticket.number for _ in range(3)]
    assert numbers == ["A001", "A002", "A003"]


def test_after_a999_comes_a1000(hall, service_a, clock):
    DailyCounter.objects.create(hall=hall, prefix="A", day=MONDAY_9.date(), last=998)
    assert [take(hall, service_a, clock.tick()).ticket.number for _ in range(2)] == ["A999", "A1000"]


def test_two_services_sharing_a_prefix_share_the_sequence(hall, service_a, clock):
    other = make_service(hall, code="a2", prefix="A")
    assert take(hall, service_a, clock.tick()).ticket.number == "A001"
    assert take(hall, other, clock.tick()).ticket.number == "A002"
    assert take(hall, service_a, clock.tick()).ticket.number == "A003"


def test_each_prefix_has_its_own_sequence(hall, service_a, service_b, clock):
    take(hall, service_a, clock.tick())
    take(hall, service_a, clock.tick())
    assert take(hall, service_b, clock.tick()).ticket.number == "B001"


def test_separate_halls_have_separate_sequences(hall, service_a, clock):
    other_hall = make_hall()
    other_service = make_service(other_hall, code="a", prefix="A")
    take(hall, service_a, clock.tick())
    take(hall, service_a, clock.tick())
    assert take(other_hall, other_service, clock.tick()).ticket.number == "A001"


def test_the_sequence_restarts_at_local_midnight_not_utc_midnight(hall, service_a):
    before = datetime(2025, 3, 3, 23, 59, tzinfo=SHANGHAI)
    after = datetime(2025, 3, 4, 0, 1, tzinfo=SHANGHAI)
    # Both instants fall on the same UTC day (15:59 and 16:01 UTC on 3 March).
    assert before.utctimetuple().tm_mday == after.utctimetuple().tm_mday
    take(hall, service_a, before - timedelta(minutes=1))
    late = take(hall, service_a, before).ticket
    early = take(hall, service_a, after).ticket
    assert (late.number, late.day.isoformat()) == ("A002", "2025-03-03")
    assert (early.number, early.day.isoformat()) == ("A001", "2025-03-04")


def test_a_ticket_waits_with_its_class_and_issue_time(hall, service_a, clock):
    at = clock.tick()
    ticket = take(hall, service_a, at, priority=Priority.ELDERLY, channel="online").ticket
    ticket.refresh_from_db()
    assert (ticket.status, ticket.rank, ticket.channel) == (TicketStatus.WAITING, 0, "online")
    assert ticket.issued_at == at and ticket.queue_at == at


def test_quota_exhausted_is_a_409_and_writes_nothing(hall, service_a, clock):
    service_a.daily_quota = 2
    service_a.save()
    take(hall, service_a, clock.tick())
    take(hall, service_a, clock.tick())
    events_before = HallEvent.objects.count()
    with pytest.raises(Conflict) as err:
        take(hall, service_a, clock.tick())
    assert (err.value.code, err.value.status) == ("quota_exhausted", 409)
    assert Ticket.objects.count() == 2
    assert HallEvent.objects.count() == events_before
    # The refused take did not burn a number of the shared prefix either.
    assert DailyCounter.objects.get(hall=hall, prefix="A").last == 2
    other = make_service(hall, code="a2", prefix="A")
    assert take(hall, other, clock.tick()).ticket.number == "A003"


def test_quota_counts_the_service_not_the_prefix(hall, service_a, clock):
    service_a.daily_quota = 1
    service_a.save()
    other = make_service(hall, code="a2", prefix="A")
    take(hall, other, clock.tick())
    assert take(hall, service_a, clock.tick()).ticket.number == "A002"


def test_a_cancelled_ticket_frees_its_quota_place(hall, service_a, clock):
    from hallops.core.read.services import catalogue

    service_a.daily_quota = 2
    service_a.save()
    first = take(hall, service_a, clock.tick()).ticket
    take(hall, service_a, clock.tick())
    actions.cancel_ticket(first)
    assert catalogue(hall, now=clock.tick())[0]["remaining_quota"] == 1
    assert take(hall, service_a, clock.tick()).ticket.number == "A003"
    with pytest.raises(Conflict):
        take(hall, service_a, clock.tick())


@pytest.fixture
def hours_hall(db):
    return make_hall(enforce_hours=True, appointment_hours={"0": [["17:30", "19:00"]]})


@pytest.mark.parametrize("hour, minute", [(8, 30), (11, 59), (13, 30), (17, 29)])
def test_numbers_are_issued_within_opening_hours(hours_hall, hour, minute):
    service = make_service(hours_hall, prefix="A")
    at = datetime(2025, 3, 3, hour, minute, tzinfo=SHANGHAI)
    assert take(hours_hall, service, at).ticket.number == "A001"


@pytest.mark.parametrize("when", [
    datetime(2025, 3, 3, 8, 29), datetime(2025, 3, 3, 12, 0), datetime(2025, 3, 3, 12, 45),
    datetime(2025, 3, 3, 17, 30), datetime(2025, 3, 8, 10, 0),  # Saturday
])
def test_outside_opening_hours_the_hall_is_closed(hours_hall, when):
    service = make_service(hours_hall, prefix="A")
    with pytest.raises(Conflict) as err:
        take(hours_hall, service, when.replace(tzinfo=SHANGHAI))
    assert err.value.code == "hall_closed"
    assert not Ticket.objects.exists() and not HallEvent.objects.exists()


def test_appointment_extra_hours_admit_appointments_only(hours_hall):
    from hallops.core.models import Appointment

    service = make_service(hours_hall, prefix="Y", bookable=True)
    evening = datetime(2025, 3, 3, 18, 0, tzinfo=SHANGHAI)
    with pytest.raises(Conflict) as err:
        take(hours_hall, service, evening)
    assert err.value.code == "hall_closed"
    Appointment.objects.create(hall=hours_hall, service=service, code="EVE1",
                               slot_start=evening, slot_end=evening + timedelta(minutes=30))
    assert actions.check_in(hours_hall, "eve1", now=evening).ticket.number == "Y001"


def test_hours_are_not_enforced_when_the_hall_says_so(hall, service_a):
    midnight = datetime(2025, 3, 8, 3, 0, tzinfo=SHANGHAI)
    assert take(hall, service_a, midnight).ticket.number == "A001"


@pytest.mark.parametrize("kw, code", [
    ({"priority": "vip"}, "invalid_priority"),
    ({"channel": "fax"}, "invalid_channel"),
    ({"priority": Priority.APPOINTMENT}, "appointment_required"),
])
def test_bad_priority_or_channel_is_rejected(hall, service_a, clock, kw, code):
    with pytest.raises(Invalid) as err:
        take(hall, service_a, clock.tick(), **kw)
    assert (err.value.code, err.value.status) == (code, 422)
    assert not Ticket.objects.exists()


def test_a_service_of_another_hall_or_inactive_is_not_found(hall, service_a, clock):
    foreign = make_service(make_hall(), prefix="A")
    with pytest.raises(NotFound):
        take(hall, foreign, clock.tick())
    service_a.active = False
    service_a.save()
    with pytest.raises(NotFound) as err:
        take(hall, service_a, clock.tick())
    assert err.value.code == "service_not_found"


def test_the_slip_tells_people_ahead_and_the_estimated_wait(hall, service_a, service_b, clock):
    service_a.expected_minutes = 10
    service_a.save()
    assert (r := take(hall, service_a, clock.tick())).ahead == 0 and r.estimated_wait_s == 0
    take(hall, service_b, clock.tick())  # another matter's queue does not count
    take(hall, service_a, clock.tick())
    third = take(hall, service_a, clock.tick())
    assert (third.ahead, third.estimated_wait_s) == (2, 2 * 600)


def test_the_estimated_wait_divides_by_open_windows_serving_the_matter(hall, service_a, clock):
    service_a.expected_minutes = 10
    service_a.save()
    open_window(hall, [service_a], clock)
    open_window(hall, [service_a], clock)
    for _ in range(4):
        take(hall, service_a, clock.tick())
    fifth = take(hall, service_a, clock.tick())
    assert (fifth.ahead, fifth.estimated_wait_s) == (4, 4 * 600 // 2)


def test_a_priority_ticket_has_nobody_ahead_of_later_normal_ones(hall, service_a, clock):
    take(hall, service_a, clock.tick())
    take(hall, service_a, clock.tick())
    assert take(hall, service_a, clock.tick(), priority=Priority.DISABLED).ahead == 0


def test_issuing_stays_a_short_fixed_number_of_queries(hall, service_a, clock, django_assert_max_num_queries):
    # Measured 9 on SQLite and PostgreSQL: counter upsert, insert, ahead, handling time,
    # open windows, event sequence, event insert, savepoint in and out.
    open_window(hall, [service_a], clock)
    for _ in range(20):
        take(hall, service_a, clock.tick())
    with django_assert_max_num_queries(11):
        take(hall, service_a, clock.tick())
