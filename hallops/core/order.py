"""The call order (叫号顺序): which waiting ticket a window calls next, defined once.

A window may call today's waiting tickets of the matters it serves (unless transferred to another
window) and those transferred to it. Among them it calls the one with the smallest key:

  1. overdue: a ticket that has waited longer than the hall's ``max_wait_minutes`` comes before
     everything else, the oldest first, whatever its class, matter or the window's preference.
     This bounds every ticket's wait (a normal ticket is no longer starved by a stream of
     priority tickets): once overdue, only older overdue tickets go before it.
  2. everybody who is due, by
       a. class (rank): statutory priority (elderly, disabled, pregnant, military, green channel),
          then appointments whose slot has come, then normal tickets;
       b. standing within the class: a ticket waiting longer than ``starvation_minutes``, then one
          transferred to this very window, then the window's order of preference of its matters;
       c. the longest waiting (queue_at), then the id.
  3. appointments checked in before their slot: only when nobody else waits, by preference, queue_at.

Inside one queue — one (matter, class) or the tickets transferred to one window in one class —
the key grows with queue_at (an older ticket is overdue, starving or due no later than a younger
one), so the best ticket of a window is the best of its queue heads. ``call_next`` uses that: one
statement probes every head through the (service, status, rank, queue_at) index and sorts the
heads, so its cost does not grow with the queue. ``key`` is the same rule in Python, for the
position a citizen is told (``hallops.core.read.position``) and a window's waiting list; the
property test in tests/hallops/core/read checks the two against each other.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.db import connection

from .models import Ticket, WindowService

RANKS = (0, 1, 2)  # statutory priority, appointment, normal (models.ticket.PRIORITY_RANK)
APPOINTMENT_RANK = 1
STARVING, TRANSFERRED = -2, -1  # standings that come before every preference (preferences are ≥ 0)
NOT_SERVED = 1 << 30


@dataclass(frozen=True)
class Bounds:
    """The times a hall's rules turn into for one moment: who is overdue, starving, early."""

    now: datetime
    overdue_before: datetime
    starve_before: datetime

    @classmethod
    def of(cls, hall, now):
        return cls(now=now, overdue_before=now - timedelta(minutes=hall.max_wait_minutes),
                   starve_before=now - timedelta(minutes=hall.starvation_minutes))

    def in_microseconds(self) -> "Bounds":
        """The same moment with every time as whole microseconds since the epoch (``microseconds``):
        for keys of rows read as integers, which compare alike and cost far less to read."""
        return Bounds(now=microseconds(self.now), overdue_before=microseconds(self.overdue_before),
                      starve_before=microseconds(self.starve_before))


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def microseconds(at: datetime) -> int:
    """An aware time as whole microseconds since the epoch, exactly (order is kept, ties too)."""
    return (at - _EPOCH) // timedelta(microseconds=1)


def key(bounds: Bounds, window_id, prefs: dict, *, service_id, rank, queue_at, target_window_id, id):
    """The sort key of a waiting ticket for one window (smallest is called first)."""
    if queue_at <= bounds.overdue_before:
        return (0, 0, 0, queue_at, id)
    bucket = 2 if rank == APPOINTMENT_RANK and queue_at > bounds.now else 1
    if queue_at <= bounds.starve_before:
        standing = STARVING
    elif target_window_id is not None and target_window_id == window_id:
        standing = TRANSFERRED
    else:
        standing = prefs.get(service_id, NOT_SERVED)
    return (bucket, rank, standing, queue_at, id)


def callable_by(window_id, prefs: dict, *, service_id, target_window_id) -> bool:
    if target_window_id is not None:
        return target_window_id == window_id
    return service_id in prefs


def _params(*values):
    ops = connection.ops
    return [ops.adapt_datetimefield_value(v) if isinstance(v, datetime)
            else ops.adapt_datefield_value(v) if isinstance(v, date) else v for v in values]


def key_sql(preference: str = f"COALESCE(p.preference, {NOT_SERVED})") -> tuple[str, ...]:
    """``key`` in SQL, over a ticket ``c``: the same five parts, compared the same way.

    ``preference``: the window's preference for c's matter, by default from its preference row
    ``p`` (NULL when it does not serve the matter). Placeholders: ``key_params``, then those of
    ``preference``.
    """
    return (
        f"CASE WHEN c.queue_at <= %s THEN 0 WHEN c.rank = {APPOINTMENT_RANK} AND c.queue_at > %s THEN 2 ELSE 1 END",
        "CASE WHEN c.queue_at <= %s THEN 0 ELSE c.rank END",
        f"CASE WHEN c.queue_at <= %s THEN 0 WHEN c.queue_at <= %s THEN {STARVING} "
        f"WHEN c.target_window_id = %s THEN {TRANSFERRED} ELSE {preference} END",
        "c.queue_at",
        "c.id",
    )


def key_params(bounds: Bounds, window_id) -> list:
    return [bounds.overdue_before, bounds.now, bounds.overdue_before,
            bounds.overdue_before, bounds.starve_before, window_id]


