"""The figures of a report, each defined once here:

  issued      visits: numbers issued (a transfer continues a visit, it is not a new one)
  served      tickets finished (办结)
  skipped     tickets left skipped (过号) or voided after skipping
  cancelled   tickets cancelled
  wait        first call − issue, of visits that were called (mean, P90, max; seconds)
  handling    finish − start, of finished tickets (mean, P90; seconds)
  on_time     share of finished tickets of matters with a committed time (承诺时限) handled within it
  open_s      time windows spent open or serving (from the hall's window.state events)
  busy_s      time windows spent on tickets (call → finish)
  utilisation busy ÷ open;  idle_s = open − busy
  好差评       评价率, 好评率, 差评率, 整改率, 回访率 from hallops.evaluations.figures (window, staff,
              matter and the hall; not per zone), percentages
  no_shows    bookings of the period that became no-shows (爽约; matter and hall)
Groupings: hall, zone, matter (service), window, staff. At most five statements whatever the size:
the tickets of the period, the window-state events (window), the 好差评 figures (two) and no-shows.
"""

import math
from collections import defaultdict
from datetime import datetime, time

from django.db.models import Count
from django.utils import timezone

from hallops.core.models import HallEvent, Ticket, TicketStatus, WindowState
from hallops.core.models.window import window_number_key

GROUPINGS = ("hall", "zone", "service", "window", "staff")
SERVING = {WindowState.OPEN, WindowState.SERVING}


