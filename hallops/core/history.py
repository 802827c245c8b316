"""How many citizens waited over a day, for the lobby dashboard's chart.

Computed from the tickets' own times, so it works for any past day without a separate log:
a ticket waits from its issue (or, for a transferred ticket, from the transfer) until it is
called, or until it is cancelled. Known simplification: a skipped ticket that was requeued
(过号重排) keeps only its last call time, so it counts as waiting from its issue until that
last call, including the minutes between its first call and the requeue.
"""

from datetime import timedelta

from .clock import day_bounds
from .clock import now as clock_now
from .models import Ticket


def _waiting_spans(hall, day, end_of_day):
    spans = []
    rows = Ticket.objects.filter(hall=hall, day=day).select_related("transferred_from").only(
        "issued_at", "called_at", "finished_at", "status", "transferred_from__finished_at",
    )
    for t in rows:
        start = t.issued_at
        if t.transferred_from is not None and t.transferred_from.finished_at is not None:
            start = t.transferred_from.finished_at
        end = t.called_at or t.finished_at or end_of_day
        if end > start:
            spans.append((start, end))
    return spans


def waiting_series(hall, day, bucket_minutes=10, now=None) -> list[dict]:
    """[{"t": iso, "waiting": n}, ...]: the number waiting at each bucket boundary of the local day.

    The series starts at the bucket holding the day's first issue and ends at `now` (today) or
    at the bucket after the day's last change (a past day). No tickets, no points.
    """
    now = now or clock_now()
    start_of_day, end_of_day = day_bounds(day)
    spans = _waiting_spans(hall, day, end_of_day)
    if not spans:
        return []
    bucket = timedelta(minutes=bucket_minutes)
    first = min(s for s, _ in spans)
    t = start_of_day + ((first - start_of_day) // bucket) * bucket
    if start_of_day <= now <= end_of_day:
        last = now
    else:
        last_change = max([s for s, _ in spans] + [e for _, e in spans if e < end_of_day])
        last = start_of_day - ((start_of_day - last_change) // bucket) * bucket  # up to a boundary
    out = []
    while t <= last and t <= end_of_day:
        out.append({"t": t.isoformat(), "waiting": sum(1 for s, e in spans if s <= t < e)})
        t += bucket
    return out
