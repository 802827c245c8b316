"""Time in the hall's terms: local days (numbers restart at local midnight) and opening hours."""

from datetime import datetime, time

from django.utils import timezone

from . import calendar


def now() -> datetime:
    return timezone.now()


def local_day(at: datetime):
    return timezone.localdate(at)


def day_bounds(day):
    """Aware start and end of a local day."""
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(day, time.min), tz)
    end = timezone.make_aware(datetime.combine(day, time.max), tz)
    return start, end


def _within(periods, at_local: datetime) -> bool:
    t = at_local.strftime("%H:%M")
    return any(start <= t < end for start, end in periods or ())


def hours_on(hall, day, *, appointment: bool = False):
    """The periods the hall receives citizens on a local day, from the working-day calendar:
    none on a holiday, the replaced weekday's hours on a make-up working day (调休上班), the
    hall's own weekend hours (if any) on an ordinary weekend."""
    info = calendar.day_info(day, hall=hall)
    if info.working:
        key = str(info.hours_weekday)
    elif calendar.is_holiday(day, hall=hall):
        return []
    else:
        key = str(day.weekday())
    periods = list(hall.opening_hours.get(key) or ())
    if appointment:
        periods += list((hall.appointment_hours or {}).get(key) or ())
    return periods


def is_open(hall, at: datetime, *, appointment: bool = False) -> bool:
    """Whether the hall issues numbers at `at`; appointments may also use the extended hours."""
    if not hall.enforce_hours:
        return True
    local = timezone.localtime(at)
    return _within(hours_on(hall, local.date(), appointment=appointment), local)
