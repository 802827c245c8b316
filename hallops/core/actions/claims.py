"""The statements that take and change a window's tickets: one round trip each where PostgreSQL allows.

``claim_next`` chooses the ticket a window calls next (hallops.core.order's probe) and claims
it; on PostgreSQL in the same statement it locks only the chosen row (``FOR UPDATE SKIP LOCKED``),
marks the window 办理中 and, for 下一位, first finishes the ticket being served. ``change_current``
changes the window's current ticket and reads it back. SQLite, which has no data-modifying WITH and
serialises writers anyway, takes a statement or two more. The actions in calls.py say what to do;
this says how in SQL.
"""

from django.db import connection

from .. import order, prepared
from ..models import Service, Ticket, TicketStatus, Window

_TICKET_COLS = [f.attname for f in Ticket._meta.concrete_fields]
_SERVICE_COLS = [f.attname for f in Service._meta.concrete_fields]
_SELECT = ", ".join([f'c."{c}"' for c in _TICKET_COLS] + [f'sv."{c}" AS sv_{c}' for c in _SERVICE_COLS])
_CLAIM_SET = "status = 'called', called_at = %s, window_id = %s, staff_id = %s"
# 办结, for change_current and for 下一位's finish inside the claim: placeholders started_at's
# fallback, finished_at.
FINISH_SET = "status = 'done', started_at = COALESCE(started_at, called_at, %s), finished_at = %s"
# A window gives up after this many tickets taken under its nose in one call (never seen in practice).
MAX_PROBES = 20


def _from_row(row):
    n = len(_TICKET_COLS)
    ticket = Ticket.from_db(connection.alias, _TICKET_COLS, prepared.model_values(Ticket, row[:n]))
    ticket.service = Service.from_db(connection.alias, _SERVICE_COLS,
                                     prepared.model_values(Service, row[n:n + len(_SERVICE_COLS)]))
    return ticket


def _claim_sql(probe, *, finishing=False):
    """PostgreSQL: choose (``probe``), lock only the chosen row (skipping it if another window holds
    it), claim it, and mark the window 办理中, in one statement. ``finishing`` (下一位): the same
    statement first finishes the window's serving ticket and claims only if there was one; its row
    comes back after the chosen one's (NULLs when nobody waits)."""
    t, w = Ticket._meta.db_table, Window._meta.db_table
    fin = gate = ""
    if finishing:
        fin = f"fin AS (UPDATE {t} SET {FINISH_SET} WHERE id = {_current_sql(1)} RETURNING {_RETURNING}), "
        gate = " AND EXISTS (SELECT 1 FROM fin)"
    sql = (f"WITH {fin}pick AS ({probe}), claimed AS (UPDATE {t} SET {_CLAIM_SET} WHERE id = ("
           f"SELECT l.id FROM {t} l WHERE l.id = (SELECT id FROM pick) AND l.status = 'waiting' "
           f"FOR UPDATE SKIP LOCKED){gate} RETURNING id), "
           f"serving AS (UPDATE {w} SET state = 'serving', state_since = %s WHERE id = %s "
           f"AND state <> 'serving' AND EXISTS (SELECT 1 FROM claimed)) ")
    if finishing:
        return sql + ("SELECT pick.*, EXISTS (SELECT 1 FROM claimed), fin.* "
                      "FROM (SELECT 1) one LEFT JOIN pick ON TRUE LEFT JOIN fin ON TRUE")
    return sql + "SELECT pick.*, EXISTS (SELECT 1 FROM claimed) FROM pick"