def p90(values):
    """Nearest-rank 90th percentile: the smallest value with at least 90 % of values at or below it."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.9 * len(ordered)) - 1)]


def _mean(values):
    return int(round(sum(values) / len(values))) if values else None


def _local_bounds(period):
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(period.first, time.min), tz)
    end = timezone.make_aware(datetime.combine(period.last, time.max), tz)
    return start, end


def _window_open_seconds(hall, period, until):
    """Seconds each window spent open or serving within the period, from window.state events."""
    start, end = _local_bounds(period)
    end = min(end, until)
    rows = (HallEvent.objects.filter(hall=hall, type="window.state", created_at__lte=end)
            .filter(created_at__gte=start).order_by("seq").values_list("created_at", "payload"))
    since, total = {}, defaultdict(float)
    for at, payload in rows:
        w = payload.get("window") or {}
        wid, state = w.get("id"), w.get("state")
        if wid is None:
            continue
        if wid in since:
            total[wid] += (at - since.pop(wid)).total_seconds()
        if state in SERVING:
            since[wid] = at
    for wid, at in since.items():  # still open at the end of the period (or now)
        total[wid] += max(0.0, (end - at).total_seconds())
    return total


def _key(row, by):
    if by == "hall":
        return ("hall", row["hall__code"], row["hall__name"])
    if by == "zone":
        return ("zone", row["service__zone__code"], row["service__zone__name"])
    if by == "service":
        return ("service", row["service__code"], row["service__name"])
    if by == "window":
        return ("window", row["window__number"], row["window__name"]) if row["window_id"] else None
    if by == "staff":
        return ("staff", row["staff__username"], row["staff__staff__display_name"] or row["staff__username"]) \
            if row["staff_id"] else None
    raise ValueError(by)


def report(hall, period, by="service", now=None) -> dict:
    if by not in GROUPINGS:
        raise ValueError(by)
    now = now or timezone.now()
    rows = list(
        Ticket.objects.filter(hall=hall, day__gte=period.first, day__lte=period.last).values(
            "status", "issued_at", "called_at", "started_at", "finished_at", "transferred_from_id",
            "window_id", "staff_id", "service_id", "hall__code", "hall__name", "service__code", "service__name",
            "service__zone__code", "service__zone__name", "service__committed_minutes",
            "window__number", "window__name", "staff__username", "staff__staff__display_name",
        )
    )
    acc = defaultdict(lambda: {"issued": 0, "served": 0, "skipped": 0, "cancelled": 0, "waits": [],
                               "handles": [], "on_time": 0, "committed": 0, "busy_s": 0.0})
    names = {}
    for r in rows:
        key = _key(r, by)
        if key is None:
            continue
        names[key[1]] = key[2]
        a = acc[key[1]]
        first_of_visit = r["transferred_from_id"] is None
        if first_of_visit:
            a["issued"] += 1
            if r["called_at"]:
                a["waits"].append((r["called_at"] - r["issued_at"]).total_seconds())
        status = r["status"]
        if status == TicketStatus.DONE:
            a["served"] += 1
            if r["started_at"] and r["finished_at"]:
                handle = (r["finished_at"] - r["started_at"]).total_seconds()
                a["handles"].append(handle)
                if r["service__committed_minutes"]:
                    a["committed"] += 1
                    a["on_time"] += handle <= r["service__committed_minutes"] * 60
            if r["called_at"] and r["finished_at"]:
                a["busy_s"] += (r["finished_at"] - r["called_at"]).total_seconds()
        elif status in (TicketStatus.SKIPPED, TicketStatus.EXPIRED):
            a["skipped"] += 1
        elif status == TicketStatus.CANCELLED:
            a["cancelled"] += 1

    ids = {}  # report key -> the id the 好差评 figures are keyed by
    for r in rows:
        key = _key(r, by)
        if key is not None:
            ids[key[1]] = {"service": r["service_id"], "window": r["window_id"], "staff": r["staff_id"]}.get(by)
    ratings = _ratings(hall, period, by, now)
    no_shows = _no_shows(hall, period, by)
    open_s = _window_open_seconds(hall, period, now) if by == "window" else {}
    window_ids = {r["window__number"]: r["window_id"] for r in rows if r["window_id"]}
    out = []
    for key, a in acc.items():
        row = {
            "key": key, "name": names[key], "issued": a["issued"], "served": a["served"],
            "skipped": a["skipped"], "cancelled": a["cancelled"],
            "wait_mean_s": _mean(a["waits"]), "wait_p90_s": p90(a["waits"]),
            "wait_max_s": int(max(a["waits"])) if a["waits"] else None,
            "handle_mean_s": _mean(a["handles"]), "handle_p90_s": p90(a["handles"]),
            "on_time_rate": round(a["on_time"] / a["committed"], 4) if a["committed"] else None,
        }
        rated = ratings.get("*" if by == "hall" else ids.get(key), {})
        row.update({k: rated.get(k) for k in RATING_FIGURES})
        row["no_shows"] = no_shows.get("*" if by == "hall" else ids.get(key), 0) if no_shows is not None else None
        if by == "window":
            opened = open_s.get(window_ids.get(key), 0.0)
            row.update(open_s=int(opened), busy_s=int(a["busy_s"]), idle_s=int(max(0.0, opened - a["busy_s"])),
                       utilisation=round(min(1.0, a["busy_s"] / opened), 4) if opened else None)
        out.append(row)
    for row in out:
        for k in ("wait_p90_s", "handle_p90_s"):
            row[k] = int(row[k]) if row[k] is not None else None
    out.sort(key=lambda r: _sort_key(by, r["key"]))
    return {"hall": hall.code, "period": period.kind, "label": period.label, "from": period.first.isoformat(),
            "to": period.last.isoformat(), "by": by, "rows": out}


RATING_FIGURES = ("rating_rate", "good_rate", "bad_rate", "rectify_rate", "follow_up_rate")


def _ratings(hall, period, by, now):
    """好差评 figures keyed by service/window/staff id ("*" for the hall); none per zone."""
    from hallops.evaluations.figures import figures as rating_figures

    if by == "zone":
        return {}
    today = timezone.localdate(now)
    data = rating_figures(hall, period.first, period.last, "service" if by == "hall" else by, today)
    if by == "hall":
        return {"*": data["total"]}
    return {r["key"]: r for r in data["rows"]}


def _no_shows(hall, period, by):
    """爽约 of the period's bookings, per matter or for the hall; None where they do not apply."""
    from hallops.core.models import Appointment

    if by not in ("service", "hall"):
        return None
    rows = (Appointment.objects.filter(service__hall=hall, slot_start__date__gte=period.first,
                                       slot_start__date__lte=period.last, status=Appointment.Status.NO_SHOW)
            .values("service_id").annotate(n=Count("pk")))
    counts = {r["service_id"]: r["n"] for r in rows}
    return {"*": sum(counts.values())} if by == "hall" else counts


def _sort_key(by, key):
    return window_number_key(key) if by == "window" else (0, key)
