"""The statements that take and change a window's tickets: one round trip each where PostgreSQL allows.

``claim_next`` chooses the ticket a window calls next (hallops.core.order's probe) and claims
it; on PostgreSQL in the same statement it locks only the chosen row (the first of the queues'
first few, in call order, that no other window holds: ``FOR UPDATE SKIP LOCKED``), marks the
window 办理中 and, for 下一位, first finishes the ticket being served. ``change_current``
changes the window's current ticket and reads it back. SQLite, which has no data-modifying WITH and
serialises writers anyway, takes a statement or two more. The actions in calls.py say what to do;
this says how in SQL.

One lock can still outlive the choice: a ticket another window took and committed after the claim's
statement began is locked when tried (PostgreSQL follows the update to the row's new version) and
then passed over, and stays locked until this transaction ends. Trying the candidates in one
statement keeps that window as short as the statement; probing the heads alone, as before, made
windows alike lose the head to each other several times a call under 14 windows.
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
# PostgreSQL: the first this many of each queue are the candidates one claim tries to lock, in call
# order; when other windows hold them all, the next probe reads twice as deep.
CLAIM_DEPTH = 2
MAX_DEPTH = 64


def _from_row(row):
    n = len(_TICKET_COLS)
    ticket = Ticket.from_db(connection.alias, _TICKET_COLS, prepared.model_values(Ticket, row[:n]))
    ticket.service = Service.from_db(connection.alias, _SERVICE_COLS,
                                     prepared.model_values(Service, row[n:n + len(_SERVICE_COLS)]))
    return ticket


def _claim_sql(ctes, *, finishing=False):
    """PostgreSQL: choose and lock (``ctes``, ending in ``pick``: hallops.core.order.first_free_ctes),
    claim, and mark the window 办理中, in one statement. ``finishing`` (下一位): the same statement
    first finishes the window's serving ticket and chooses only if there was one; its row comes
    after the chosen one's. Then whether any queue had a ticket at all (when none could be taken,
    the window looks deeper)."""
    t, w = Ticket._meta.db_table, Window._meta.db_table
    fin = ""
    if finishing:
        fin = f"fin AS (UPDATE {t} SET {FINISH_SET} WHERE id = {_current_sql(1)} RETURNING {_RETURNING}), "
    sql = (f"WITH {fin}{ctes}, "
           f"claimed AS (UPDATE {t} SET {_CLAIM_SET} WHERE id = (SELECT id FROM pick) RETURNING id), "
           f"serving AS (UPDATE {w} SET state = 'serving', state_since = %s WHERE id = %s "
           f"AND state <> 'serving' AND EXISTS (SELECT 1 FROM claimed)) "
           f"SELECT pick.*, EXISTS (SELECT 1 FROM claimed), EXISTS (SELECT 1 FROM cand WHERE id IS NOT NULL)")
    if finishing:
        return sql + ", fin.* FROM (SELECT 1) one LEFT JOIN pick ON TRUE LEFT JOIN fin ON TRUE"
    return sql + " FROM (SELECT 1) one LEFT JOIN pick ON TRUE"


def claim_next(window, day, bounds, staff_id, *, finish_at=None):
    """(the ticket the window calls next, claimed for it (status called), or None when none waits;
    the ticket finished on the way, or None).

    On PostgreSQL the same statement also marks the window 办理中 (when a ticket is claimed); the
    caller records that change without writing it again. ``finish_at`` (PostgreSQL, 下一位): first
    finish the window's serving ticket at that time, in the same statement; when it has none,
    nothing is finished nor claimed, and (None, None) comes back.
    """
    if connection.vendor == "postgresql":
        return _claim_on_postgresql(window, day, bounds, staff_id, finish_at)
    join = f"JOIN {Service._meta.db_table} sv ON sv.id = c.service_id"
    claim = [order._params(bounds.now)[0], window.pk, staff_id]
    taken_meanwhile = []
    with prepared.cursor() as cur:
        for _attempt in range(MAX_PROBES):
            cur.execute(order.probe_sql(len(taken_meanwhile), select=_SELECT, join=join),
                        order.probe_params(window.pk, day, bounds, taken_meanwhile))
            row = cur.fetchone()
            if row is None:
                return None, None
            cur.execute(f"UPDATE {Ticket._meta.db_table} SET {_CLAIM_SET} WHERE id = %s AND status = 'waiting'",
                        claim + [row[0]])
            if cur.rowcount == 1:
                return _from_row(row), None
            taken_meanwhile.append(row[0])
    return None, None


def _claim_on_postgresql(window, day, bounds, staff_id, finish_at):
    join = f"JOIN {Service._meta.db_table} sv ON sv.id = c.service_id"
    claim = [order._params(bounds.now)[0], window.pk, staff_id]
    n = len(_TICKET_COLS) + len(_SERVICE_COLS)
    finished, depth = None, CLAIM_DEPTH
    with prepared.cursor() as cur:
        for _attempt in range(MAX_PROBES):
            finishing = finish_at is not None and finished is None
            gate = " AND EXISTS (SELECT 1 FROM fin)" if finishing else ""
            ctes = order.first_free_ctes(depth, select=_SELECT, join=join, where=gate)
            before = order._params(finish_at, finish_at) + [window.pk, TicketStatus.SERVING] if finishing else []
            cur.execute(_claim_sql(ctes, finishing=finishing),
                        [*before, *order.first_free_params(window.pk, day, bounds, depth), *claim, claim[0], window.pk])
            row = cur.fetchone()
            if finishing:
                if row[n + 2] is None:
                    return None, None
                finished = _changed_from_row(row[n + 2:], window)
            if row[0] is not None and row[n]:
                return _from_row(row[:n]), finished
            if not row[n + 1]:
                return None, finished
            # Other windows hold every candidate up to where the order allows this window to go.
            depth = min(depth * 2, MAX_DEPTH)
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
