"""Helpers for queue-engine tests: a hand-moved clock and short ways to issue and open.

Times are pinned with the actions' `now=` parameter so that ordering and day boundaries
never depend on when the suite runs. The hall's local zone is Asia/Shanghai (UTC+8).
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from hallops.core import actions
from hallops.core.models import HallEvent
from tests.factories import make_staff, make_window

SHANGHAI = ZoneInfo("Asia/Shanghai")
# A Monday morning, well inside the default opening hours (08:30–12:00).
MONDAY_9 = datetime(2025, 3, 3, 9, 0, tzinfo=SHANGHAI)


class Clock:
    """A hand-moved clock: `clock.tick()` returns a time `seconds` later than the last one."""

    def __init__(self, start=MONDAY_9):
        self.t = start

    def __call__(self):
        return self.t

    def tick(self, seconds=1):
        self.t = self.t + timedelta(seconds=seconds)
        return self.t


def open_window(hall, services, clock, number=None):
    """A window with its own staff signed in (which opens it)."""
    window = make_window(hall, number=number, services=services)
    staff = make_staff(hall)
    actions.sign_in(window, staff, now=clock.tick())
    window.refresh_from_db()
    return window


def issue(hall, service, clock, **kw):
    return actions.issue_ticket(hall, service, now=clock.tick(), **kw).ticket


def event_types(hall, after=0):
    return list(HallEvent.objects.filter(hall=hall, seq__gt=after).order_by("seq").values_list("type", flat=True))


def last_seq(hall):
    return HallEvent.objects.filter(hall=hall).order_by("-seq").values_list("seq", flat=True).first() or 0
