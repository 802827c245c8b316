"""What each kind of live stream shows first: plain dicts, read in one consistent snapshot.

Every builder returns {"seq": N, ...}: N is the last hall event whose effect the state includes,
so a consumer forwards exactly the events after N. All reads of one snapshot happen in one
transaction that sees a single point in time (REPEATABLE READ on PostgreSQL; on SQLite the
transaction takes the write lock), so state and N always agree.
"""

from contextlib import contextmanager

from django.db import connection, transaction

from hallops.api import catalogue  # the API's read models: kiosk list, waiting list, transfer chain
from hallops.core import events
from hallops.core.alerts import hall_alerts
from hallops.patrol.alerts import patrol_alerts
from hallops.core.clock import day_bounds, local_day
from hallops.core.clock import now as clock_now
from hallops.core.load import hall_load
from hallops.core.models import Device, HallEvent, Service, Ticket, TicketStatus, Window, WindowService
from hallops.core.models.ticket import ACTIVE_STATUSES
from hallops.core.serializers import iso, ticket_dict, window_brief, window_dict

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
    t = catalogue.current_ticket(window)
    return ticket_dict(t) if t else None


def recent_calls(hall, now, limit=RECENT_CALLS):
    start, _ = day_bounds(local_day(now))
    rows = HallEvent.objects.filter(hall=hall, type="ticket.called", created_at__gte=start).order_by("-seq")[:limit]
    return [e.as_message() for e in rows]


def waiting_by_service(hall):
    """(seq, the kiosk's list of matters): waiting, estimated wait, open, remaining quota."""
    with consistent_read():
        seq, rows = events.last_seq(hall.pk), catalogue.services_catalogue(hall)
    for r in rows:
        r["remaining"] = r["remaining_quota"]  # the name the pages were written against
    return seq, rows


def hall_display(hall):
    with consistent_read():
        now = clock_now()
        seq, services = waiting_by_service(hall)
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
    return Window.objects.select_related("hall", "zone", "staff__staff").get(pk=window_id)


def window_screen(window):
    with consistent_read():
        seq = events.last_seq(window.hall_id)
        w = _window(window.pk)
        return {"seq": seq, "window": window_dict(w), "current": current_ticket(w)}


def waiting_list(window) -> dict:
    """The citizens the window may call, in the order call_next would take them."""
    rows, count = catalogue.window_queue(window)
    names = dict(Service.objects.filter(hall_id=window.hall_id).values_list("code", "name"))
    for r in rows:  # plus the names the console page was written against
        r["service_name"], r["designated"] = names.get(r["service"]), r["transferred"]
    return {"waiting": rows, "waiting_count": count}


def console(window):
    with consistent_read():
        seq = events.last_seq(window.hall_id)
        w = _window(window.pk)
        return {"seq": seq, "window": window_dict(w), "current": current_ticket(w), **waiting_list(w)}


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
        return {**load, "alerts": hall_alerts(hall, load) + patrol_alerts(hall)}


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


def latest_of(ticket_id):
    """The ticket a citizen follows: after a transfer, the new ticket that carries the same number."""
    return catalogue.latest_in_chain(Ticket.objects.select_related("service", "window").get(pk=ticket_id))


def _tracked(ticket_id):
    with consistent_read():
        ticket = Ticket.objects.select_related("service", "window").get(pk=ticket_id)
        return events.last_seq(ticket.hall_id), catalogue.track(ticket)


def ticket_tracking(ticket_id):
    seq, t = _tracked(ticket_id)
    return {
        "seq": seq,
        "ticket": {"id": t["id"], "number": t["number"], "status": t["status"],
                   "service": {"code": t["service"], "name": t["service_name"]}, "window": t["window"],
                   "issued_at": t["issued_at"], "called_at": t["called_at"]},
        "ahead": t["ahead"] or 0, "estimated_wait_s": t["estimated_wait_s"] or 0,
    }


def ticket_ahead(ticket_id):
    seq, t = _tracked(ticket_id)
    return {"seq": seq, "ticket_status": t["status"], "ahead": t["ahead"] or 0,
            "estimated_wait_s": t["estimated_wait_s"] or 0}


def service_codes_of(window) -> set:
    return set(WindowService.objects.filter(window=window).values_list("service__code", flat=True))
