"""Hall events to the sockets of this process: one subscription per hall, gaps replayed from the log.

Order and no loss: events are published after commit from many threads and processes, so group
messages can arrive out of order, twice, or not at all (channels_redis drops past its capacity).
Each socket's Follower remembers the last seq it processed; an older or repeated seq is dropped,
and a seq that jumps ahead first replays the missing ones from the HallEvent log. A socket joins
before its snapshot is read, so whatever commits after the snapshot waits in its inbox, and the
seq check drops what the snapshot already includes.

Out of order is the rule under load, not the exception: windows in several processes commit one
after another but publish from their own threads. An event that jumps ahead waits up to REORDER_S
in the fan-out for the ones before it, so the sockets get them in order from memory; only a gap
still open after that is read from the log (once per process).
"""

import asyncio
import logging
import weakref

from channels.db import database_sync_to_async
from django.conf import settings

from hallops.core import events
from hallops.sockets import SharedFrame

log = logging.getLogger(__name__)

REPLAYS_KEPT = 64
REORDER_S = 0.05  # how long an event waits in the fan-out for the ones published before it


def db(fn):
    return database_sync_to_async(fn)


class _Fanout:
    """One channel-layer subscription per hall per process; its sockets get each event from it.

    With channels_redis every group member is a Redis list the layer pushes to and a socket polls;
    500 screens made 500 pushes and 500 receives per call. One member per process, fanning out in
    memory, makes that one of each.

    Group membership lives in Redis: a Redis restart forgets it (and channels_redis expires it after
    a day), and a member that is not re-added never hears of the hall again. So the fan-out re-adds
    itself every REJOIN_S, and after any failure it reads what it missed from the event log and hands
    that to its followers, which drop what they already have by seq.
    """

    REJOIN_S = 2.0

    def __init__(self, hall_id):
        self.hall_id = hall_id
        self.followers = set()
        self.started = None
        self.last_seq = 0  # every event up to here has been handed to the followers
        self.held = {}  # seq -> (event, its action) that came before one of its predecessors
        self.flush_timer = None
        self.missed = False

    async def _start(self, layer):
        self.layer = layer
        self.channel = await layer.new_channel()
        await layer.group_add(events.hall_group(self.hall_id), self.channel)
        self.last_seq = await db(events.last_seq)(self.hall_id)
        self.task = asyncio.ensure_future(self._run())
        self.keeper = asyncio.ensure_future(self._keep_joined())

    def _deliver(self, events, action=None):
        """Hand over `events` (in seq order) and whatever held events they release, as one batch:
        each socket wakes once per action, not once per event (a 下一位 publishes three)."""
        ready = []
        for event in events:
            seq = event.get("seq") or 0
            if seq > self.last_seq + 1:
                self.held[seq] = (event, action)
                continue
            ready.append(self._shared(event, action))
            while self.last_seq + 1 in self.held:
                ready.append(self._shared(*self.held.pop(self.last_seq + 1)))
        if self.held and self.flush_timer is None:
            self.flush_timer = asyncio.get_running_loop().call_later(REORDER_S, self._flush_held)
        elif not self.held and self.flush_timer is not None:
            self.flush_timer.cancel()
            self.flush_timer = None
        self._hand_over(ready)

    def _flush_held(self):
        """The gap did not fill in time (a lost message): hand over what came; followers read the gap."""
        self.flush_timer = None
        held, self.held = self.held, {}
        self._hand_over([self._shared(*held[seq]) for seq in sorted(held)])

    def _shared(self, event, action):
        # Late or repeated events go too: a follower that joined after the fan-out started may still
        # need one, and each follower drops what it has by seq.
        self.last_seq = max(self.last_seq, event.get("seq") or 0)
        frame = SharedFrame(event)
        frame.action = action
        return frame

    def _hand_over(self, frames):
        if not frames:
            return
        batch = tuple(frames)
        for follower in list(self.followers):
            follower.inbox.put_nowait(batch)

    async def _run(self):
        while True:
            try:
                message = await self.layer.receive(self.channel)
            except asyncio.CancelledError:
                raise
            except Exception:  # Redis away: _keep_joined rejoins and catches up once it is back
                if not self.missed:
                    log.warning("hall %s fan-out receive failed; rejoining", self.hall_id, exc_info=True)
                self.missed = True
                await asyncio.sleep(0.5)
                continue
            if message.get("type") == "hall.event":
                self._deliver([message["event"]])
            elif message.get("type") == "hall.events":  # one action's events, in order
                action = tuple(message["events"])
                self._deliver(action, action)

    async def _keep_joined(self):
        while True:
            await asyncio.sleep(self.REJOIN_S)
            try:
                await self.layer.group_add(events.hall_group(self.hall_id), self.channel)
            except asyncio.CancelledError:
                raise
            except Exception:
                self.missed = True
                continue
            if self.missed:
                await self._catch_up()

    async def _catch_up(self):
        """Events published while the subscription was away, from the log; nothing is lost."""
        try:
            missed = await db(replay)(self.hall_id, self.last_seq)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("hall %s fan-out catch-up failed", self.hall_id)
            return
        self.missed = False
        self._deliver(missed)

    async def join(self, follower, layer):
        if self.started is not None and self.started.done() and not self.started.cancelled() \
                and self.started.exception() is not None:
            self.started = None  # Redis was away when the first socket came: try again now
        if self.started is None:
            self.started = asyncio.ensure_future(self._start(layer))
        await asyncio.shield(self.started)
        self.followers.add(follower)

    async def leave(self, follower):
        self.followers.discard(follower)
        if not self.followers and self.started is not None and self.started.done() \
                and not self.started.cancelled() and self.started.exception() is None:
            _fanouts.get(asyncio.get_running_loop(), {}).pop(self.hall_id, None)
            self.task.cancel()
            self.keeper.cancel()
            if self.flush_timer is not None:
                self.flush_timer.cancel()
            try:
                await self.layer.group_discard(events.hall_group(self.hall_id), self.channel)
            except Exception:  # Redis away: the membership goes with it
                log.warning("hall %s fan-out could not leave its group", self.hall_id, exc_info=True)


