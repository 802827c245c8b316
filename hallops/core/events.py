"""Hall events: record in the transaction, publish after commit.

Every state change appends one HallEvent with the next number of its hall. The number
comes from a single-row counter updated in the same transaction, so the sequence has no
gaps and follows commit order. Publishing happens only after commit: a screen never sees
a change that was rolled back, and a screen that missed a message replays it from the log.
"""

import asyncio
import json
import logging
import os
import threading
from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from asgiref.sync import SyncToAsync, async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import connection, transaction

from . import event_schema, prepared
from .clock import now as clock_now
from .models import EventSequence, HallEvent

log = logging.getLogger(__name__)


def hall_group(hall_id) -> str:
    return f"hall-{hall_id}"


# Events recorded inside ``batch()`` wait here and are written together when it ends.
_pending: ContextVar[list | None] = ContextVar("hallops_pending_events", default=None)
_scratch: ContextVar[dict | None] = ContextVar("hallops_event_scratch", default=None)


@contextmanager
def batch():
    """Write every event an action records in one go at the end of the block.

    An action that records two or three events (a call that finishes the current ticket, changes
    the window's state and announces the number) then takes the hall's sequence row once, for
    the shortest time, in one statement on PostgreSQL. Use it inside the action's transaction.
    Nested blocks join the outer one.
    """
    if _pending.get() is not None:
        yield
        return
    pending, shared = [], {}
    token, scratch = _pending.set(pending), _scratch.set(shared)
    try:
        yield
        riders = [rider for flush in _flushes if (rider := flush(shared)) is not None]
        _write(pending, riders)
        outbox = shared.get(_OUTBOX)
        if outbox:
            transaction.on_commit(lambda: _send_all(outbox))
    finally:
        _pending.reset(token)
        _scratch.reset(scratch)


def _next_seq(hall_id) -> int:
    """Take the hall's next number by itself (tests log events that were never published)."""
    table = EventSequence._meta.db_table
    with connection.cursor() as cur:
        cur.execute(f"INSERT INTO {table} (hall_id, last) VALUES (%s, 1) "
                    f"ON CONFLICT (hall_id) DO UPDATE SET last = {table}.last + 1 RETURNING last", [hall_id])
        return cur.fetchone()[0]


def scratch() -> dict:
    """A dict that lives as long as the current batch: effect handlers cache their lookups in it
    (e.g. a window's devices, read once for the events of one action) or gather work for their
    ``on_flush``. Empty outside a batch."""
    current = _scratch.get()
    return current if current is not None else {}


@dataclass
class Rider:
    """Writes an effect sends with the action's events on PostgreSQL (``on_flush``): its ``ctes``
    ("name AS (…), …", names of its own) run in the events' statement, and ``then`` gets the value
    of ``returning`` (a scalar SQL expression over them) — one round trip for both. Alone (an
    action with no event) they run in a statement of their own."""

    ctes: str
    params: list
    returning: str
    then: Callable[[object], None]


def _ride_alone(riders) -> None:
    for rider in riders:
        with prepared.cursor() as cur:
            cur.execute(f"WITH {rider.ctes} SELECT {rider.returning}", rider.params)
            rider.then(cur.fetchone()[0])


def _write(pending, riders=()) -> None:
    by_hall = {}
    for event in pending:
        by_hall.setdefault(event.hall_id, []).append(event)
    if not by_hall:
        _ride_alone(riders)
    for hall_id, evs in by_hall.items():
        last = _append(hall_id, evs, riders)
        riders = ()
        for k, event in enumerate(evs):
            event.seq = last - len(evs) + 1 + k
        publish_all(hall_id, [event.as_message() for event in evs])


