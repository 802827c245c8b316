"""Read models the API serves that the core does not build as one dict: the kiosk's list of
matters, a window's waiting list, and a ticket's tracking view.

Plain functions of the database (no request), so WebSocket snapshots can reuse them.
"""

from django.db.models import Count, Q

from hallops.core.actions.calls import TRANSFER_PREFERENCE
from hallops.core.clock import is_open, local_day
from hallops.core.clock import now as clock_now
from hallops.core.estimates import (
    SERVING_STATES, ahead_of, avg_handle_seconds, estimated_wait_seconds, service_waiting,
)
from hallops.core.models import Service, Ticket, TicketStatus, WindowService
from hallops.core.serializers import ticket_dict, window_brief


def services_catalogue(hall, now=None) -> list[dict]:
    """Active matters of the hall with their queue, in kiosk order.

    "open" = the hall issues numbers now (opening hours) AND at least one open window serves
    the matter. It is advice for the kiosk screen: issuing itself only needs the hall open and
    quota left, so a citizen may take a number before the first window opens.
    """
    now = now or clock_now()
    day = local_day(now)
    services = list(Service.objects.filter(hall=hall, active=True).select_related("zone", "department"))
    waiting = service_waiting(hall, day, now)
    open_windows = dict(
        WindowService.objects.filter(service__hall=hall, window__state__in=SERVING_STATES)
        .values("service_id").annotate(n=Count("pk")).values_list("service_id", "n")
    )
    issued = dict(
        Ticket.objects.filter(hall=hall, day=day, transferred_from__isnull=True)
        .values("service_id").annotate(n=Count("pk")).values_list("service_id", "n")
    )
    hall_open = is_open(hall, now)
    rows = []
    for s in services:
        n_waiting = waiting.get(s.pk, {}).get("waiting", 0)
        n_open = open_windows.get(s.pk, 0)
        rows.append({
            "code": s.code, "name": s.name, "zone": s.zone.code, "zone_name": s.zone.name,
            "department": s.department.name if s.department_id else None, "prefix": s.prefix,
            "waiting": n_waiting,
            "estimated_wait_s": int(round(n_waiting * avg_handle_seconds(s) / max(1, n_open))),
            "open_windows": n_open, "open": hall_open and n_open > 0,
            "bookable": s.bookable, "materials": s.materials, "daily_quota": s.daily_quota,
            "remaining_quota": None if s.daily_quota is None else max(0, s.daily_quota - issued.get(s.pk, 0)),
        })
    return rows


def window_queue(window, now=None, limit=100) -> tuple[list[dict], int]:
    """Waiting tickets the window may call, in the order call_next would take them; and their count.

    The order mirrors call_next: priority class, then a ticket transferred to this window or one
    waiting past the hall's starvation bound, then the window's preference of matters, then the
    longest waiting; appointments checked in before their slot come last.
    """
    now = now or clock_now()
    prefs = dict(WindowService.objects.filter(window=window).values_list("service_id", "preference"))
    tickets = list(
        Ticket.objects.filter(day=local_day(now), status=TicketStatus.WAITING)
        .filter(Q(service_id__in=list(prefs), target_window__isnull=True) | Q(hall_id=window.hall_id, target_window=window))
        .select_related("service")
    )
    starving = window.hall.starvation_minutes * 60

    def key(t):
        early = t.queue_at > now
        if t.target_window_id == window.pk:
            pref = TRANSFER_PREFERENCE
        elif (now - t.queue_at).total_seconds() >= starving:
            pref = TRANSFER_PREFERENCE - 1
        else:
            pref = prefs.get(t.service_id, 1 << 30)
        return (early, t.rank, pref, t.queue_at)

    tickets.sort(key=key)
    rows = [{
        "id": str(t.pk), "number": t.number, "service": t.service.code, "priority": t.priority,
        "waited_s": max(0, int((now - t.issued_at).total_seconds())),
        "transferred": t.target_window_id == window.pk,
    } for t in tickets[:limit]]
    return rows, len(tickets)


def current_ticket(window):
    return (
        Ticket.objects.select_related("service", "window")
        .filter(window=window, status__in=(TicketStatus.CALLED, TicketStatus.SERVING))
        .order_by("-called_at").first()
    )


def latest_in_chain(ticket):
    """A transferred ticket lives on as a new ticket with the same number: follow it, so the
    citizen's QR code keeps tracking the right one."""
    for _ in range(50):  # a chain of transfers is short; the bound only guards against a cycle
        if ticket.status != TicketStatus.TRANSFERRED:
            break
        nxt = Ticket.objects.select_related("service", "window").filter(transferred_from=ticket).first()
        if nxt is None:
            break
        ticket = nxt
    return ticket


def track(ticket, now=None) -> dict:
    ticket = latest_in_chain(ticket)
    d = ticket_dict(ticket)
    waiting = ticket.status == TicketStatus.WAITING
    ahead = ahead_of(ticket) if waiting else None
    return {
        "id": d["id"], "number": d["number"], "service": d["service"], "service_name": d["service_name"],
        "status": d["status"],
        "window": window_brief(ticket.window) if ticket.status in (TicketStatus.CALLED, TicketStatus.SERVING) else None,
        "ahead": ahead,
        "estimated_wait_s": estimated_wait_seconds(ticket.service, ahead) if waiting else None,
        "issued_at": d["issued_at"], "called_at": d["called_at"],
    }
