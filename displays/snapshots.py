"""What each kind of live stream shows first: plain dicts, read in one consistent snapshot.

Every builder returns {"seq": N, ...}: N is the last hall event whose effect the state includes,
so a consumer forwards exactly the events after N. All reads of one snapshot happen in one
transaction that sees a single point in time (REPEATABLE READ on PostgreSQL; on SQLite the
transaction takes the write lock), so state and N always agree.

The shapes are the read side's (hallops.core.read), the same the API serves; each snapshot reads
in a fixed number of statements whatever the number of matters and windows
(tests/displays/test_snapshot_statements.py).
"""

from contextlib import contextmanager
from datetime import datetime

from django.db import connection, transaction

from hallops.core import events
from hallops.core.alerts import acknowledged, hall_alerts, stamp_all
from hallops.evaluations.alerts import overdue_case_alerts
from hallops.core.clock import day_bounds, local_day
from hallops.core.clock import now as clock_now
from hallops.core.read.position import ahead_and_wait
from hallops.core.models import HallEvent, Ticket, Window, WindowService
from hallops.core.read.devices import hall_devices
from hallops.core.read.load import hall_load
from hallops.core.read.queue import window_queue
from hallops.core.read.services import catalogue
from hallops.core.read.tickets import (
    TICKET, current_ticket, last_finished, latest_in_chain, pad_ticket, public_ticket,
)
from hallops.core.models.ticket import ACTIVE_STATUSES
from hallops.core.read.windows import WINDOW_BOARD, WINDOW_BRIEF, WINDOW_SELECT, staff_brief, window_dict
from hallops.patrol.alerts import patrol_alerts

RECENT_CALLS = 10


@contextmanager
def consistent_read():
    with transaction.atomic():
        if connection.vendor == "postgresql" and not connection.savepoint_ids:
            # Must be the transaction's first statement; inside a test's outer transaction it is skipped.
            with connection.cursor() as cur:
                cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


def recent_calls(hall, now, limit=RECENT_CALLS):
    """The day's latest calls, one row per ticket: a recall moves its row up, it adds none."""
    start, _ = day_bounds(local_day(now))
    # Recalls are capped per ticket (Hall.skip_recall_limit), so a few times the limit always fills the list.
    scan = limit * (hall.skip_recall_limit + 1)
    rows = HallEvent.objects.filter(hall=hall, type="ticket.called", created_at__gte=start).order_by("-seq")[:scan]
    calls, seen = [], set()
    for e in rows:
        key = (e.payload.get("ticket") or {}).get("id") or e.payload.get("number")
        if key in seen:
            continue
        seen.add(key)
        calls.append(e.as_message())
        if len(calls) == limit:
            break
    return calls


def window_board(hall):
    """Every window with its state and the number it is serving (the hall screen's grid)."""
    current = dict(
        Ticket.objects.filter(hall=hall, status__in=ACTIVE_STATUSES, window__isnull=False)
        .order_by("called_at").values_list("window_id", "number")
    )
    return [WINDOW_BOARD.of(w, current=current.get(w.pk)) for w in Window.objects.filter(hall=hall)]


def _services(hall):
    return events.last_seq(hall.pk), catalogue(hall)


def waiting_by_service(hall):
    """(seq, the kiosk's list of matters): waiting, estimated wait, open, remaining quota."""
    with consistent_read():
        return _services(hall)


def hall_display(hall):
    with consistent_read():
        now = clock_now()
        seq, services = _services(hall)
        windows = window_board(hall)
        return {
            "seq": seq,
            "hall": {"code": hall.code, "name": hall.name, "notice": hall.notice,
                     "announcement_template": hall.announcement_template, "announce_times": hall.announce_times},
            "windows": windows, "calls": recent_calls(hall, now), "services": services,
        }


def _window(window_id):
    return Window.objects.select_related("hall", *WINDOW_SELECT).get(pk=window_id)


def window_screen(window):
    with consistent_read():
        seq = events.last_seq(window.hall_id)
        w = _window(window.pk)
        return {"seq": seq, "window": window_dict(w), "current": TICKET.maybe(current_ticket(w))}


def waiting_list(window) -> dict:
    """The citizens the window may call, in the order call_next would take them (`window.hall` loaded)."""
    rows, count = window_queue(window)
    return {"waiting": rows, "waiting_count": count}


def console(window):
    with consistent_read():
        seq = events.last_seq(window.hall_id)
        w = _window(window.pk)
        return {"seq": seq, "window": window_dict(w), "current": TICKET.maybe(current_ticket(w)), **waiting_list(w)}


def load_with_alerts(hall):
    """hall_load plus device health and the alerts derived from both (dashboard snapshot and `load` frames)."""
    with consistent_read():
        load = {**hall_load(hall), "devices": hall_devices(hall)}
        now = datetime.fromisoformat(load["at"])
        alerts = (hall_alerts(hall, load) + stamp_all(patrol_alerts(hall), now)
                  + stamp_all(overdue_case_alerts(hall, local_day(now)), now))
        return {**load, "alerts": acknowledged(hall, alerts)}


def kiosk(hall):
    with consistent_read():
        seq, services = _services(hall)
        return {"seq": seq, "services": services}


def pad(window):
    with consistent_read():
        seq = events.last_seq(window.hall_id)
        w = _window(window.pk)
        last = last_finished(w)
        # The staff card (name, 工号, photo) the citizen sees while being served.
        return {"seq": seq, "window": WINDOW_BRIEF.of(w), "staff": staff_brief(w.staff),
                "serving": current_ticket(w) is not None, "last_finished": pad_ticket(last) if last else None}


def latest_of(ticket_id):
    """The ticket a citizen follows: after a transfer, the new ticket that carries the same number."""
    return latest_in_chain(Ticket.objects.select_related("service", "window").get(pk=ticket_id))


def _tracked(ticket_id):
    with consistent_read():
        ticket = latest_of(ticket_id)
        ahead, wait = ahead_and_wait(ticket)
        return events.last_seq(ticket.hall_id), ticket, ahead or 0, wait or 0


def ticket_tracking(ticket_id):
    seq, ticket, ahead, wait = _tracked(ticket_id)
    return {"seq": seq, "ticket": public_ticket(ticket), "ahead": ahead, "estimated_wait_s": wait}


def ticket_ahead(ticket_id):
    seq, ticket, ahead, wait = _tracked(ticket_id)
    return {"seq": seq, "ticket_status": ticket.status, "ahead": ahead, "estimated_wait_s": wait}


def service_codes_of(window) -> set:
    return set(WindowService.objects.filter(window=window).values_list("service__code", flat=True))
