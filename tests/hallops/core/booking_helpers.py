"""A hall that takes bookings, at fixed times the working-day calendar knows (2025)."""

from datetime import datetime, time
from zoneinfo import ZoneInfo

from hallops.core import actions
from hallops.core.models import SlotTemplate

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Tuesday 1 April 2025: the next working days are 2, 3 April, then 7, 8, 9 April (清明 4–6 April).
TUESDAY = datetime(2025, 4, 1, 10, 0, tzinfo=SHANGHAI)
PHONE, OTHER_PHONE = "13812341234", "13912345678"
ID_NUMBER = "11010519491231002X"  # the GB 11643 specimen number
OTHER_ID = "110105198001010016"


def at(day, hh, mm=0):
    return datetime.combine(day, time(hh, mm), tzinfo=SHANGHAI)


def weekly_slots(service, slots=((9, 0, 9, 30, 3), (9, 30, 10, 0, 2)), weekdays=range(7)):
    SlotTemplate.objects.bulk_create([
        SlotTemplate(service=service, weekday=d, start=time(h1, m1), end=time(h2, m2), capacity=c)
        for d in weekdays for h1, m1, h2, m2, c in slots
    ])


def book(hall, service, start, phone=PHONE, now=TUESDAY, **kw):
    kw.setdefault("name", "张三")
    return actions.book(hall, service, start, phone=phone, now=now, **kw)
