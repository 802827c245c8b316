"""A citizen's place in line (前面还有 N 人) and estimated wait: the one function that computes them.

The number told is the number of tickets the windows that can call this ticket will call before it,
in the call order of hallops.core.order (shared windows, their preferences, priority classes,
appointments due, transfers, starvation and the bound on every wait). Precisely:

* The windows that can call the ticket: the window it was transferred to; otherwise the open
  (空闲 or 办理中) windows serving its matter, or, when none is open, every window serving it.
* Those windows call in turn — round-robin, in order of window id, each taking the next ticket by
  ``call_next`` at the current moment — and every ticket any of them calls counts, whatever its
  matter (a shared window also calls its other matters). A window with nothing left to call drops
  out of the turn. ``ahead`` is the number of tickets called before this one. With one window it is
  exactly the number of tickets that window calls first; with several it is exact under those
  turns (tests/hallops/core/read/test_position.py checks both against call_next itself). Windows
  that cannot call this ticket are left out, although in the hall they may shorten the line by
  taking shared tickets, so the number errs on the safe side.
* ``estimated_wait_s``: for the window that will call this ticket, what is left of its current
  ticket (the matter's handling time less the time it has been at it) plus the handling time of
  the tickets it calls before this one; handling times are the rolling average per matter
  (hallops.core.estimates).

Three grouped queries whatever the number of matters, windows and waiting tickets: the windows and
their matters; the waiting tickets they may call and their current tickets; recent handling times.
"""

import heapq
from collections import deque
from dataclasses import dataclass
from types import SimpleNamespace

from django.db import connection
from django.db.models import F, Field, Q
from django.db.models.expressions import RawSQL

from .. import order
from ..clock import local_day
from ..clock import now as clock_now
from ..estimates import SERVING_STATES, handle_seconds
from ..models import Ticket, TicketStatus, WindowService
from ..models.ticket import ACTIVE_STATUSES
from ..prepared import Prepared

_CALLERS = Prepared(lambda hall_id: WindowService.objects.filter(window__hall_id=hall_id).values_list(
    "window_id", "window__state", "service_id", "preference", "service__expected_minutes"))


def _line(hall_id, day, served, windows):
    # A long line is hundreds of rows each call: PostgreSQL hands queue_at over as integer
    # microseconds (order.microseconds), exact and several times cheaper to read than a time with
    # its zone (docs/performance.md); SQLite's times are text either way and are converted here.
    queue_at = (RawSQL(f'(EXTRACT(EPOCH FROM "{Ticket._meta.db_table}"."queue_at") * 1000000)::bigint', [],
                       output_field=Field())  # a plain Field: psycopg's int as it is, no converter per row
                if connection.vendor == "postgresql" else F("queue_at"))
    return (Ticket.objects.filter(hall_id=hall_id, day=day)
            .filter(Q(status=TicketStatus.WAITING, service_id__in=served, target_window__isnull=True)
                    | Q(status=TicketStatus.WAITING, target_window_id__in=windows)
                    | Q(status__in=ACTIVE_STATUSES, window_id__in=windows))
            .annotate(queue_us=queue_at).order_by()
            .values_list("id", "service_id", "rank", "queue_us", "target_window_id", "status", "window_id",
                         "called_at", "started_at"))


_LINE = Prepared(_line)


@dataclass(frozen=True)
class Position:
    ahead: int
    estimated_wait_s: int
    window_id: int | None  # the window expected to call the ticket (None: no window serves it)


def position(ticket, *, hall=None, now=None) -> Position | None:
    """Place in line of a waiting ticket (saved, or built but not yet saved when issuing); None otherwise."""
    return positions([ticket], hall=hall or ticket.hall, now=now)[ticket.pk]


def ahead_and_wait(ticket, *, hall=None, now=None) -> tuple[int, int] | tuple[None, None]:
    """(people ahead, estimated wait in seconds) while the ticket waits; (None, None) once it does not."""
    place = position(ticket, hall=hall, now=now) if ticket.status == TicketStatus.WAITING else None
    return (None, None) if place is None else (place.ahead, place.estimated_wait_s)


