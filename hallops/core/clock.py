"""Time in the hall's terms: local days (numbers restart at local midnight) and opening hours."""

from datetime import datetime, time

from django.utils import timezone


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


def is_open(hall, at: datetime, *, appointment: bool = False) -> bool:
    """Whether the hall issues numbers at `at`; appointments may also use the extended hours."""
    if not hall.enforce_hours:
        return True
    local = timezone.localtime(at)
    key = str(local.weekday())
    if _within(hall.opening_hours.get(key), local):
        return True
    return appointment and _within((hall.appointment_hours or {}).get(key), local)
