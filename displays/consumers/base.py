"""One hall event stream, many subscribers: the part every live socket shares.

Order and no loss: events are published after commit from many threads and processes, so group
messages can arrive out of order, twice, or not at all (channels_redis drops past its capacity).
Each socket remembers the last seq it processed; an older or repeated seq is dropped, and a seq
that jumps ahead first replays the missing ones from the HallEvent log. The snapshot is read after
joining the hall's fan-out, so whatever is committed after the snapshot reaches the socket; events
that arrive while the snapshot is built wait in the socket's inbox, and the seq check drops those
the snapshot already includes. Each process holds one channel-layer subscription per hall and fans
events out to its sockets in memory (_Fanout).
"""

import asyncio
import json
import logging
import time
import weakref
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from hallops.core import events
from hallops.core.authn import actor_from_scope
from hallops.core.errors import Forbidden, HallopsError, Invalid, NotFound, Unauthorized
from hallops.core.models import Device, Hall, Window

log = logging.getLogger(__name__)

CLOSE_CODES = {Unauthorized: 4401, Forbidden: 4403, NotFound: 4404}

# Every action any stream accepts; naming one on a stream that does not take it is "forbidden",
# anything else is "unknown_action".
ALL_ACTIONS = frozenset({
    "call_next", "recall", "skip", "start", "finish", "transfer", "call_number", "pause", "resume", "open",
    "close", "sign_in", "sign_out", "requeue", "evaluate",
})


def db(fn):
    return database_sync_to_async(fn)


# Per event loop (one per process in daphne): hall-wide state being computed, shared by the sockets
# of the process so 500 hall screens cost one query set per refresh, not 500.
_shared_state = weakref.WeakKeyDictionary()
# Likewise the replays of a gap: every screen of a process misses the same messages at once.
_replays = weakref.WeakKeyDictionary()
REPLAYS_KEPT = 64


async def replay_shared(hall_id, after: int, upto: int):
    """replay() of a closed range; the log never changes below a seq that has arrived, so it can be kept."""
    pending = _replays.setdefault(asyncio.get_running_loop(), {})
    key = (hall_id, after, upto)
    if key not in pending:
        pending[key] = asyncio.ensure_future(db(replay)(hall_id, after, upto))
        while len(pending) > REPLAYS_KEPT:
            pending.pop(next(iter(pending)))
    return await asyncio.shield(pending[key])


class _Fanout:
    """One channel-layer subscription per hall per process; its sockets get each event from it.

    With channels_redis every group member is a Redis list the layer pushes to and a socket polls;
    500 screens made 500 pushes and 500 receives per call. One member per process, fanning out in
    memory, makes that one of each.
    """

    def __init__(self, hall_id):
        self.hall_id = hall_id
        self.sockets = set()
        self.started = None

    async def _start(self, layer):
        self.layer = layer
        self.channel = await layer.new_channel()
        await layer.group_add(events.hall_group(self.hall_id), self.channel)
        self.task = asyncio.ensure_future(self._run())

    async def _run(self):
        while True:
            try:
                message = await self.layer.receive(self.channel)
            except asyncio.CancelledError:
                raise
            except Exception:  # Redis away: sockets catch up on ping or on the next event's gap
                log.exception("hall %s fan-out receive failed", self.hall_id)
                await asyncio.sleep(1)
                continue
            if message.get("type") == "hall.event":
                for socket in list(self.sockets):
                    socket.inbox.put_nowait(message["event"])

    async def join(self, socket, layer):
        if self.started is None:
            self.started = asyncio.ensure_future(self._start(layer))
        await asyncio.shield(self.started)
        self.sockets.add(socket)

    async def leave(self, socket):
        self.sockets.discard(socket)
        if not self.sockets and self.started is not None and self.started.done():
            _fanouts.get(asyncio.get_running_loop(), {}).pop(self.hall_id, None)
            self.task.cancel()
            await self.layer.group_discard(events.hall_group(self.hall_id), self.channel)


_fanouts = weakref.WeakKeyDictionary()  # event loop -> {hall_id: _Fanout}


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


def window_id_of(event):
    """The window an event is about, if any."""
    for key in ("window", "from", "ticket"):
        value = event.get(key)
        if isinstance(value, dict):
            if key == "window":
                return value.get("id")
            if isinstance(value.get("window"), dict):
                return value["window"].get("id")
    return None


def tickets_of(event) -> list[dict]:
    return [event[k] for k in ("from", "ticket") if isinstance(event.get(k), dict) and "service" in event[k]]