def _append(hall_id, evs, riders=()) -> int:
    """Bump the hall's sequence by len(evs) and insert the events; returns the new last number.

    The sequence row stays locked until commit and every change in the hall queues on it, which
    is why it is taken last. PostgreSQL does both in one statement, with the riders' writes;
    SQLite (one writer at a time) in two, and has no riders.
    """
    seq_table, table, n = EventSequence._meta.db_table, HallEvent._meta.db_table, len(evs)
    upsert = (f"INSERT INTO {seq_table} (hall_id, last) VALUES (%s, %s) "
              f"ON CONFLICT (hall_id) DO UPDATE SET last = {seq_table}.last + %s RETURNING last")
    with prepared.cursor() as cur:
        if connection.vendor == "postgresql":
            rows = ", ".join(["(%s, %s, %s::jsonb, %s, %s::timestamptz)"] * n)
            params = [p for r in riders for p in r.params] + [hall_id, n, n, hall_id, n]
            for k, e in enumerate(evs, 1):
                params += [k, e.type, json.dumps(e.payload), e.actor, e.created_at]
            cur.execute(
                f"WITH {''.join(r.ctes + ', ' for r in riders)}s AS ({upsert}) "
                f"INSERT INTO {table} (hall_id, seq, type, payload, actor, created_at) "
                f"SELECT %s, s.last - %s + v.k, v.type, v.payload, v.actor, v.created_at "
                f"FROM s, (VALUES {rows}) AS v(k, type, payload, actor, created_at) "
                f"RETURNING seq{''.join(', ' + r.returning for r in riders)}",
                params,
            )
            got = cur.fetchall()
            for i, rider in enumerate(riders, 1):
                rider.then(got[0][i])
            return max(r[0] for r in got)
        if riders:
            raise RuntimeError("riders are for PostgreSQL")
        cur.execute(upsert, [hall_id, n, n])
        last = cur.fetchone()[0]
    for k, e in enumerate(evs):
        e.seq = last - n + 1 + k
    HallEvent.objects.bulk_create(evs)
    return last


# Same-transaction side effects by event type (e.g. hallops.devices.adapters queues a display command for
# "ticket.called"), so the effect commits or rolls back with the state change. Subscribers own
# their rules; the core only calls them.
_effects: dict[str, list] = {}


_flushes: list = []


def on_record(type: str, handler) -> None:
    """Call ``handler(event, actor)`` inside the transaction of every recorded event of ``type``."""
    if handler not in _effects.setdefault(type, []):
        _effects[type].append(handler)


def on_flush(handler) -> None:
    """Call ``handler(scratch)`` when a batch ends, before its events are written, in its
    transaction: effects that gathered work in ``scratch()`` during the action do it in one go,
    by themselves or, returning a ``Rider``, in the events' own statement."""
    if handler not in _flushes:
        _flushes.append(handler)