def claim_next(window, day, bounds, staff_id, *, finish_at=None):
    """(the ticket the window calls next, claimed for it (status called), or None when none waits;
    the ticket finished on the way, or None).

    On PostgreSQL the same statement also marks the window 办理中 (when a ticket is claimed); the
    caller records that change without writing it again. ``finish_at`` (PostgreSQL, 下一位): first
    finish the window's serving ticket at that time, in the same statement; when it has none,
    nothing is finished nor claimed, and (None, None) comes back.
    """
    join = f"JOIN {Service._meta.db_table} sv ON sv.id = c.service_id"
    claim = [order._params(bounds.now)[0], window.pk, staff_id]
    taken_meanwhile, finished = [], None
    with prepared.cursor() as cur:
        for _attempt in range(MAX_PROBES):
            probe = order.probe_sql(len(taken_meanwhile), select=_SELECT, join=join)
            params = order.probe_params(window.pk, day, bounds, taken_meanwhile)
            if connection.vendor == "postgresql":
                finishing = finish_at is not None and finished is None
                before = order._params(finish_at, finish_at) + [window.pk, TicketStatus.SERVING] if finishing else []
                cur.execute(_claim_sql(probe, finishing=finishing), before + params + claim + [claim[0], window.pk])
                row = cur.fetchone()
                if finishing:
                    n = len(_TICKET_COLS) + len(_SERVICE_COLS) + 1
                    if row[n] is None:
                        return None, None
                    finished = _changed_from_row(row[n:], window)
                    row = row[:n] if row[0] is not None else None
                if row is None:
                    return None, finished
                if row[-1]:
                    return _from_row(row[:-1]), finished
            else:
                cur.execute(probe, params)
                row = cur.fetchone()
                if row is None:
                    return None, None
                cur.execute(f"UPDATE {Ticket._meta.db_table} SET {_CLAIM_SET} WHERE id = %s AND status = 'waiting'",
                            claim + [row[0]])
                if cur.rowcount == 1:
                    return _from_row(row), None
            taken_meanwhile.append(row[0])
    return None, finished


_RETURNING = ", ".join([f'"{c}"' for c in _TICKET_COLS] + [
    f'(SELECT sv."{c}" FROM {Service._meta.db_table} sv WHERE sv.id = {Ticket._meta.db_table}.service_id)'
    for c in ("code", "name", "prefix")])


def _current_sql(statuses: int) -> str:
    """The window's current ticket: its latest called one in the given statuses. Placeholders: the
    window, then the statuses."""
    t = Ticket._meta.db_table
    return (f"(SELECT id FROM {t} WHERE window_id = %s AND status IN ({', '.join(['%s'] * statuses)}) "
            f"ORDER BY called_at DESC LIMIT 1)")


def change_current(window, set_sql, params, statuses, *, unless="", unless_params=(), free_window_at=None):
    """Change the window's current ticket (the latest called one in ``statuses``) and read it back,
    in one statement; None when there is none (or ``unless`` holds for it).

    The window's row lock, taken first by every action on it, serialises changes to its ticket, so
    nothing else can change it between the lock and this statement. ``free_window_at``: on
    PostgreSQL, also mark the window 空闲 in the same statement (the caller records the event).
    """
    t, w = Ticket._meta.db_table, Window._meta.db_table
    sql = f"UPDATE {t} SET {set_sql} WHERE id = {_current_sql(len(statuses))}{unless} RETURNING {_RETURNING}"
    args = [*params, window.pk, *statuses, *unless_params]
    if free_window_at is not None and connection.vendor == "postgresql":
        sql = f"WITH w AS (UPDATE {w} SET state = 'open', state_since = %s WHERE id = %s) {sql}"
        args = [order._params(free_window_at)[0], window.pk, *args]
    with prepared.cursor() as cur:
        cur.execute(sql, order._params(*args))
        row = cur.fetchone()
    return None if row is None else _changed_from_row(row, window)


def _changed_from_row(row, window):
    """A ticket read back by ``RETURNING {_RETURNING}``: its columns, then its matter's code, name, prefix."""
    n = len(_TICKET_COLS)
    ticket = Ticket.from_db(connection.alias, _TICKET_COLS, prepared.model_values(Ticket, row[:n]))
    ticket.service = Service.from_db(connection.alias, ["id", "code", "name", "prefix"], [ticket.service_id, *row[n:]])
    ticket.window = window
    return ticket
