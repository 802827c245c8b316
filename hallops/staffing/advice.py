"""Staffing advice: open windows needed per group, now and for each half hour of today and tomorrow.

For each window group (groups.py):
  arrivals  per half hour: the mean of the same weekday over the last `history_weeks` working weeks,
            scaled by how today compares so far (today's arrivals ÷ the history's up to now, kept
            within 0.5–2 so one odd morning does not swing the whole day);
  handling  the mean handling time of the group's matters from finished tickets of those days,
            weighted by arrivals; a matter without history uses its configured expected minutes;
  need      the fewest windows that reach the hall's target by Erlang C (erlang.py), grossed up for
            shrinkage. For the current half hour the citizens already waiting are added to the
            arrivals: they too must be served within the target.
Every figure comes from three grouped queries whatever the number of matters and windows.
"""

import math
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db.models import Avg, Case, Count, F, IntegerField, Value, When
from django.db.models.functions import ExtractHour, ExtractMinute
from django.utils import timezone
from django.utils.translation import ngettext

from hallops.core import calendar
from hallops.core.clock import hours_on, local_day
from hallops.core.clock import now as clock_now
from hallops.core.models import Ticket, TicketStatus, WindowState
from hallops.core.read.windows import WINDOW_STATE

from . import erlang
from hallops.core.models.window import window_number_key

from .groups import window_groups
from .models import StaffingTarget

SLOT_S = 1800
SERVING = (WindowState.OPEN, WindowState.SERVING)
FACTOR_RANGE = (0.5, 2.0)
MIN_HISTORY_FOR_FACTOR = 10  # arrivals; fewer and today's factor says nothing


@dataclass
class Slot:
    start: str  # "09:30", hall local time
    arrivals: float
    needed: int


def _slot_of(hour: int, minute: int) -> int:
    return hour * 2 + (1 if minute >= 30 else 0)


def _slot_label(slot: int) -> str:
    return f"{slot // 2:02d}:{'30' if slot % 2 else '00'}"


def _open_slots(hall, day) -> list[int]:
    """Half hours that begin inside the hall's hours that day (none on a holiday)."""
    slots = []
    for start, end in hours_on(hall, day):
        h, m = map(int, start.split(":"))
        eh, em = map(int, end.split(":"))
        s, e = h * 60 + m, eh * 60 + em
        slot = _slot_of(h, m)
        while slot * 30 < e:
            if slot * 30 + 30 > s:
                slots.append(slot)
            slot += 1
    return sorted(set(slots))


def _history_days(hall, day, weeks) -> list:
    days = [day - timedelta(weeks=k) for k in range(1, weeks + 1)]
    return [d for d in days if calendar.is_working_day(d, hall=hall)]


def _arrivals(hall, days):
    """(service_id, day, slot) -> tickets issued, counting each visit once (not its transfers)."""
    tz = timezone.get_current_timezone()
    rows = (
        Ticket.objects.filter(hall=hall, day__in=days, transferred_from__isnull=True)
        .annotate(h=ExtractHour("issued_at", tzinfo=tz), m=ExtractMinute("issued_at", tzinfo=tz))
        .annotate(half=Case(When(m__gte=30, then=Value(1)), default=Value(0), output_field=IntegerField()))
        .values("service_id", "day", "h", "half").annotate(n=Count("pk"))
    )
    return {(r["service_id"], r["day"], r["h"] * 2 + r["half"]): r["n"] for r in rows}


def _handling(hall, days) -> dict:
    rows = (
        Ticket.objects.filter(hall=hall, day__in=days, status=TicketStatus.DONE, started_at__isnull=False,
                              finished_at__isnull=False)
        .values("service_id").annotate(avg=Avg(F("finished_at") - F("started_at")), n=Count("pk"))
    )
    out = {}
    for r in rows:
        avg = r["avg"]
        seconds = avg.total_seconds() if isinstance(avg, timedelta) else (avg or 0) / 1_000_000  # SQLite: µs
        if seconds > 0:
            out[r["service_id"]] = seconds
    return out


def _waiting(hall, day) -> dict:
    rows = (Ticket.objects.filter(hall=hall, day=day, status=TicketStatus.WAITING)
            .values("service_id").annotate(n=Count("pk")))
    return {r["service_id"]: r["n"] for r in rows}