def queues_sql(exclude: int = 0, depth: int = 1, offset: int = 0) -> str:
    """The ids at the head of every queue a window calls from: its matters' queues (one per class)
    and the tickets transferred to it. Each head is a correlated subquery that reads the first
    ``depth`` rows of the (service, status, rank, queue_at, id) index (``depth`` > 1: PostgreSQL's
    LATERAL), after the first ``offset``; ``exclude`` placeholders skip tickets another window took
    meanwhile. Placeholders: ``queues_params``."""
    t, ws = Ticket._meta.db_table, WindowService._meta.db_table
    skip = f" AND h.id NOT IN ({', '.join(['%s'] * exclude)})" if exclude else ""
    ranks = " UNION ALL ".join(f"SELECT {r} AS r" for r in RANKS)
    head = f"SELECT h.id FROM {t} h WHERE h.status = 'waiting' AND h.day = %s AND h.rank = q.r{skip} AND "
    order = f"ORDER BY h.queue_at, h.id LIMIT {int(depth)}" + (f" OFFSET {int(offset)}" if offset else "")
    if depth == 1:
        return f"""
  SELECT ({head} h.service_id = s.service_id AND h.target_window_id IS NULL {order}) AS id
    FROM {ws} s CROSS JOIN ({ranks}) q WHERE s.window_id = %s
  UNION ALL
  SELECT ({head} h.target_window_id = %s {order}) FROM ({ranks}) q"""
    return f"""
  SELECT x.id FROM {ws} s CROSS JOIN ({ranks}) q CROSS JOIN LATERAL (
    {head} h.service_id = s.service_id AND h.target_window_id IS NULL {order}) x WHERE s.window_id = %s
  UNION ALL
  SELECT x.id FROM ({ranks}) q CROSS JOIN LATERAL ({head} h.target_window_id = %s {order}) x"""


def queues_params(window_id, day, exclude=()) -> list:
    head = [day, *exclude]
    return _params(*head, window_id, *head, window_id)


def probe_sql(exclude: int = 0, select: str = "c.id", join: str = "") -> str:
    """SELECT the id of the ticket a window calls next: every queue head, sorted by the key above.

    Parameters, in order: see ``probe_params``. The heads are ``queues_sql``. Runs unchanged on
    PostgreSQL and SQLite.
    """
    t, ws = Ticket._meta.db_table, WindowService._meta.db_table
    return f"""
SELECT {select} FROM {t} c {join} LEFT JOIN {ws} p ON p.window_id = %s AND p.service_id = c.service_id
WHERE c.id IN ({queues_sql(exclude)}
)
ORDER BY {", ".join(key_sql())}
LIMIT 1"""


def first_free_ctes(depth: int, select: str, join: str = "", where: str = "") -> str:
    """PostgreSQL, for the claim: WITH queries ending in ``pick``, the ticket the window calls next
    among those no other window is claiming, locked. Placeholders: ``first_free_params``.

    ``cand`` are the first ``depth`` of each queue, ``keyed`` their keys. ``pick`` tries them in
    call order and locks the first that is still waiting and that nobody holds (``FOR UPDATE SKIP
    LOCKED`` under the LIMIT: only the row taken stays locked), so windows alike calling at once take
    the oldest, the next oldest and so on, one statement each. It never goes past the last candidate
    of a queue that may hold more (``bound``): the ticket after it could come first, so when every
    candidate up to there is held the window looks deeper (the caller doubles ``depth``), as the
    order above demands. With ``depth`` 1 that is the best head or nothing. ``where``: more
    conditions on the ticket ``c``. (``= ANY (ARRAY (…))`` keeps the planner on the primary key: with
    ``IN`` it once read every waiting ticket to find the few candidates.)
    """
    t, ws = Ticket._meta.db_table, WindowService._meta.db_table
    k1, k2, k3, *_ = key_sql()
    bound = "SELECT id FROM cand" if depth == 1 else queues_sql(depth=1, offset=depth - 1)
    keys = "kk.k1, kk.k2, kk.k3, kk.queue_at, kk.kid"
    return f"""cand AS ({queues_sql(depth=depth)}
), bound AS ({bound}
), keyed AS (
  SELECT c.id, {k1} AS k1, {k2} AS k2, {k3} AS k3, c.queue_at, c.id AS kid
  FROM {t} c LEFT JOIN {ws} p ON p.window_id = %s AND p.service_id = c.service_id
  WHERE c.id = ANY (ARRAY (SELECT id FROM cand))
), pick AS (
  SELECT {select} FROM {t} c {join} JOIN keyed kk ON kk.id = c.id
  WHERE c.id = ANY (ARRAY (SELECT id FROM keyed)) AND c.status = 'waiting'{where}
    AND ({keys}) <= ALL (SELECT k1, k2, k3, queue_at, kid FROM keyed WHERE id IN (SELECT id FROM bound))
  ORDER BY {keys} LIMIT 1 FOR UPDATE OF c SKIP LOCKED)"""


def first_free_params(window_id, day, bounds: Bounds, depth: int) -> list:
    queues = queues_params(window_id, day)
    return [*queues, *(queues if depth > 1 else []), *_params(*key_params(bounds, window_id), window_id)]


def probe_params(window_id, day, bounds: Bounds, exclude=()) -> list:
    return _params(window_id, *queues_params(window_id, day, exclude), *key_params(bounds, window_id))