def positions(tickets, *, hall, now=None) -> dict:
    """``position`` of many tickets of one hall (e.g. a new ticket of each matter, for the kiosk's
    list), keyed by ticket id, in the same three queries whatever their number."""
    now = now or clock_now()
    tickets = list(tickets)
    rows = _CALLERS.rows(hall_id=hall.pk)
    prefs, state, expected = {}, {}, {}
    for window_id, window_state, service_id, preference, minutes in rows:
        prefs.setdefault(window_id, {})[service_id] = preference
        state[window_id] = window_state
        expected[service_id] = minutes * 60
    callers_of = {}
    for t in tickets:
        if t.status != TicketStatus.WAITING:
            continue
        if t.target_window_id is not None:
            callers = [t.target_window_id]
            prefs.setdefault(t.target_window_id, {})
        else:
            serving = [w for w, p in prefs.items() if t.service_id in p]
            callers = sorted(w for w in serving if state[w] in SERVING_STATES) or sorted(serving)
        if not callers:
            # Nobody serves the matter yet: the place in its own queues, as if one window did.
            callers = [("nobody", t.service_id)]
            prefs[callers[0]] = {t.service_id: 0}
        callers_of[t.pk] = callers
        if t.service_id not in expected:
            expected[t.service_id] = t.service.expected_minutes * 60
    if not callers_of:
        return {t.pk: None for t in tickets}

    all_callers = {w for callers in callers_of.values() for w in callers}
    served = {s for w in all_callers for s in prefs[w]}
    windows = [w for w in all_callers if isinstance(w, int)]
    rows = _LINE.rows(hall_id=hall.pk, day=local_day(now), served=sorted(served), windows=sorted(windows))
    if rows and not isinstance(rows[0][3], int):
        rows = [(*r[:3], order.microseconds(r[3]), *r[4:]) for r in rows]
    stored = [r[:5] for r in rows if r[5] == TicketStatus.WAITING]
    stored_ids = {r[0] for r in stored}
    handle = handle_seconds([SimpleNamespace(pk=s, expected_minutes=expected.get(s, 600) / 60)
                             for s in {r[1] for r in rows} | served])
    busy_now = {}
    for _id, service_id, *_, status, window_id, called_at, started_at in rows:
        if status != TicketStatus.WAITING:
            at_it = (now - (started_at or called_at or now)).total_seconds()
            busy_now[window_id] = max(0.0, handle.get(service_id, 0) - at_it)
    bounds = order.Bounds.of(hall, now).in_microseconds()

    out = {}
    for t in tickets:
        callers = callers_of.get(t.pk)
        if callers is None:
            out[t.pk] = None
            continue
        waiting = stored if t.pk in stored_ids else [
            *stored, (t.pk, t.service_id, t.rank, order.microseconds(t.queue_at), t.target_window_id)]  # being issued
        busy = {w: busy_now.get(w, 0.0) for w in callers}
        ahead, window_id = _simulate(waiting, t.pk, callers, prefs, bounds, handle, busy)
        out[t.pk] = Position(ahead=ahead, estimated_wait_s=int(round(busy.get(window_id, 0.0))),
                             window_id=window_id if isinstance(window_id, int) else None)
    return out


def _simulate(waiting, target_id, callers, prefs, bounds, handle, busy):
    if _alike(waiting, callers, prefs):
        return _in_turns(waiting, target_id, callers, prefs, bounds, handle, busy)
    return _with_heaps(waiting, target_id, callers, prefs, bounds, handle, busy)


def _alike(waiting, callers, prefs) -> bool:
    """Whether every caller sees the same queues in the same order: the same matters with the same
    preferences, and no ticket transferred to one of them (which only that one may call)."""
    first = prefs[callers[0]]
    if any(prefs[w] != first for w in callers[1:]):
        return False
    mine = set(callers)
    return not any(row[4] in mine for row in waiting)


def _in_turns(waiting, target_id, callers, prefs, bounds, handle, busy):
    """``_with_heaps`` when the callers are alike: each of them calls the smallest key left, so the
    tickets go in key order, the k-th to the (k mod n)-th caller of the turn, and none drops out
    before the target (every caller may call it)."""
    first, w0 = prefs[callers[0]], callers[0]
    mine = sorted((_key(bounds, w0, first, row), row) for row in waiting
                  if row[4] is None and row[1] in first)
    ahead = next(i for i, (_k, row) in enumerate(mine) if row[0] == target_id)
    window = callers[ahead % len(callers)]
    busy[window] += sum(handle.get(row[1], 0) for _k, row in mine[ahead % len(callers):ahead:len(callers)])
    return ahead, window


def _with_heaps(waiting, target_id, callers, prefs, bounds, handle, busy):
    """Let the callers take turns by the call order until one takes ``target_id``; ``busy`` adds up
    each window's handling time on the way. Returns the tickets called before it and its window.

    Each window keeps a heap of its queue heads by call-order key. A head's key for a window does not
    change while it stays the head (``bounds`` is one moment), so a step costs a heap operation, not
    a key for every head: a stale entry (its queue has moved on) is noticed by the ticket id that
    ends every key, and replaced then.
    """
    queues = {}
    for row in sorted(waiting, key=lambda r: (r[3], r[0])):
        tid, service_id, rank, queue_at, target_window_id = row
        qid = ("t", target_window_id, rank) if target_window_id is not None else ("s", service_id, rank)
        queues.setdefault(qid, deque()).append(row)
    # Each window's queues: its matters' and the tickets transferred to it, in every class.
    heaps = {}
    for w in callers:
        mine = [q for q in [*(("s", s, r) for s in prefs[w] for r in order.RANKS),
                             *(("t", w, r) for r in order.RANKS)] if q in queues]
        heaps[w] = [(_key(bounds, w, prefs[w], queues[q][0]), q) for q in mine]
        heapq.heapify(heaps[w])
    turn, ahead = list(callers), 0
    while turn:
        for w in list(turn):
            heap = heaps[w]
            while heap:
                k, q = heap[0]
                if not queues[q]:
                    heapq.heappop(heap)
                elif k[-1] != queues[q][0][0]:
                    heapq.heapreplace(heap, (_key(bounds, w, prefs[w], queues[q][0]), q))
                else:
                    break
            if not heap:
                turn.remove(w)
                continue
            tid, service_id = queues[heap[0][1]].popleft()[:2]
            if tid == target_id:
                return ahead, w
            ahead += 1
            busy[w] += handle.get(service_id, 0)
    return ahead, None  # unreachable while a caller can call the ticket


def _key(bounds, window_id, prefs, row):
    tid, service_id, rank, queue_at, target_window_id = row
    return order.key(bounds, window_id, prefs, service_id=service_id, rank=rank, queue_at=queue_at,
                     target_window_id=target_window_id, id=tid)
