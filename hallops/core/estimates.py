"""What a citizen or manager is told about waiting, computed here and nowhere else.

A ticket's place in line and its wait come from hallops.core.read.position. A matter's figures for the kiosk and the dashboard —
waiting × recent handling time ÷ open windows (`wait_seconds`) — come from `service_figures`
(every matter of a hall at once, in a fixed number of grouped queries whatever their number).
"""

from datetime import timedelta

from django.db.models import Avg, Count, DurationField, F, Min, OuterRef, Q, Subquery, Value

from .models import Service, Ticket, TicketStatus, WindowService, WindowState
from .prepared import Prepared

ROLLING_SAMPLE = 20  # finished tickets in the rolling average of handling time
SERVING_STATES = (WindowState.OPEN, WindowState.SERVING)


def seconds(duration) -> int | None:
    """An aggregated duration as whole seconds (SQLite returns microseconds, PostgreSQL a timedelta)."""
    if duration is None:
        return None
    if isinstance(duration, timedelta):
        return int(duration.total_seconds())
    return int(duration / 1_000_000)


def wait_level(hall, longest_wait_s: int, estimated_wait_s: int) -> str:
    """The dashboard's colour for a matter: red or yellow once the longest wait so far or the estimated
    wait for a newcomer reaches the hall's threshold; "ok" otherwise."""
    worst = max(longest_wait_s or 0, estimated_wait_s or 0)
    if worst >= hall.wait_red_minutes * 60:
        return "red"
    if worst >= hall.wait_yellow_minutes * 60:
        return "yellow"
    return "ok"


def wait_seconds(ahead: int, handle_s: int, open_windows: int) -> int:
    """The formula: people ahead share the open windows (at least one, never a division by zero)."""
    return int(round(ahead * handle_s / max(1, open_windows)))


def _recent_handling(ids):
    recent = (
        Ticket.objects.filter(service=OuterRef(OuterRef("pk")), status=TicketStatus.DONE,
                              started_at__isnull=False, finished_at__isnull=False)
        .order_by("-finished_at").values("pk")[:ROLLING_SAMPLE]
    )
    avg = (
        Ticket.objects.filter(pk__in=recent).order_by().annotate(all=Value(1)).values("all")
        .annotate(avg=Avg(F("finished_at") - F("started_at"))).values("avg")
    )
    return (Service.objects.filter(pk__in=ids).annotate(avg=Subquery(avg, output_field=DurationField()))
            .order_by().values_list("pk", "avg"))


_RECENT_HANDLING = Prepared(_recent_handling)


def handle_seconds(services) -> dict[int, int]:
    """Per matter: rolling average of its last finished tickets; its configured time until there are some.

    One statement for any number of matters: each matter's average is a subquery over its own
    ROLLING_SAMPLE latest finished tickets.
    """
    services = list(services)
    measured = dict(_RECENT_HANDLING.rows(ids=sorted({s.pk for s in services}))) if services else {}
    out = {}
    for s in services:
        avg_s = seconds(measured.get(s.pk))
        out[s.pk] = avg_s if avg_s is not None else s.expected_minutes * 60
    return out


def avg_handle_seconds(service) -> int:
    return handle_seconds([service])[service.pk]


_OPEN_WINDOWS = Prepared(lambda **where: (
    WindowService.objects.filter(window__state__in=SERVING_STATES, **where)
    .values("service_id").annotate(n=Count("pk")).values_list("service_id", "n")))


def open_windows(**where) -> dict[int, int]:
    """Per matter: open or serving windows that serve it (filter by service__hall_id=…, service_id=…
    or service_id__in=[…])."""
    return dict(_OPEN_WINDOWS.rows(**where))


def open_windows_among(window_services, state_of) -> dict[int, int]:
    """``open_windows`` from what a caller has read already: (window id, matter id) pairs and each
    window's state (the dashboard reads both for its own rows)."""
    out = {}
    for window_id, service_id in window_services:
        if state_of.get(window_id) in SERVING_STATES:
            out[service_id] = out.get(service_id, 0) + 1
    return out