_fanouts = weakref.WeakKeyDictionary()  # event loop -> {hall_id: _Fanout}
# Likewise the replays of a gap: every screen of a process misses the same messages at once.
_replays = weakref.WeakKeyDictionary()


def fanout(hall_id) -> _Fanout:
    halls = _fanouts.setdefault(asyncio.get_running_loop(), {})
    if hall_id not in halls:
        halls[hall_id] = _Fanout(hall_id)
    return halls[hall_id]


def replay(hall_id, after: int, upto: int | None = None) -> list[dict]:
    """Events after `after` (up to `upto` inclusive), from the log, as messages."""
    out = []
    while True:
        batch = events.events_since(hall_id, after)
        for e in batch:
            if upto is not None and e.seq > upto:
                return out
            out.append(e.as_message())
        if len(batch) < 500:
            return out
        after = batch[-1].seq


async def replay_shared(hall_id, after: int, upto: int):
    """replay() of a closed range; the log never changes below a seq that has arrived, so it can be kept."""
    pending = _replays.setdefault(asyncio.get_running_loop(), {})
    key = (hall_id, after, upto)
    if key not in pending:
        pending[key] = asyncio.ensure_future(db(_shared_replay)(hall_id, after, upto))
        while len(pending) > REPLAYS_KEPT:
            pending.pop(next(iter(pending)))
    return await asyncio.shield(pending[key])


def _shared_replay(hall_id, after, upto):
    return [SharedFrame(event) for event in replay(hall_id, after, upto)]


def resumable(hall_id, since):
    """(last_seq, missed events) when `since` can be resumed, else None (send a fresh snapshot)."""
    head = events.last_seq(hall_id)
    if since < 0 or since > head or since < head - settings.HALLOPS["RESUME_MAX_EVENTS"]:
        return None
    return head, replay(hall_id, since)


class Follower:
    """One socket's place in its hall's event stream: each event once, in seq order, gaps filled.

    `emit(event)` (async) is called for every event in order; it is the socket's business what to send.
    """

    def __init__(self, hall_id, emit):
        self.hall_id, self.emit = hall_id, emit
        self.last_seq = 0
        self.inbox = asyncio.Queue()
        self._lock = asyncio.Lock()
        self._pump = None
        self.joined = False

    async def join(self, layer):
        await fanout(self.hall_id).join(self, layer)
        self.joined = True

    def start(self, name):
        self._pump = asyncio.ensure_future(self._run(name))

    async def _run(self, name):
        while True:
            for event in await self.inbox.get():  # one action's events (the fan-out's batch)
                try:
                    await self.deliver(event)
                except asyncio.CancelledError:
                    raise
                except Exception:
                    log.exception("%s socket of hall %s failed on event %s", name, self.hall_id, event.get("seq"))

    async def deliver(self, event):
        if event["seq"] <= self.last_seq:
            return  # already sent (or included in the snapshot)
        async with self._lock:
            if event["seq"] > self.last_seq + 1:
                for missed in await replay_shared(self.hall_id, self.last_seq, event["seq"] - 1):
                    await self._emit(missed)
            await self._emit(event)

    async def replay(self, missed):
        for event in missed:
            await self._emit(event)

    async def _emit(self, event):
        if event["seq"] <= self.last_seq:
            return
        self.last_seq = event["seq"]
        await self.emit(event)

    async def catch_up(self):
        """Recover events lost at the tail (nothing later arrived to reveal the gap)."""
        if await db(events.last_seq)(self.hall_id) > self.last_seq:
            async with self._lock:
                for missed in await db(replay)(self.hall_id, self.last_seq, None):
                    await self._emit(missed)

    async def leave(self):
        if self._pump is not None:
            self._pump.cancel()
        if self.joined:
            self.joined = False
            await fanout(self.hall_id).leave(self)