def hall_by_code(code) -> Hall:
    hall = Hall.objects.filter(code=code).first()
    if hall is None:
        raise NotFound(_("没有这个大厅"), code="hall_not_found")
    return hall


def window_of(hall, window_id) -> Window:
    window = Window.objects.select_related("hall", "zone", "staff__staff").filter(hall=hall, pk=window_id).first()
    if window is None:
        raise NotFound(_("本大厅没有这个窗口"), code="window_not_found")
    return window


class HallStreamConsumer(AsyncJsonWebsocketConsumer):
    """Authenticate, authorize, join the hall group, send a snapshot (or resume), then events in seq order.

    Subclasses set `kind` and implement:
      setup(actor) (sync, in a DB thread): load objects and authorize; raise HallopsError to refuse;
      snapshot() (sync): {"seq": N, ...};
      render(event) -> list of frames for one event (empty to filter it out);
      optionally `actions` {name: method(content) -> result dict} and refresh() for throttled frames.
    """

    kind = ""
    actions: dict = {}
    refresh_interval = 1.0  # seconds between throttled state frames

    hall_id = None
    last_seq = 0
    actor = None

    async def connect(self):
        await self.accept()
        self._refresh_task = None
        self._refresh_at = 0.0
        try:
            self.actor = await db(self._authenticate)()
        except HallopsError as e:
            await self.refuse(e)
            return
        # Join before reading the snapshot: what commits after it waits in the inbox, and the seq
        # check drops what the snapshot already includes.
        self.inbox = asyncio.Queue()
        self._emitting = asyncio.Lock()
        await fanout(self.hall_id).join(self, self.channel_layer)
        self.joined = True
        since = self._since()
        resumed = None
        if since is not None:
            resumed = await db(self._resume)(since)
        if resumed is None:
            snap = await db(self.snapshot)()
            self.last_seq = snap["seq"]
            await self.send_json({"type": "snapshot", "kind": self.kind, **snap})
        else:
            head, missed = resumed
            self.last_seq = since
            await self.send_json({"type": "resumed", "seq": since, "last_seq": head})
            for event in missed:
                await self._emit(event)
        self._pump = asyncio.ensure_future(self._pump_inbox())
        await self._device_health(True)

    async def _pump_inbox(self):
        while True:
            event = await self.inbox.get()
            try:
                await self.hall_event({"event": event})
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("%s socket of hall %s failed on event %s", self.kind, self.hall_id, event.get("seq"))

    def _authenticate(self):
        actor = actor_from_scope(self.scope)
        self.setup(actor)
        return actor

    def _since(self):
        raw = (parse_qs(self.scope.get("query_string", b"").decode()).get("since") or [None])[-1]
        try:
            return int(raw) if raw is not None else None
        except ValueError:
            return None

    def _resume(self, since):
        """(last_seq, missed events) when `since` can be resumed, else None (send a fresh snapshot)."""
        head = events.last_seq(self.hall_id)
        if since < 0 or since > head or since < head - settings.HALLOPS["RESUME_MAX_EVENTS"]:
            return None
        return head, replay(self.hall_id, since)

    async def refuse(self, error: HallopsError):
        await self.send_json({"type": "error", "error": error.code, "message": error.message})
        code = next((c for cls, c in CLOSE_CODES.items() if isinstance(error, cls)), 4400)
        await self.close(code=code)

    async def disconnect(self, code):
        task = getattr(self, "_refresh_task", None)
        if task is not None:
            task.cancel()
        pump = getattr(self, "_pump", None)
        if pump is not None:
            pump.cancel()
        if getattr(self, "joined", False):
            self.joined = False
            await fanout(self.hall_id).leave(self)
            await self._device_health(False)

    async def _device_health(self, online):
        """Browser devices (kiosk, hall screen, window screen, tablet pad) are online while connected.

        Kept on the Device row without a hall event: a screen's connection blinking is telemetry,
        and the dashboard's next load frame shows it (with the offline alert once it stays away).
        """
        device = self.actor.device if self.actor is not None else None
        if device is not None:
            fields = {"online": online, **({"last_seen": timezone.now()} if online else {})}
            try:
                await db(Device.objects.filter(pk=device.pk).update)(**fields)
            except Exception:  # health is advisory; the stream must not fail on it
                log.exception("recording the health of %s failed", device.name)

    # --- events from the hall group ----------------------------------------------------

    async def hall_event(self, message):
        event = message["event"]
        seq = event["seq"]
        if seq <= self.last_seq:
            return  # already sent (or included in the snapshot)
        async with self._emitting:
            if seq > self.last_seq + 1:
                for missed in await replay_shared(self.hall_id, self.last_seq, seq - 1):
                    await self._emit(missed)
            await self._emit(event)

    async def _emit(self, event):
        if event["seq"] <= self.last_seq:
            return
        self.last_seq = event["seq"]
        for frame in self.render(event):
            await self.send_json(frame)
        if self.wants_refresh(event):
            self._schedule_refresh()

    def render(self, event) -> list[dict]:
        return [event]

    def wants_refresh(self, event) -> bool:
        return False

    async def refresh(self):
        """A throttled state frame, or None."""
        return None

    async def shared(self, key, fn):
        """fn() (sync, DB) computed once for every socket of this process whose events it covers.

        A computation started after this socket processed its last event includes that event,
        so the socket may reuse it; otherwise it starts a new one.
        """
        pending = _shared_state.setdefault(asyncio.get_running_loop(), {})
        key = (key, self.hall_id)
        entry = pending.get(key)
        if entry is None or entry[0] < self.last_seq:
            entry = (self.last_seq, asyncio.ensure_future(db(fn)()))
            pending[key] = entry
        return await asyncio.shield(entry[1])

    def _schedule_refresh(self):
        if self._refresh_task is not None and not self._refresh_task.done():
            return
        delay = max(0.0, self._refresh_at + self.refresh_interval - time.monotonic())
        self._refresh_task = asyncio.ensure_future(self._refresh_later(delay))

    async def _refresh_later(self, delay):
        await asyncio.sleep(delay)
        self._refresh_at = time.monotonic()
        try:
            frame = await self.refresh()
        except Exception:
            log.exception("refreshing %s stream of hall %s failed", self.kind, self.hall_id)
            return
        if frame is not None:
            await self.send_json(frame)

    # --- frames from the client -------------------------------------------------------

    async def receive(self, text_data=None, bytes_data=None):
        try:
            content = json.loads(text_data if text_data is not None else bytes_data)
        except (TypeError, ValueError):
            await self.send_error(None, "bad_json", _("消息不是有效的 JSON"))
            return
        if not isinstance(content, dict):
            await self.send_error(None, "bad_json", _("消息须为 JSON 对象"))
            return
        await self.receive_json(content)

    async def receive_json(self, content, **kwargs):
        if not getattr(self, "joined", False):
            return  # refused; the close is on its way
        if content.get("type") == "ping":
            await self._catch_up()
            await self.send_json({"type": "pong", "seq": self.last_seq})
            return
        request_id = content.get("id")
        name = content.get("action")
        handler = self.actions.get(name) if isinstance(name, str) else None
        if handler is None:
            if name in ALL_ACTIONS:
                await self.send_error(request_id, "forbidden", _("此连接不能执行该操作"))
            else:
                await self.send_error(request_id, "unknown_action", _("未知操作"))
            return
        try:
            result = await db(getattr(self, handler))(content)
        except HallopsError as e:
            await self.send_error(request_id, e.code, e.message)
            return
        except Exception:
            log.exception("%s action %s failed", self.kind, name)
            await self.send_error(request_id, "server_error", _("服务器错误，请重试"))
            return
        await self.send_json({"type": "result", "id": request_id, "ok": True, **result})

    async def _catch_up(self):
        """Recover events lost at the tail (nothing later arrived to reveal the gap)."""
        if await db(events.last_seq)(self.hall_id) > self.last_seq:
            async with self._emitting:
                for missed in await db(replay)(self.hall_id, self.last_seq, None):
                    await self._emit(missed)

    async def send_error(self, request_id, code, message):
        frame = {"type": "error", "error": code, "message": str(message)}
        if request_id is not None:
            frame["id"] = request_id
        await self.send_json(frame)

    @classmethod
    async def encode_json(cls, content):
        return json.dumps(content, ensure_ascii=False, separators=(",", ":"))


def arg(content, name, kind=str, required=True):
    value = content.get(name)
    if value is None or value == "":
        if required:
            raise Invalid(_("缺少参数 %(a)s") % {"a": name}, code="bad_args")
        return None
    if kind is int:
        try:
            return int(value)
        except (TypeError, ValueError):
            raise Invalid(_("参数 %(a)s 须为整数") % {"a": name}, code="bad_args") from None
    if not isinstance(value, kind):
        raise Invalid(_("参数 %(a)s 类型不对") % {"a": name}, code="bad_args")
    return value
