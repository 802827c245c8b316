"""预约 slots: what a matter offers on a day, and which days may be booked.

A slot is (start, end, capacity) in the hall's local time. A day's slots come from the matter's
per-day exceptions when it has any for that day, else from its weekly template for the weekday
whose hours the day keeps (a make-up working day, 调休, keeps another weekday's; see calendar).
Holidays and other non-working days offer none. Bookings held are counted in SlotCounter.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone

from . import calendar
from .clock import day_bounds, local_day
from .models import SlotCounter, SlotException, SlotTemplate
from .read.appointments import SLOT


@dataclass(frozen=True)
class Slot:
    start: datetime
    end: datetime
    capacity: int
    booked: int = 0

    @property
    def available(self) -> int:
        return max(0, self.capacity - self.booked)

    def as_dict(self) -> dict:
        return SLOT.of(start=self.start.isoformat(), end=self.end.isoformat(), capacity=self.capacity,
                       booked=self.booked, available=self.available)


def _aware(day: date, t) -> datetime:
    return timezone.make_aware(datetime.combine(day, t), timezone.get_current_timezone())


def bookable_days(hall, now) -> list[date]:
    """The next booking_days_ahead working days after today (holidays skipped, 调休 days included)."""
    return calendar.working_days(local_day(now), hall.booking_days_ahead, hall=hall)


def is_bookable_day(hall, day: date, now) -> bool:
    return day in bookable_days(hall, now)


def offered(service, day: date) -> list[Slot]:
    """The day's slots without bookings: exceptions replace the template; none on a non-working day."""
    info = calendar.day_info(day, hall=service.hall)
    if not info.working:
        return []
    rows = list(SlotException.objects.filter(service=service, day=day).values_list("start", "end", "capacity"))
    if not rows:
        rows = list(SlotTemplate.objects.filter(service=service, weekday=info.hours_weekday)
                    .values_list("start", "end", "capacity"))
    return sorted((Slot(_aware(day, s), _aware(day, e), c) for s, e, c in rows if c > 0), key=lambda s: s.start)


def day_slots(service, day: date) -> list[Slot]:
    """The day's slots with the bookings each holds."""
    slots = offered(service, day)
    if not slots:
        return []
    start, end = day_bounds(day)
    booked = dict(SlotCounter.objects.filter(service=service, start__range=(start, end))
                  .values_list("start", "booked"))
    return [Slot(s.start, s.end, s.capacity, booked.get(s.start, 0)) for s in slots]


def find_slot(service, start: datetime) -> Slot | None:
    day = local_day(start)
    return next((s for s in offered(service, day) if s.start == start), None)
