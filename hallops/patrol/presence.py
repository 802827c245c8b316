"""Is the window's seat supposed to be occupied right now? The rules for legitimate absences.

``window_presence(window, at)`` returns ``(open, suppressed_reason)`` for the off-post rule:

- a closed window is not open: nobody has to sit there;
- a paused window with a stand-in (同岗替代, Window.stand_in) is suppressed: someone covers it;
- a paused window *without* a stand-in still counts as open: a pause lets the window stop
  calling numbers, it does not license leaving the seat unannounced (that is what the short
  absence below is for);
- an active Suppression (stand-in, lunch rota, announced short absence) suppresses;
- a LunchRota range matching the local weekday and time suppresses (午间AB岗);
- console activity is presence: a number called, started or finished at the window within
  CONSOLE_PRESENCE_S means someone is at the desk, whatever the camera sees (a colleague leaning
  over, a bad angle). The demo's 离岗 at a window whose staff were calling tickets came from this.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from hallops.core import events
from hallops.core.models import Ticket, Window, WindowState
from hallops.core.read.windows import WINDOW_REF

from .models import LunchRota, Suppression, SuppressionKind


def lunch_rota_active(rotas, local: datetime) -> bool:
    t = local.time()
    return any(local.weekday() in (r.weekdays or []) and r.start <= t < r.end for r in rotas)


CONSOLE_PRESENCE_S = 180
CONSOLE_ACTIVITY = "console_activity"


def console_active(window: Window, at: datetime) -> bool:
    """Did the window's console call, start or finish a number in the last CONSOLE_PRESENCE_S?"""
    since = at - timedelta(seconds=CONSOLE_PRESENCE_S)
    return Ticket.objects.filter(window=window).filter(
        Q(called_at__gte=since, called_at__lte=at) | Q(started_at__gte=since, started_at__lte=at)
        | Q(finished_at__gte=since, finished_at__lte=at)
    ).exists()


def window_presence(window: Window, at: datetime | None = None) -> tuple[bool, str | None]:
    at = at or timezone.now()
    if window.state == WindowState.CLOSED:
        return False, None
    if window.state == WindowState.PAUSED and window.stand_in:
        return True, SuppressionKind.STAND_IN.value
    if console_active(window, at):
        return True, CONSOLE_ACTIVITY
    active = Suppression.objects.filter(window=window, starts_at__lte=at, ends_at__gt=at).order_by("starts_at").first()
    if active is not None:
        return True, active.kind
    if lunch_rota_active(LunchRota.objects.filter(window=window), timezone.localtime(at)):
        return True, SuppressionKind.LUNCH_ROTA.value
    return True, None


def announce_short_absence(window: Window, minutes: int, *, note: str = "", user=None,
                           at: datetime | None = None, actor=None) -> Suppression:
    """报备短时离开: staff say they will be away for a few minutes (capped at an hour).

    The off-post rule reads the Suppression (window_presence above); the hall event lets the
    lobby manager's view and the console show it at once.
    """
    at = at or timezone.now()
    minutes = max(1, min(int(minutes), 60))
    with transaction.atomic():
        s = Suppression.objects.create(window=window, kind=SuppressionKind.SHORT_ABSENCE, starts_at=at,
                                       ends_at=at + timedelta(minutes=minutes), note=note[:200], created_by=user)
        events.record(window.hall_id, "window.short_absence", {
            "window": WINDOW_REF.of(window), "absence": absence_dict(s),
        }, actor or (f"user:{user.pk}" if user is not None else None), at)
    return s


def absence_dict(s: Suppression) -> dict:
    return {"id": s.pk, "minutes": round((s.ends_at - s.starts_at).total_seconds() / 60),
            "starts_at": s.starts_at.isoformat(), "ends_at": s.ends_at.isoformat(), "note": s.note}
