"""A window's desk: the citizens it may call, in the order call_next would take them, and its current ticket."""

from django.db.models import Q

from .. import order
from ..clock import local_day
from ..clock import now as clock_now
from ..models import Ticket, TicketStatus, WindowService
from .projection import Field
from .tickets import TICKET, WAITING_ROW, current_ticket
from .windows import WINDOW


def window_queue(window, now=None, limit=100) -> tuple[list[dict], int]:
    """Waiting tickets the window may call, in the order call_next would take them; and their count.

    The order is call_next's own (hallops.core.order.key). Two statements.
    """
    now = now or clock_now()
    prefs = dict(WindowService.objects.filter(window=window).values_list("service_id", "preference"))
    tickets = list(
        Ticket.objects.filter(day=local_day(now), status=TicketStatus.WAITING)
        .filter(Q(service_id__in=list(prefs), target_window__isnull=True) | Q(hall_id=window.hall_id, target_window=window))
        .select_related("service")
    )
    bounds = order.Bounds.of(window.hall, now)
    tickets.sort(key=lambda t: order.key(bounds, window.pk, prefs, service_id=t.service_id, rank=t.rank,
                                         queue_at=t.queue_at, target_window_id=t.target_window_id, id=t.pk))
    rows = [WAITING_ROW.of(t, waited_s=max(0, int((now - t.issued_at).total_seconds())),
                           transferred=t.target_window_id == window.pk) for t in tickets[:limit]]
    return rows, len(tickets)


WINDOW_DETAIL = WINDOW.extend(
    "WindowDetailOut",
    services=Field(str, many=True, description="codes of the matters served, in order of preference"),
    current_ticket=Field(TICKET, nullable=True),
    waiting=Field(WAITING_ROW, many=True, description="waiting tickets this window may call, in queue order"),
    waiting_count=Field(int),
)


def window_detail(window, now=None) -> dict:
    """A window with its current ticket and waiting list (the staff console over HTTP)."""
    waiting, count = window_queue(window, now)
    return WINDOW_DETAIL.of(
        window, services=list(window.window_services.order_by("preference").values_list("service__code", flat=True)),
        current_ticket=TICKET.maybe(current_ticket(window)), waiting=waiting, waiting_count=count,
    )
