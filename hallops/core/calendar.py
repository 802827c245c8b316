"""The working-day calendar (工作日历): public holidays, 调休 make-up working days, local changes.

National holidays and make-up days come from `chinese_calendar` (see docs/calendar.md for why that
package and not `holidays`); `CalendarDay` rows let an admin add or cancel days for the whole
deployment, a region (行政区划, with everything under it) or a single hall. The most specific row
for a date wins: hall, then the longest matching region prefix, then deployment-wide, then the
package, then the plain rule (Monday–Friday) for years the package does not know yet.

Everything that means "working day" — opening hours, booking days, patrol rounds, 好差评 deadlines —
asks this module. Overrides are read once per year per process and kept for CACHE_SECONDS, so a
working-day question costs no query on the hot paths (issuing a ticket asks whether the hall is
open); an edit is seen at once in the process that saved it and within CACHE_SECONDS elsewhere.
"""

from dataclasses import dataclass
from datetime import date, timedelta
import logging
import threading
import time

import chinese_calendar
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models.calendar import CalendarDay, region_prefix

log = logging.getLogger(__name__)
CACHE_SECONDS = 60


@dataclass(frozen=True)
class DayInfo:
    working: bool
    hours_weekday: int | None  # whose opening hours apply on a working day; None: closed
    reason: str  # "override", "package", "weekday rule"


# --- overrides, cached per year -------------------------------------------------------------------

_lock = threading.Lock()
_cache: dict[int, tuple[float, dict]] = {}


def clear_cache():
    with _lock:
        _cache.clear()


def assume_no_overrides(years=None):
    """Mark years as loaded with no overrides (tests start with an empty table)."""
    stamp = time.monotonic()
    with _lock:
        _cache.clear()
        for year in years or range(2000, 2101):
            _cache[year] = (stamp, {})


@receiver(post_save, sender=CalendarDay)
@receiver(post_delete, sender=CalendarDay)
def _forget(sender, instance, **kwargs):
    with _lock:
        _cache.pop(instance.date.year, None)


def _overrides(year: int) -> dict:
    """date -> [(hall_id, region prefix, row)] for one year."""
    now = time.monotonic()
    with _lock:
        hit = _cache.get(year)
        if hit and now - hit[0] < CACHE_SECONDS:
            return hit[1]
    by_date: dict = {}
    rows = CalendarDay.objects.filter(date__year=year).values_list(
        "date", "hall_id", "region_code", "working", "hours_weekday")
    for day, hall_id, region, working, hours_weekday in rows:
        by_date.setdefault(day, []).append((hall_id, region_prefix(region), working, hours_weekday))
    with _lock:
        _cache[year] = (now, by_date)
    return by_date


def _scope(region, hall):
    """(hall id, region code) from a Hall, a hall id or nothing; a Hall brings its region."""
    if hall is None or isinstance(hall, int):
        return hall, region or ""
    return hall.pk, region if region is not None else (hall.region_code or "")


def _best_override(day: date, hall_id, region: str):
    best, best_rank = None, -1
    for row_hall, prefix, working, hours_weekday in _overrides(day.year).get(day, ()):
        if row_hall is not None:
            if row_hall != hall_id:
                continue
            rank = 100
        elif prefix:
            if not region.startswith(prefix):
                continue
            rank = len(prefix)
        else:
            rank = 0
        if rank > best_rank:
            best, best_rank = (working, hours_weekday), rank
    return best


def _package_working(day: date) -> tuple[bool, str]:
    try:
        return chinese_calendar.is_workday(day), "package"
    except NotImplementedError:
        # A year the installed package does not cover: weekdays work. Admins enter the published
        # schedule as CalendarDay rows until the package is updated.
        log.warning("chinese_calendar has no data for %s; using Monday-Friday", day.year)
        return day.weekday() < 5, "weekday rule"


# --- the questions ----------------------------------------------------------------------------------

def day_info(day: date, region: str | None = None, hall=None) -> DayInfo:
    """Whether `day` is a working day where `region`/`hall` is, and whose hours apply.

    `hall` may be a Hall (its region_code is used when `region` is not given) or a hall id.
    """
    hall_id, region = _scope(region, hall)
    override = _best_override(day, hall_id, region)
    if override is not None:
        working, hours_weekday = override
        reason = "override"
    else:
        working, reason = _package_working(day)
        hours_weekday = None
    if not working:
        return DayInfo(False, None, reason)
    if hours_weekday is None:
        if day.weekday() < 5:
            hours_weekday = day.weekday()
        else:  # a make-up working day (调休上班) on a weekend
            hours_weekday = getattr(hall, "makeup_day_hours_weekday", 0) if hall is not None else 0
    return DayInfo(True, hours_weekday, reason)


def is_working_day(day: date, region: str | None = None, hall=None) -> bool:
    return day_info(day, region, hall).working


def is_holiday(day: date, region: str | None = None, hall=None) -> bool:
    """A non-working weekday, or a weekend day inside a statutory holiday: the hall stays shut
    even where it opens on ordinary weekends."""
    info = day_info(day, region, hall)
    if info.working:
        return False
    if day.weekday() < 5:
        return True
    if info.reason == "override":
        return True
    try:
        return chinese_calendar.get_holiday_detail(day)[1] is not None
    except NotImplementedError:
        return False


def add_working_days(day: date, n: int, region: str | None = None, hall=None) -> date:
    """The n-th working day after `day` (n >= 1); n == 0 gives `day` itself."""
    if n < 0:
        raise ValueError("n must not be negative")
    current, left = day, n
    while left:
        current += timedelta(days=1)
        if is_working_day(current, region, hall):
            left -= 1
    return current


def working_days(start: date, count: int, region: str | None = None, hall=None) -> list[date]:
    """The next `count` working days after `start` (booking days: 1 to N working days ahead)."""
    days, current = [], start
    while len(days) < count:
        current += timedelta(days=1)
        if is_working_day(current, region, hall):
            days.append(current)
    return days


def working_days_between(start: date, end: date, region: str | None = None, hall=None) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    total, current = 0, start
    while current < end:
        current += timedelta(days=1)
        if is_working_day(current, region, hall):
            total += 1
    return total
