"""Throttled state frames (waiting counts, load, people ahead): at most one per interval per socket.

Hall-wide state is computed once per process for every socket whose events it covers, so 500 hall
screens cost one query set per refresh, not 500.
"""

import asyncio
import logging
import time
import weakref

from channels.db import database_sync_to_async

from hallops.sockets import SharedFrame

log = logging.getLogger(__name__)

_shared_state = weakref.WeakKeyDictionary()  # event loop -> {(key, hall_id): _Shared}


class _Shared:
    """One computation of a hall-wide state, and the frames built from it (one per stream kind)."""

    __slots__ = ("seq", "future", "frames")

    def __init__(self, seq, future):
        self.seq, self.future, self.frames = seq, future, {}


def _entry(hall_id, key, seen_seq, fn) -> _Shared:
    pending = _shared_state.setdefault(asyncio.get_running_loop(), {})
    key = (key, hall_id)
    entry = pending.get(key)
    if entry is None or entry.seq < seen_seq:
        entry = pending[key] = _Shared(seen_seq, asyncio.ensure_future(database_sync_to_async(fn)()))
    return entry


async def shared_frame(stream, key, seen_seq):
    """The stream's refresh frame from a state computed once for every socket of this process whose
    events it covers; the frame is built once per kind of stream, a SharedFrame, so that 500 screens
    send one encoding (and on daphne one framing, consumers/direct.py).

    A computation started after a socket processed its last event (seen_seq) includes that event,
    so the socket may reuse it; otherwise it starts a new one.
    """
    entry = _entry(stream.hall_id, key, seen_seq, stream.refresh_state)
    state = await asyncio.shield(entry.future)
    try:
        return entry.frames[stream.name]
    except KeyError:
        frame = stream.refresh_frame(state)
        frame = entry.frames[stream.name] = None if frame is None else SharedFrame(frame)
        return frame


class Throttle:
    """Calls `produce()` (async, -> frame or None) at most once per `interval` after a poke; sends the frame."""

    def __init__(self, interval, produce, send, label):
        self.interval, self.produce, self.send, self.label = interval, produce, send, label
        self._task = None
        self._at = 0.0

    def poke(self):
        if self._task is not None and not self._task.done():
            return
        delay = max(0.0, self._at + self.interval - time.monotonic())
        self._task = asyncio.ensure_future(self._later(delay))

    async def _later(self, delay):
        await asyncio.sleep(delay)
        self._at = time.monotonic()
        try:
            frame = await self.produce()
        except Exception:
            log.exception("refreshing %s failed", self.label)
            return
        if frame is not None:
            await self.send(frame)

    def cancel(self):
        if self._task is not None:
            self._task.cancel()
