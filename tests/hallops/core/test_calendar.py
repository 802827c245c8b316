"""The working-day calendar: statutory holidays, 调休 make-up days, and local changes by admins."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from hallops.core import calendar, clock
from hallops.core.models import CalendarDay
from hallops.core.models.calendar import region_prefix
from tests.factories import make_hall

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_national_day_2025_with_its_make_up_sunday():
    assert calendar.is_working_day(date(2025, 9, 28))  # a Sunday, worked for 国庆
    for d in range(1, 9):
        assert not calendar.is_working_day(date(2025, 10, d))
    assert calendar.add_working_days(date(2025, 9, 30), 1) == date(2025, 10, 9)


def test_spring_festival_2026_comes_from_the_package():
    assert not calendar.is_working_day(date(2026, 2, 17))
    assert calendar.is_working_day(date(2026, 2, 14))  # Saturday worked for 春节
    assert not calendar.is_working_day(date(2026, 2, 21))  # an ordinary Saturday is still a rest day


def test_add_working_days_skips_weekends_and_zero_is_the_day_itself():
    friday = date(2025, 3, 7)
    assert calendar.add_working_days(friday, 0) == friday
    assert calendar.add_working_days(friday, 1) == date(2025, 3, 10)
    assert calendar.add_working_days(friday, 15) == date(2025, 3, 28)
    with pytest.raises(ValueError):
        calendar.add_working_days(friday, -1)


def test_a_year_the_package_does_not_know_falls_back_to_weekdays():
    assert calendar.is_working_day(date(2099, 3, 2))  # a Monday
    assert not calendar.is_working_day(date(2099, 3, 1))  # a Sunday


@pytest.mark.django_db
def test_a_region_override_applies_to_the_region_and_below_only():
    monday = date(2025, 3, 3)
    CalendarDay.objects.create(date=monday, region_code="430102000000", working=False, note="区庆")
    assert not calendar.is_working_day(monday, region="430102000000")
    assert not calendar.is_working_day(monday, region="430102001000")  # a street under the district
    assert calendar.is_working_day(monday, region="430103000000")  # the next district works
    assert calendar.is_working_day(monday)
    assert calendar.add_working_days(date(2025, 2, 28), 1, region="430102000000") == date(2025, 3, 4)


@pytest.mark.django_db
def test_the_most_specific_override_wins():
    day = date(2027, 2, 6)  # a Saturday the package cannot know yet
    CalendarDay.objects.create(date=day, working=True, note="2027 春节调休")
    CalendarDay.objects.create(date=day, region_code="43", working=False, note="省内不调休")
    hall = make_hall(region_code="430102001000")
    other = make_hall(region_code="110101000000")
    assert not calendar.is_working_day(day, hall=hall)
    assert calendar.is_working_day(day, hall=other)
    CalendarDay.objects.create(date=day, hall=hall, working=True)
    assert calendar.is_working_day(day, hall=hall)


@pytest.mark.django_db
def test_an_edit_is_seen_at_once_in_the_process_that_saved_it():
    day = date(2025, 3, 4)
    assert calendar.is_working_day(day)
    row = CalendarDay.objects.create(date=day, working=False)
    assert not calendar.is_working_day(day)
    row.delete()
    assert calendar.is_working_day(day)


@pytest.mark.django_db
def test_a_working_day_question_costs_no_query_once_the_year_is_read(django_assert_num_queries):
    CalendarDay.objects.create(date=date(2025, 5, 6), working=False)
    calendar.is_working_day(date(2025, 1, 2))
    with django_assert_num_queries(0):
        assert calendar.add_working_days(date(2025, 4, 30), 3) == date(2025, 5, 9)  # 5-6 cancelled


def test_region_prefixes_follow_the_levels_of_the_code():
    assert region_prefix("430100000000") == "4301"
    assert region_prefix("430102001000") == "430102001"
    assert region_prefix("110000") == "11"
    assert region_prefix("") == ""


# --- opening hours follow the calendar -------------------------------------------------------------

def _at(y, m, d, hh, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=SHANGHAI)


@pytest.mark.django_db
def test_the_hall_is_closed_on_national_day_and_open_on_the_make_up_sunday():
    hall = make_hall(enforce_hours=True)
    assert not clock.is_open(hall, _at(2025, 10, 2, 9))  # a Thursday inside 国庆
    assert clock.is_open(hall, _at(2025, 9, 28, 9))  # make-up Sunday: Monday's hours by default
    assert not clock.is_open(hall, _at(2025, 9, 28, 13))  # the lunch break holds on it too
    assert not clock.is_open(hall, _at(2025, 9, 27, 9))  # an ordinary Saturday


@pytest.mark.django_db
def test_a_make_up_day_can_take_the_hours_of_another_weekday():
    hours = {str(d): [["08:30", "17:30"]] for d in range(4)}
    hours["4"] = [["08:30", "12:00"]]  # Friday afternoons closed
    hall = make_hall(enforce_hours=True, opening_hours=hours)
    assert clock.is_open(hall, _at(2025, 9, 28, 15))
    CalendarDay.objects.create(date=date(2025, 9, 28), hall=hall, working=True, hours_weekday=4)
    assert not clock.is_open(hall, _at(2025, 9, 28, 15))
    assert clock.is_open(hall, _at(2025, 9, 28, 9))


@pytest.mark.django_db
def test_weekend_hours_stay_but_a_holiday_weekend_is_closed():
    hours = {str(d): [["09:00", "17:00"]] for d in range(7)}  # 周六不打烊
    hall = make_hall(enforce_hours=True, opening_hours=hours)
    assert clock.is_open(hall, _at(2025, 9, 27, 10))  # an ordinary Saturday
    assert not clock.is_open(hall, _at(2025, 10, 4, 10))  # a Saturday inside 国庆
