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

How it is computed, in three statements whatever the number of matters, windows and waiting tickets:
the windows and their matters; then the line; then recent handling times.

* Usually the windows that can call the ticket see the same queues (the same matters with the same
  preferences, and no ticket transferred to one of them). Then every one of them calls the smallest
  key left, the tickets go in key order, and the k-th goes to the (k mod n)-th window of the turn:
  the database counts the tickets whose key (``order.key_sql``, the probe's own) is below the
  ticket's, and groups by matter those that fall to its window. The cost is one statement that
  reads the line in the database, not over the wire, so issuing stays flat as the line grows.
* Otherwise (windows with different preferences, a ticket transferred to one of them), the waiting
  tickets they may call are read and the windows take their turns here (``_with_heaps``); a
  transferred ticket noticed only by the count costs one statement more.
"""

import heapq
from collections import deque
from dataclasses import dataclass
from datetime import UTC
from functools import lru_cache
from types import SimpleNamespace

from django.db import connection
from django.db.models import F, Field, Q
from django.db.models.expressions import RawSQL
from django.utils.dateparse import parse_datetime

from .. import order, prepared
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


def ahead_and_wait(ticket, *, hall=None, now=None) -> tuple[int, int] | tuple[None, None]:
    """(people ahead, estimated wait in seconds) while the ticket waits; (None, None) once it does not."""
    place = position(ticket, hall=hall, now=now)
    return (None, None) if place is None else (place.ahead, place.estimated_wait_s)


def position(ticket, *, hall=None, now=None) -> Position | None:
    """Place in line of a waiting ticket (saved, or built but not yet saved when issuing); None otherwise."""
    if ticket.status != TicketStatus.WAITING:
        return None
    hall = hall or ticket.hall
    now = now or clock_now()
    prefs, state, expected = {}, {}, {}
    for window_id, window_state, service_id, preference, minutes in _CALLERS.rows(hall_id=hall.pk):
        prefs.setdefault(window_id, {})[service_id] = preference
        state[window_id] = window_state
        expected[service_id] = minutes * 60
    if ticket.target_window_id is not None:
        callers = [ticket.target_window_id]
        prefs.setdefault(ticket.target_window_id, {})
    else:
        serving = [w for w, p in prefs.items() if ticket.service_id in p]
        callers = sorted(w for w in serving if state[w] in SERVING_STATES) or sorted(serving)
    if not callers:
        # Nobody serves the matter yet: the place in its own queues, as if one window did.
        callers = [("nobody", ticket.service_id)]
        prefs[callers[0]] = {ticket.service_id: 0}
    if ticket.service_id not in expected:
        expected[ticket.service_id] = ticket.service.expected_minutes * 60
    bounds = order.Bounds.of(hall, now)
    windows = sorted(w for w in callers if isinstance(w, int))
    served = sorted({s for w in callers for s in prefs[w]})

    def handling(services):
        return handle_seconds([SimpleNamespace(pk=s, expected_minutes=expected.get(s, 600) / 60)
                               for s in set(services) | set(served)])

    if ticket.target_window_id is None and all(prefs[w] == prefs[callers[0]] for w in callers[1:]):
        counted = _count_in_turns(ticket, callers, prefs[callers[0]], served, windows, bounds)
        if counted is not None:
            ahead, at_its_turn, current = counted
            handle = handling(s for s, _w, _since in current)
            window = callers[ahead % len(callers)]
            wait = _left_of_current(current, handle, now).get(window, 0.0) + sum(
                n * handle.get(s, 0) for s, n in at_its_turn.items())
            return Position(ahead=ahead, estimated_wait_s=int(round(wait)),
                            window_id=window if isinstance(window, int) else None)

    rows = _LINE.rows(hall_id=hall.pk, day=local_day(now), served=served, windows=windows)
    if rows and not isinstance(rows[0][3], int):
        rows = [(*r[:3], order.microseconds(r[3]), *r[4:]) for r in rows]
    waiting = [r[:5] for r in rows if r[5] == TicketStatus.WAITING]
    if ticket.pk not in {r[0] for r in waiting}:  # being issued
        waiting.append((ticket.pk, ticket.service_id, ticket.rank, order.microseconds(ticket.queue_at),
                        ticket.target_window_id))
    # Columns: id, service, rank, queue_at, target window, status, window, called_at, started_at.
    current = [(r[1], r[6], r[8] or r[7]) for r in rows if r[5] != TicketStatus.WAITING]
    handle = handling(r[1] for r in rows)
    left = _left_of_current(current, handle, now)
    busy = {w: left.get(w, 0.0) for w in callers}
    ahead, window_id = _with_heaps(waiting, ticket.pk, callers, prefs, bounds.in_microseconds(), handle, busy)
    return Position(ahead=ahead, estimated_wait_s=int(round(busy.get(window_id, 0.0))),
                    window_id=window_id if isinstance(window_id, int) else None)


def _left_of_current(current, handle, now) -> dict:
    """Per window, the seconds its current ticket is expected to take still: (matter, window, since)."""
    left = {}
    for service_id, window_id, since in current:
        if isinstance(since, str):  # SQLite hands its text back from raw SQL
            since = parse_datetime(since).replace(tzinfo=UTC)
        at_it = (now - (since or now)).total_seconds()
        left[window_id] = max(0.0, handle.get(service_id, 0) - at_it)
    return left


@lru_cache
def _turn_sql(served: int, windows: int) -> str:
    """The count of ``_count_in_turns``; placeholders in the order ``_count_in_turns`` gives them."""
    t = Ticket._meta.db_table
    # The callers' preferences are values of the statement, not a join: one row each, read already.
    preference = f"CASE c.service_id {' '.join(['WHEN %s THEN %s'] * served)} ELSE {order.NOT_SERVED} END"
    k1, k2, k3, q, i = order.key_sql(preference)
    active = ", ".join(f"'{s}'" for s in ACTIVE_STATUSES)
    of_windows = ", ".join(["%s"] * windows) or "NULL"
    # No hall in the WHERE clauses: the matters and windows name it already, and with it a planner
    # short of statistics (a table that grew since its last ANALYZE) took the (hall, day, number)
    # index and read every ticket of the day, cancelled and done ones too: 30-110 ms a statement
    # under 8 kiosks (bench_servers). Without it only the indexes that lead with the matter, the
    # window or the transfer target fit, as in the call-next probe.
    # PostgreSQL types a UNION's columns pairwise from the left: the first branch names them.
    return f"""
WITH r AS (
  SELECT c.service_id AS s, {k1} AS k1, {k2} AS k2, {k3} AS k3, {q} AS q, {i} AS i FROM {t} c
  WHERE c.service_id IN ({", ".join(["%s"] * served)}) AND c.status = 'waiting' AND c.day = %s
    AND c.target_window_id IS NULL
), k AS (
  SELECT s, ROW_NUMBER() OVER (ORDER BY k1, k2, k3, q, i) - 1 AS n FROM r WHERE (k1, k2, k3, q, i) < (%s, %s, %s, %s, %s)
), total AS (SELECT COUNT(*) AS ahead FROM k)
SELECT 0, total.ahead, CAST(NULL AS INTEGER), CAST(NULL AS INTEGER), CAST(NULL AS TIMESTAMP WITH TIME ZONE) FROM total
UNION ALL
SELECT 1, COUNT(*), k.s, NULL, NULL FROM k, total WHERE k.n %% %s = total.ahead %% %s GROUP BY k.s
UNION ALL
SELECT 2, NULL, a.service_id, a.window_id, COALESCE(a.started_at, a.called_at) FROM {t} a
  WHERE a.window_id IN ({of_windows}) AND a.status IN ({active}) AND a.day = %s
UNION ALL
SELECT 3, NULL, NULL, b.target_window_id, NULL FROM {t} b
  WHERE b.target_window_id IN ({of_windows}) AND b.status = 'waiting' AND b.day = %s"""


def _count_in_turns(ticket, callers, prefs, served, windows, bounds):
    """Callers that see the same queues call in key order, so the database can count the place:
    (tickets ahead, {matter: how many of them fall to the ticket's window}, [(matter, window, since)
    of the callers' current tickets]); None when a ticket transferred to a caller waits, which only
    that caller may call (then the windows take their turns in ``position``)."""
    w0 = callers[0] if isinstance(callers[0], int) else 0  # nobody: no window has id 0
    target = order.key(bounds, w0, prefs, service_id=ticket.service_id, rank=ticket.rank,
                       queue_at=ticket.queue_at, target_window_id=None, id=ticket.pk)
    day, pk = local_day(bounds.now), Ticket._meta.pk.get_db_prep_value(ticket.pk, connection)
    params = order._params(
        *order.key_params(bounds, w0), *(v for s in served for v in (s, prefs[s])),
        *served, day,
        *target[:4], pk,
        len(callers), len(callers),
        *windows, day,
        *windows, day,
    )
    with prepared.cursor() as cur:
        cur.execute(_turn_sql(len(served), len(windows)), params)
        rows = cur.fetchall()
    if any(kind == 3 for kind, *_ in rows):
        return None
    ahead = next(n for kind, n, *_ in rows if kind == 0)
    at_its_turn = {s: n for kind, n, s, *_ in rows if kind == 1}
    current = [(s, w, since) for kind, _n, s, w, since in rows if kind == 2]
    return ahead, at_its_turn, current


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