def open_windows_for(service) -> int:
    return open_windows(service_id=service.pk).get(service.pk, 0)


# The rules of counting, once: a transfer keeps its number, so it is not a new issue; a cancelled
# number frees its place in the daily quota.
ISSUED = Q(transferred_from__isnull=True)
HOLDS_QUOTA = ISSUED & ~Q(status=TicketStatus.CANCELLED)
WAITING = Q(status=TicketStatus.WAITING)

_ISSUE_COUNTS = Prepared(lambda day, **where: (
    Ticket.objects.filter(ISSUED, day=day, **where).values("service_id")
    .annotate(n=Count("pk"), used=Count("pk", filter=HOLDS_QUOTA))
    .values_list("service_id", "n", "used")))


def issue_counts(day, **where) -> dict[int, tuple[int, int]]:
    """Per matter: (numbers issued on the day, places of the daily quota they use), in one statement."""
    return {sid: (n, used) for sid, n, used in _ISSUE_COUNTS.rows(day=day, **where)}


def quota_used(day, **where) -> dict[int, int]:
    """Per matter: places of its daily quota used on the day."""
    return {sid: used for sid, (_n, used) in issue_counts(day, **where).items()}


_DAY_COUNTS = Prepared(lambda hall_id, day: (
    Ticket.objects.filter(hall_id=hall_id, day=day).values("service_id")
    .annotate(waiting=Count("pk", filter=WAITING), oldest=Min("issued_at", filter=WAITING),
              issued=Count("pk", filter=ISSUED), used=Count("pk", filter=HOLDS_QUOTA))
    .values_list("service_id", "waiting", "oldest", "issued", "used")))


def day_counts(hall, day, now) -> dict[int, dict]:
    """Per matter with tickets today: waiting now, the longest wait so far, numbers issued and quota
    places used; one grouped statement over the hall's day."""
    return {
        sid: {"waiting": waiting, "longest_wait_s": int((now - oldest).total_seconds()) if oldest else 0,
              "issued_today": issued, "quota_used": used}
        for sid, waiting, oldest, issued, used in _DAY_COUNTS.rows(hall_id=hall.pk, day=day)
    }


def service_figures(hall, services, day, now, *, windows=None) -> tuple[dict[int, dict], int]:
    """Per matter of the hall: waiting, longest wait, open windows, estimated wait for a number taken
    now, and numbers issued today; and the hall's numbers issued today (every matter, active or not).
    Three statements for any number of matters; two when the caller gives the open windows per
    matter (``open_windows_among``)."""
    counts = day_counts(hall, day, now)
    if windows is None:
        windows = open_windows(service__hall_id=hall.pk)
    handle = handle_seconds(services)
    none = {"waiting": 0, "longest_wait_s": 0, "issued_today": 0, "quota_used": 0}
    out = {}
    for s in services:
        c = counts.get(s.pk, none)
        n_open = windows.get(s.pk, 0)
        out[s.pk] = {**c, "open_windows": n_open,
                     "estimated_wait_s": wait_seconds(c["waiting"], handle[s.pk], n_open)}
    return out, sum(c["issued_today"] for c in counts.values())


_WINDOW_STATS = Prepared(lambda hall_id, day: (
    Ticket.objects.filter(hall_id=hall_id, day=day, status=TicketStatus.DONE, window__isnull=False)
    .values("window_id").annotate(served=Count("pk"), avg=Avg(F("finished_at") - F("started_at")))
    .values_list("window_id", "served", "avg")))


def window_stats(hall, day):
    """Per window: served today and its average handling time."""
    return {window_id: {"served_today": served, "avg_handle_s": seconds(avg)}
            for window_id, served, avg in _WINDOW_STATS.rows(hall_id=hall.pk, day=day)}
