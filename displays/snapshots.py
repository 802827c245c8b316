"""What each kind of live stream shows first: plain dicts, read in one consistent snapshot.

Every builder returns {"seq": N, ...}: N is the last hall event whose effect the state includes,
so a consumer forwards exactly the events after N. All reads of one snapshot happen in one
transaction that sees a single point in time (REPEATABLE READ on PostgreSQL; on SQLite the
transaction takes the write lock), so state and N always agree.
"""

from contextlib import contextmanager

from django.db import connection, transaction
from django.db.models import Count

from hallops.core import events
from hallops.core.alerts import hall_alerts
from hallops.core.clock import day_bounds, local_day
from hallops.core.clock import now as clock_now
from hallops.core.estimates import ahead_of, estimated_wait_seconds
from hallops.core.load import hall_load
from hallops.core.models import Device, HallEvent, Ticket, TicketStatus, Window, WindowService
from hallops.core.models.ticket import ACTIVE_STATUSES
from hallops.core.serializers import iso, staff_brief, ticket_dict, window_brief, window_dict

RECENT_CALLS = 10


@contextmanager
def consistent_read():
    with transaction.atomic():
        if connection.vendor == "postgresql" and not connection.savepoint_ids:
            # Must be the transaction's first statement; inside a test's outer transaction it is skipped.
            with connection.cursor() as cur:
                cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


def current_ticket(window):
    t = (Ticket.objects.filter(window=window, status__in=ACTIVE_STATUSES)
         .select_related("service", "window").order_by("-called_at").first())
    return ticket_dict(t) if t else None


def recent_calls(hall, now, limit=RECENT_CALLS):
    start, _ = day_bounds(local_day(now))
    rows = HallEvent.objects.filter(hall=hall, type="ticket.called", created_at__gte=start).order_by("-seq")[:limit]
    return [e.as_message() for e in rows]


def waiting_by_service(hall, now=None):
    """Per active service: waiting count, estimated wait, open windows, remaining quota (kiosk and hall screen)."""
    now = now or clock_now()
    load = hall_load(hall, now)
    day = local_day(now)
    issued = dict(
        Ticket.objects.filter(hall=hall, day=day, transferred_from__isnull=True)
        .values("service__code").annotate(n=Count("pk")).values_list("service__code", "n")
    )
    quotas = dict(hall.services.filter(active=True).values_list("code", "daily_quota"))
    out = []
    for s in load["services"]:
        quota = quotas.get(s["code"])
        out.append({
            "code": s["code"], "name": s["name"], "zone": s["zone"], "prefix": s["prefix"],
            "waiting": s["waiting"], "estimated_wait_s": s["estimated_wait_s"],
            "open": s["open_windows"] > 0, "open_windows": s["open_windows"],
            "remaining": None if quota is None else max(0, quota - issued.get(s["code"], 0)),
        })
    return load["seq"], out


def hall_display(hall):
    with consistent_read():
        now = clock_now()
        seq, services = waiting_by_service(hall, now)
        windows = [
            {"id": w.pk, "number": w.number, "name": w.name, "state": w.state}
            for w in Window.objects.filter(hall=hall).select_related("zone")
        ]
        return {
            "seq": seq,
            "hall": {"code": hall.code, "name": hall.name, "notice": hall.notice,
                     "announcement_template": hall.announcement_template},
            "windows": windows, "calls": recent_calls(hall, now), "services": services,
        }


def _window(window_id):
    return Window.objects.select_related("zone", "staff__staff").get(pk=window_id)


def window_screen(window):
    with consistent_read():
        seq = events.last_seq(window.hall_id)
        w = _window(window.pk)
        return {"seq": seq, "window": window_dict(w), "current": current_ticket(w)}


def waiting_list(window, now=None):
    """The citizens the window may call, in the order it would see them (priority class, then queue time)."""
    now = now or clock_now()
    service_ids = list(WindowService.objects.filter(window=window).values_list("service_id", flat=True))
    rows = (
        Ticket.objects.filter(day=local_day(now), status=TicketStatus.WAITING, hall_id=window.hall_id)
        .filter(service_id__in=service_ids) | Ticket.objects.filter(
            day=local_day(now), status=TicketStatus.WAITING, target_window=window)
    )
    rows = rows.select_related("service").order_by("rank", "queue_at")[:200]
    return [
        {"id": str(t.pk), "number": t.number, "service": t.service.code, "service_name": t.service.name,
         "priority": t.priority, "waited_s": max(0, int((now - t.issued_at).total_seconds())),
         "designated": t.target_window_id == window.pk}
        for t in rows
    ]


def console(window):
    with consistent_read():
        seq = events.last_seq(window.hall_id)
        w = _window(window.pk)
        return {"seq": seq, "window": window_dict(w), "current": current_ticket(w), "waiting": waiting_list(w)}


def devices(hall):
    return [
        {"id": d.pk, "kind": d.kind, "name": d.name, "window": window_brief(d.window), "enabled": d.enabled,
         "online": d.online, "last_seen": iso(d.last_seen), "heartbeat_s": d.heartbeat_s, "status": d.status}
        for d in Device.objects.filter(hall=hall).select_related("window")
    ]


def load_with_alerts(hall):
    """hall_load plus device health and the alerts derived from both (dashboard snapshot and `load` frames)."""
    with consistent_read():
        load = {**hall_load(hall), "devices": devices(hall)}
        return {**load, "alerts": hall_alerts(hall, load)}


def kiosk(hall):
    with consistent_read():
        seq, services = waiting_by_service(hall)
        return {"seq": seq, "services": services}


def pad(window):
    with consistent_read():
        seq = events.last_seq(window.hall_id)
        w = _window(window.pk)
        last = (Ticket.objects.filter(window=w, status=TicketStatus.DONE).select_related("service", "window")
                .order_by("-finished_at").first())
        return {"seq": seq, "window": window_brief(w), "last_finished": public_ticket(last) if last else None}


def public_ticket(t) -> dict:
    """What a citizen's phone may see of its own ticket (no staff, no other tickets)."""
    return {"id": str(t.pk), "number": t.number, "status": t.status,
            "service": {"code": t.service.code, "name": t.service.name},
            "window": window_brief(t.window) if t.status in ACTIVE_STATUSES else None,
            "issued_at": iso(t.issued_at), "called_at": iso(t.called_at)}


def ticket_position(ticket) -> dict:
    if ticket.status != TicketStatus.WAITING:
        return {"ahead": 0, "estimated_wait_s": 0}
    ahead = ahead_of(ticket)
    return {"ahead": ahead, "estimated_wait_s": estimated_wait_seconds(ticket.service, ahead)}


def latest_of(ticket_id):
    """The ticket a citizen follows: after a transfer, the new ticket that carries the same number."""
    t = Ticket.objects.select_related("service", "window").get(pk=ticket_id)
    while t.status == TicketStatus.TRANSFERRED:
        nxt = Ticket.objects.select_related("service", "window").filter(transferred_from=t).first()
        if nxt is None:
            break
        t = nxt
    return t


def ticket_tracking(ticket_id):
    with consistent_read():
        t = latest_of(ticket_id)
        seq = events.last_seq(t.hall_id)
        return {"seq": seq, "ticket": public_ticket(t), **ticket_position(t)}


def ticket_ahead(ticket_id):
    with consistent_read():
        t = latest_of(ticket_id)
        return {"seq": events.last_seq(t.hall_id), "ticket_status": t.status, **ticket_position(t)}


def service_codes_of(window) -> set:
    return set(WindowService.objects.filter(window=window).values_list("service__code", flat=True))
