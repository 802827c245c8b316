"""The hall's live load (窗口负荷 and 等候): what the lobby dashboard and /load/ show.

A fixed number of statements whatever the number of matters and windows (pinned in
tests/hallops/core/read/test_statements.py).
"""

from django.db.models import Count
from django.db.models.functions import ExtractHour
from django.utils import timezone

from .. import events
from ..clock import day_bounds, local_day
from ..clock import now as clock_now
from ..estimates import SERVING_STATES, open_windows_among, service_figures, wait_level, window_stats
from ..models import Appointment, Ticket, Window, WindowService, WindowState
from ..models.ticket import ACTIVE_STATUSES
from ..prepared import Joined, Prepared
from .projection import Field, Record, Timestamp
from .services import ESTIMATED_WAIT, OPEN_WINDOWS, SERVICE, WAITING, active_services
from .tickets import TICKET
from .windows import WINDOW

LOAD_WINDOW = WINDOW.extend(
    "LoadWindow",
    idle_s=Field(int, nullable=True, description="seconds an open window has been idle"),
    current_ticket=Field(TICKET, nullable=True),
    served_today=Field(int),
    avg_handle_s=Field(int, nullable=True),
    services=Field(str, many=True),
)

LOAD_SERVICE = SERVICE.variant(
    "LoadService", "code", "name", "prefix", "zone",
    waiting=WAITING, longest_wait_s=Field(int), estimated_wait_s=ESTIMATED_WAIT, open_windows=OPEN_WINDOWS,
    level=Field(str, description="ok, yellow or red against the hall's wait thresholds"),
)

LOAD_TOTALS = Record(
    "LoadTotals",
    waiting=Field(int), served_today=Field(int), issued_today=Field(int),
    windows_open=Field(int), windows_paused=Field(int), windows_total=Field(int),
)

LOAD_BOOKING_HOUR = Record(
    "LoadBookingHour",
    hour=Field(int, description="local hour of the slots' start, 0–23"),
    booked=Field(int, description="booked, not (yet) checked in"), checked_in=Field(int), no_show=Field(int),
)

LOAD_BOOKINGS = Record(
    "LoadBookings",
    per_hour=Field(LOAD_BOOKING_HOUR, many=True),
    total=Field(int, description="today's bookings (预约), cancelled ones not counted"),
    checked_in=Field(int), no_shows=Field(int),
)

LOAD = Record(
    "LoadOut",
    seq=Field(int), hall=Field(str), at=Field(Timestamp),
    windows=Field(LOAD_WINDOW, many=True), services=Field(LOAD_SERVICE, many=True), totals=Field(LOAD_TOTALS),
    appointments=Field(LOAD_BOOKINGS, description="today's bookings per hour and no-shows"),
)


# The dashboard polls this every few seconds per manager: each read compiled once (hallops.core.prepared).
_WINDOWS = Joined(lambda hall_id: Window.objects.filter(hall_id=hall_id),
                  model=Window, related=("zone", "staff", "staff__staff"))
_ACTIVE_TICKETS = Joined(lambda hall_id: Ticket.objects.filter(hall_id=hall_id, status__in=ACTIVE_STATUSES),
                         model=Ticket, related=("service",))
_WINDOW_SERVICES = Prepared(lambda hall_id: WindowService.objects.filter(window__hall_id=hall_id)
                            .values_list("window_id", "service_id", "service__code"))
# The hour is taken in the current time zone, compiled in as a constant: hallops never activates
# another one (settings.TIME_ZONE is the halls').
_BOOKINGS_BY_HOUR = Prepared(lambda hall_id, start, end: (
    Appointment.objects.filter(hall_id=hall_id, slot_start__range=(start, end))
    .exclude(status=Appointment.Status.CANCELLED)
    .annotate(hour=ExtractHour("slot_start", tzinfo=timezone.get_current_timezone()))
    .values("hour", "status").annotate(n=Count("id")).order_by().values_list("hour", "status", "n")))


def hall_load(hall, now=None) -> dict:
    now = now or clock_now()
    day = local_day(now)
    seq = events.last_seq(hall.pk)  # read first: a client applying events after seq misses nothing
    windows = _WINDOWS.objects(hall_id=hall.pk)
    current, codes = {}, {}
    for ticket in _ACTIVE_TICKETS.objects(hall_id=hall.pk):
        current.setdefault(ticket.window_id, ticket)  # a window has one; the first, as a prefetch had it
    served = _WINDOW_SERVICES.rows(hall_id=hall.pk)
    for window_id, _service_id, code in served:
        codes.setdefault(window_id, []).append(code)
    stats = window_stats(hall, day)
    services = active_services(hall)
    open_now = open_windows_among([(w, s) for w, s, _code in served], {w.pk: w.state for w in windows})
    figures, issued_today = service_figures(hall, services, day, now, windows=open_now)

    window_rows = []
    for w in windows:
        st = stats.get(w.pk, {})
        idle = w.state == WindowState.OPEN and w.state_since
        ticket = current.get(w.pk)
        if ticket is not None:
            ticket.window = w
        window_rows.append(LOAD_WINDOW.of(
            w, idle_s=int((now - w.state_since).total_seconds()) if idle else None,
            current_ticket=TICKET.of(ticket) if ticket is not None else None,
            served_today=st.get("served_today", 0), avg_handle_s=st.get("avg_handle_s"),
            services=codes.get(w.pk, []),
        ))
    service_rows = [LOAD_SERVICE.of(s, **{k: figures[s.pk][k] for k in (
        "waiting", "longest_wait_s", "estimated_wait_s", "open_windows")},
        level=wait_level(hall, figures[s.pk]["longest_wait_s"], figures[s.pk]["estimated_wait_s"])) for s in services]
    totals = LOAD_TOTALS.of(
        waiting=sum(r["waiting"] for r in service_rows),
        served_today=sum(r["served_today"] for r in window_rows),
        issued_today=issued_today,
        windows_open=sum(1 for w in window_rows if w["state"] in SERVING_STATES),
        windows_paused=sum(1 for w in window_rows if w["state"] == WindowState.PAUSED),
        windows_total=len(window_rows),
    )
    return LOAD.of(seq=seq, hall=hall.code, at=now.isoformat(), windows=window_rows, services=service_rows,
                   totals=totals, appointments=bookings_by_hour(hall, day))


def bookings_by_hour(hall, day) -> dict:
    """The day's bookings (预约) per hour of their slot start, by status, in one grouped query."""
    start, end = day_bounds(day)
    hours: dict[int, dict] = {}
    for h, status, n in _BOOKINGS_BY_HOUR.rows(hall_id=hall.pk, start=start, end=end):
        hour = hours.setdefault(h, {"hour": h, "booked": 0, "checked_in": 0, "no_show": 0})
        hour[status] += n
    per_hour = [LOAD_BOOKING_HOUR.of(**hours[h]) for h in sorted(hours)]
    return LOAD_BOOKINGS.of(
        per_hour=per_hour,
        total=sum(h["booked"] + h["checked_in"] + h["no_show"] for h in per_hour),
        checked_in=sum(h["checked_in"] for h in per_hour),
        no_shows=sum(h["no_show"] for h in per_hour),
    )
