"""Hall events: record in the transaction, publish after commit.

Every state change appends one HallEvent with the next number of its hall. The number
comes from a single-row counter updated in the same transaction, so the sequence has no
gaps and follows commit order. Publishing happens only after commit: a screen never sees
a change that was rolled back, and a screen that missed a message replays it from the log.
"""

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import connection, transaction

from . import event_schema
from .clock import now as clock_now
from .models import EventSequence, HallEvent

log = logging.getLogger(__name__)


def hall_group(hall_id) -> str:
    return f"hall-{hall_id}"


def _next_seq(hall_id) -> int:
    table = EventSequence._meta.db_table
    with connection.cursor() as cur:
        # One statement: take the row lock, bump, and read the new value (PostgreSQL, SQLite ≥ 3.35).
        cur.execute(
            f"INSERT INTO {table} (hall_id, last) VALUES (%s, 1) "
            f"ON CONFLICT (hall_id) DO UPDATE SET last = {table}.last + 1 RETURNING last",
            [hall_id],
        )
        return cur.fetchone()[0]


# Same-transaction side effects by event type (e.g. hallops.devices.adapters queues a display command for
# "ticket.called"), so the effect commits or rolls back with the state change. Subscribers own
# their rules; the core only calls them.
_effects: dict[str, list] = {}


def on_record(type: str, handler) -> None:
    """Call ``handler(event, actor)`` inside the transaction of every recorded event of ``type``."""
    if handler not in _effects.setdefault(type, []):
        _effects[type].append(handler)


def record(hall_id, type: str, payload: dict, actor=None, at=None) -> HallEvent:
    """Append an event to the hall's log; must run inside the state change's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record() must run inside the transaction of the state change")
    check_payload(type, payload)
    event = HallEvent(hall_id=hall_id, type=type, payload=payload, actor=str(actor or "")[:80],
                      created_at=at or clock_now())
    for handler in _effects.get(type, ()):
        handler(event, actor)
    # The hall's sequence row stays locked until commit and every change in the hall queues on
    # it, so take it last: side effects above run before, not while holding it.
    event.seq = _next_seq(hall_id)
    event.save(force_insert=True)
    message = event.as_message()
    transaction.on_commit(lambda: publish(hall_id, message))
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


def publish(hall_id, message: dict) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(hall_group(hall_id), {"type": "hall.event", "event": message})
    except Exception:  # a lost publish is recovered by clients resuming with ?since=
        log.exception("publishing event %s of hall %s failed", message.get("seq"), hall_id)


def events_since(hall_id, since: int, limit: int = 500):
    return list(HallEvent.objects.filter(hall_id=hall_id, seq__gt=since).order_by("seq")[:limit])


def last_seq(hall_id) -> int:
    return EventSequence.objects.filter(hall_id=hall_id).values_list("last", flat=True).first() or 0