def record(hall_id, type: str, payload: dict, actor=None, at=None, subject=None) -> HallEvent:
    """Append an event to the hall's log; must run inside the state change's transaction.

    Inside ``batch()`` the event is written when the batch ends (its ``seq`` is set then);
    otherwise at once. ``subject``, the model the event is about as the action holds it, is handed
    to the effect handlers as ``event.subject`` (not stored), so they need not read it again.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record() must run inside the transaction of the state change")
    check_payload(type, payload)
    event = HallEvent(hall_id=hall_id, type=type, payload=payload, actor=str(actor or "")[:80],
                      created_at=at or clock_now())
    event.subject = subject
    with batch():
        for handler in _effects.get(type, ()):
            handler(event, actor)
        _pending.get().append(event)
    return event


def check_payload(type: str, payload: dict) -> None:
    """Check the payload against its schema (hallops.core.event_schema).

    Always checked (a few microseconds, see bench/events.py). Under tests and DEBUG
    (HALLOPS_STRICT_EVENTS) a mismatch raises and the action rolls back; in production it is
    logged and the event is recorded anyway: screens ignore what they do not know, and a
    misshapen field must not stop a hall from calling.
    """
    try:
        event_schema.check(type, payload)
    except event_schema.EventSchemaError:
        if settings.HALLOPS["STRICT_EVENTS"]:
            raise
        log.exception("hall event %s recorded with a payload that does not match its schema", type)


# Under daphne, a view runs in a thread of the server's (sync_to_async), and its sends are handed to
# the server's event loop and its Redis pool (run_layer), unless the layer sends blocking (Redis,
# _send_all). A thread that works for no event loop (a gunicorn gthread worker, hallops.wsgi; a
# management command such as the patrol agent or a sweep) has none: asgiref's async_to_sync would
# start a thread and a loop for every send, and channels_redis, whose pool belongs to one loop, would
# open a Redis connection for it and close it with the loop (one TCP connect per event, about 18 ms
# of the thread each instead of 2 on the 2-core bench box). Such a thread keeps one loop for its life
# instead, and with it one pooled connection.
_thread = threading.local()


def _server_loop():
    """The event loop this thread works for, as asgiref finds it, or None."""
    if getattr(SyncToAsync.threadlocal, "main_event_loop_pid", None) != os.getpid():
        return None
    return getattr(SyncToAsync.threadlocal, "main_event_loop", None)


def run_layer(send, *args) -> None:
    """Run a channel layer call (group_send, send) from synchronous code, to its end.

    In a server's thread it runs on the server's loop (async_to_sync), and the view waits for it.
    Handing it over without waiting was measured (docs/performance.md): the reply came a little
    sooner, but under 14 windows calling back to back the sends queued behind the server's HTTP
    work and screens fell seconds behind; waiting keeps the calls paced by what Redis takes.
    Elsewhere the call runs on the thread's own loop.
    """
    if _server_loop() is not None:
        async_to_sync(send)(*args)
        return
    loop = getattr(_thread, "loop", None)
    if loop is None or loop.is_closed():
        loop = _thread.loop = asyncio.new_event_loop()
    loop.run_until_complete(send(*args))


def publish_all(hall_id, messages: list[dict]) -> None:
    """Send one action's events to the hall's group after commit, in one message: a call that
    finishes the current ticket records three, and each group_send is several Redis round trips. A
    lone event goes as "hall.event", several in order as "hall.events" (displays.consumers.fanout
    takes both). A lost publish is recovered by clients resuming with ?since=."""
    if not messages:
        return
    body = ({"type": "hall.event", "event": messages[0]} if len(messages) == 1
            else {"type": "hall.events", "events": messages})
    send_after_commit(hall_group(hall_id), body, f"events {[m.get('seq') for m in messages]} of hall {hall_id}")


_OUTBOX = "outbox"


def send_after_commit(group: str, message: dict, what: str) -> None:
    """``group_send`` once the transaction commits; dropped if it rolls back.

    Inside a batch every send of the action waits for its end and they go together: on Redis in
    two round trips from the view's own thread (``RedisChannelLayer.group_send_blocking``),
    otherwise in one hop to the event loop (``run_layer``). An action that drives a gateway sends
    twice (the hall's events, the gateway's commands). The same message to the same group goes
    once per action (a gateway told of each of its new commands hears once). A failed send is
    logged; the others still go.
    """
    if _pending.get() is not None:
        outbox = scratch().setdefault(_OUTBOX, [])
        if not any(g == group and m == message for g, m, _ in outbox):
            outbox.append((group, message, what))
        return
    transaction.on_commit(lambda: _send_all([(group, message, what)]))


def _send_all(sends) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    blocking = getattr(layer, "group_send_blocking", None)
    if blocking is not None and not _in_event_loop():
        # Redis: from this thread, on a blocking connection, without a hop to the event loop
        # (hallops.redis_layer says what that costs). The view still waits for the send.
        pairs = [(group, message) for group, message, _ in sends]  # unique: the outbox dedupes them
        for send, exc in blocking(pairs):
            log.error("sending %s failed", sends[pairs.index(send)][2], exc_info=exc)
        return

    async def one(group, message, what):
        try:
            await layer.group_send(group, message)
        except Exception:
            log.exception("sending %s failed", what)

    async def every():
        # At once: a group gets one message per action (its hall's events; each gateway its
        # notice), so there is no order between them to keep, and their Redis round trips overlap.
        await asyncio.gather(*(one(*send) for send in sends))

    run_layer(every)


def _in_event_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def events_since(hall_id, since: int, limit: int = 500):
    return list(HallEvent.objects.filter(hall_id=hall_id, seq__gt=since).order_by("seq")[:limit])


_LAST_SEQ = prepared.Prepared(
    lambda hall_id: EventSequence.objects.filter(hall_id=hall_id).order_by().values_list("last")[:1])


def last_seq(hall_id) -> int:
    row = _LAST_SEQ.first(hall_id=int(hall_id))
    return row[0] if row else 0
