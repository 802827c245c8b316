"""Estimated waits: people ahead × recent handling time ÷ open windows serving the matter."""

from datetime import timedelta

from django.db.models import Avg, Count, F, Min, Q

from .models import Ticket, TicketStatus, WindowService, WindowState

ROLLING_SAMPLE = 20  # finished tickets in the rolling average of handling time
SERVING_STATES = (WindowState.OPEN, WindowState.SERVING)


def avg_handle_seconds(service) -> int:
    """Rolling average of the last finished tickets of the matter; the configured time until there are some."""
    recent = (
        Ticket.objects.filter(service=service, status=TicketStatus.DONE, started_at__isnull=False)
        .order_by("-finished_at")
        .values_list("started_at", "finished_at")[:ROLLING_SAMPLE]
    )
    durations = [(f - s).total_seconds() for s, f in recent if f and s]
    if not durations:
        return service.expected_minutes * 60
    return int(sum(durations) / len(durations))


def open_windows_for(service) -> int:
    return WindowService.objects.filter(service=service, window__state__in=SERVING_STATES).count()


def waiting_before(service, day, rank, queue_at) -> int:
    """Waiting tickets of the matter that come before a ticket of this class and queue time."""
    return Ticket.objects.filter(
        service=service, day=day, status=TicketStatus.WAITING,
    ).filter(Q(rank__lt=rank) | Q(rank=rank, queue_at__lt=queue_at)).count()


def ahead_of(ticket) -> int:
    """Waiting tickets of the same matter that come before this one in the queue order."""
    return waiting_before(ticket.service_id, ticket.day, ticket.rank, ticket.queue_at)


def estimated_wait_seconds(service, ahead: int) -> int:
    windows = max(1, open_windows_for(service))
    return int(round(ahead * avg_handle_seconds(service) / windows))


def service_waiting(hall, day, now):
    """Per service: waiting count and the longest wait, in one grouped query."""
    rows = (
        Ticket.objects.filter(hall=hall, day=day, status=TicketStatus.WAITING)
        .values("service_id").annotate(waiting=Count("pk"), oldest=Min("issued_at"))
    )
    return {
        r["service_id"]: {"waiting": r["waiting"], "longest_wait_s": int((now - r["oldest"]).total_seconds())}
        for r in rows
    }


def window_stats(hall, day):
    """Per window: served today and its average handling time."""
    rows = (
        Ticket.objects.filter(hall=hall, day=day, status=TicketStatus.DONE, window__isnull=False)
        .values("window_id")
        .annotate(served=Count("pk"), avg=Avg(F("finished_at") - F("started_at")))
    )
    out = {}
    for r in rows:
        avg = r["avg"]
        if isinstance(avg, timedelta):
            avg_s = int(avg.total_seconds())
        elif avg is None:
            avg_s = None
        else:  # SQLite returns microseconds
            avg_s = int(avg / 1_000_000)
        out[r["window_id"]] = {"served_today": r["served"], "avg_handle_s": avg_s}
    return out
