"""The hall's live load (窗口负荷 and 等候): what the lobby dashboard and /load/ show."""

from django.db.models import Prefetch

from . import events
from .clock import local_day
from .clock import now as clock_now
from .estimates import avg_handle_seconds, service_waiting, window_stats
from .models import Service, Ticket, Window, WindowService, WindowState
from .models.ticket import ACTIVE_STATUSES
from .serializers import staff_brief, ticket_dict


def hall_load(hall, now=None) -> dict:
    now = now or clock_now()
    day = local_day(now)
    seq = events.last_seq(hall.pk)  # read first: a client applying events after seq misses nothing
    active = Ticket.objects.filter(status__in=ACTIVE_STATUSES).select_related("service", "window")
    windows = list(
        Window.objects.filter(hall=hall).select_related("zone", "staff__staff")
        .prefetch_related(Prefetch("tickets", queryset=active, to_attr="active_tickets"),
                          Prefetch("window_services", queryset=WindowService.objects.select_related("service")))
    )
    stats = window_stats(hall, day)
    waiting = service_waiting(hall, day, now)
    services = list(Service.objects.filter(hall=hall, active=True).select_related("zone"))
    open_count = {}
    for w in windows:
        if w.state in (WindowState.OPEN, WindowState.SERVING):
            for ws in w.window_services.all():
                open_count[ws.service_id] = open_count.get(ws.service_id, 0) + 1
    handle = {s.pk: avg_handle_seconds(s) for s in services}

    window_rows = []
    for w in windows:
        current = w.active_tickets[0] if w.active_tickets else None
        st = stats.get(w.pk, {})
        window_rows.append({
            "id": w.pk, "number": w.number, "name": w.name, "kind": w.kind, "zone": w.zone.code,
            "state": w.state, "state_since": w.state_since.isoformat() if w.state_since else None,
            "idle_s": int((now - w.state_since).total_seconds()) if w.state == WindowState.OPEN and w.state_since else None,
            "pause_reason": w.pause_reason, "stand_in": w.stand_in,
            "staff": staff_brief(w.staff),
            "current_ticket": ticket_dict(current) if current else None,
            "served_today": st.get("served_today", 0), "avg_handle_s": st.get("avg_handle_s"),
            "services": [ws.service.code for ws in w.window_services.all()],
        })
    service_rows = []
    for s in services:
        wt = waiting.get(s.pk, {"waiting": 0, "longest_wait_s": 0})
        n_open = open_count.get(s.pk, 0)
        service_rows.append({
            "code": s.code, "name": s.name, "prefix": s.prefix, "zone": s.zone.code,
            "waiting": wt["waiting"], "longest_wait_s": wt["longest_wait_s"],
            "estimated_wait_s": int(round(wt["waiting"] * handle[s.pk] / max(1, n_open))),
            "open_windows": n_open,
        })
    totals = {
        "waiting": sum(r["waiting"] for r in service_rows),
        "served_today": sum(r["served_today"] for r in window_rows),
        "issued_today": Ticket.objects.filter(hall=hall, day=day, transferred_from__isnull=True).count(),
        "windows_open": sum(1 for w in window_rows if w["state"] in (WindowState.OPEN, WindowState.SERVING)),
        "windows_paused": sum(1 for w in window_rows if w["state"] == WindowState.PAUSED),
        "windows_total": len(window_rows),
    }
    return {"seq": seq, "hall": hall.code, "at": now.isoformat(), "windows": window_rows,
            "services": service_rows, "totals": totals}