def hall_staffing(hall, now=None, *, what_if: dict | None = None) -> dict:
    """The advice the dashboard shows and /staffing/ returns. `what_if` maps a group key to a number
    of open windows and adds the outcome of that many windows for the current half hour."""
    now = now or clock_now()
    today = local_day(now)
    local = timezone.localtime(now)
    now_slot = _slot_of(local.hour, local.minute)
    target = StaffingTarget.for_hall(hall)
    wait_s = target.target_wait_minutes * 60
    tomorrow = calendar.working_days(today, 1, hall=hall)[0]

    hist_today = _history_days(hall, today, target.history_weeks)
    hist_tomorrow = _history_days(hall, tomorrow, target.history_weeks)
    days = sorted(set(hist_today) | set(hist_tomorrow) | {today})
    counts = _arrivals(hall, days)
    handle = _handling(hall, [d for d in days if d != today] + [today])
    waiting = _waiting(hall, today)
    groups = window_groups(hall)

    def mean_per_slot(service_ids, hist):
        per = {}
        if not hist:
            return per
        for (sid, d, slot), n in counts.items():
            if sid in service_ids and d in hist:
                per[slot] = per.get(slot, 0) + n / len(hist)
        return per

    out = []
    for g in groups:
        ids = {s.pk for s in g.services}
        base_today = mean_per_slot(ids, set(hist_today))
        base_tomorrow = mean_per_slot(ids, set(hist_tomorrow))
        so_far = sum(n for (sid, d, slot), n in counts.items() if sid in ids and d == today and slot < now_slot)
        hist_so_far = sum(v for slot, v in base_today.items() if slot < now_slot)
        factor = 1.0
        if hist_so_far >= MIN_HISTORY_FOR_FACTOR:
            factor = min(max(so_far / hist_so_far, FACTOR_RANGE[0]), FACTOR_RANGE[1])

        weights = {s.pk: sum(v for (sid, d, slot), v in counts.items() if sid == s.pk and d != today) or 1
                   for s in g.services}
        total_w = sum(weights.values())
        aht = sum(weights[s.pk] * handle.get(s.pk, s.expected_minutes * 60) for s in g.services) / total_w

        def need(arrivals):
            return erlang.windows_needed(erlang.traffic(arrivals, SLOT_S, aht), aht, target.target_share,
                                         wait_s, target.shrinkage)

        waiting_now = sum(waiting.get(i, 0) for i in ids)
        arrivals_now = base_today.get(now_slot, 0.0) * factor + waiting_now
        open_now = sum(1 for w in g.windows if w.state in SERVING)
        needed_now = need(arrivals_now) if arrivals_now else (1 if waiting_now else 0)
        closed = [w for w in g.windows if w.state not in SERVING]
        # Paused windows first: someone is signed in there and can take citizens at once.
        closed.sort(key=lambda w: (w.state != WindowState.PAUSED, window_number_key(w.number)))

        today_slots = [Slot(_slot_label(s), round(base_today.get(s, 0.0) * factor, 1),
                            need(base_today.get(s, 0.0) * factor))
                       for s in _open_slots(hall, today) if s > now_slot]
        tomorrow_slots = [Slot(_slot_label(s), round(base_tomorrow.get(s, 0.0), 1), need(base_tomorrow.get(s, 0.0)))
                          for s in _open_slots(hall, tomorrow)]
        row = {
            "key": g.key, "name": g.name,
            "services": [s.code for s in g.services],
            "windows": [WINDOW_STATE.of(w) for w in g.windows],
            "handle_s": int(round(aht)), "today_factor": round(factor, 2),
            "now": {"slot": _slot_label(now_slot), "arrivals": round(arrivals_now, 1), "waiting": waiting_now,
                    "open": open_now, "needed": needed_now},
            "advice": _advice(g, needed_now, open_now, closed, waiting_now),
            "today": [s.__dict__ for s in today_slots],
            "tomorrow": [s.__dict__ for s in tomorrow_slots],
        }
        if what_if and g.key in what_if:
            n = int(what_if[g.key])
            o = erlang.outcome(n, erlang.traffic(arrivals_now, SLOT_S, aht), aht, wait_s)
            row["what_if"] = {"windows": n, "service_level": round(o.service_level, 3),
                              "mean_wait_s": None if o.mean_wait_s is None else int(round(o.mean_wait_s))}
        out.append(row)
    return {
        "hall": hall.code, "at": now.isoformat(), "tomorrow": tomorrow.isoformat(),
        "target": {"share": target.target_share, "wait_minutes": target.target_wait_minutes,
                   "shrinkage": target.shrinkage, "history_weeks": target.history_weeks},
        "groups": out,
    }


def _advice(group, needed, open_now, closed, waiting):
    """What the lobby manager is told, worded here so every screen says the same."""
    if needed > open_now:
        missing = needed - open_now
        message = ngettext("现在为%(group)s增开 %(n)d 个窗口", "现在为%(group)s增开 %(n)d 个窗口", missing)
        return {"action": "open", "count": missing, "message": message % {"group": group.name, "n": missing},
                "windows": [WINDOW_STATE.of(w) for w in closed[:missing]]}
    if open_now - needed >= 2 and waiting == 0:
        spare = open_now - needed - 1
        message = ngettext("%(group)s可暂停 %(n)d 个窗口", "%(group)s可暂停 %(n)d 个窗口", spare)
        return {"action": "can_pause", "count": spare, "message": message % {"group": group.name, "n": spare},
                "windows": []}
    return {"action": "none", "count": 0, "message": "", "windows": []}
