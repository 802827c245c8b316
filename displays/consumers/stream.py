"""The one socket every hall stream uses: a short dispatcher over a declared StreamKind (displays.streams).

Connect: check the URL parameters, authenticate, let the kind authorize, join the hall's fan-out,
send a snapshot (or resume), then the hall's events in seq order as the kind renders them, and its
throttled state frames. Frames from the client pass hallops.sockets (bad input: an error frame,
never a close) and go to the kind's actions.
"""

import asyncio
import logging
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.utils.translation import gettext as _

from hallops.core.actors import Actor
from hallops.core.authn import actor_from_scope
from hallops.core.errors import HallopsError, NotFound
from hallops.ops.metrics import SOCKETS
from hallops.sockets import BadFrame, SharedFrame, close_code, encode, error_frame, parse_frame

from ..streams import KINDS
from . import presence, refresh
from .direct import direct_writer
from .fanout import Follower, resumable
from .refresh import Throttle

log = logging.getLogger(__name__)

# Every action any stream accepts; naming one on a stream that does not take it is "forbidden",
# anything else is "unknown_action".
ALL_ACTIONS = frozenset(name for kind in KINDS.values() for name in kind.actions)


def db(fn):
    return database_sync_to_async(fn)


class HallStreamConsumer(AsyncWebsocketConsumer):
    def __init__(self, kind, **kwargs):
        super().__init__(**kwargs)
        self.kind = kind
        self.stream = self.follower = self.throttle = None
        self.direct = None

    async def send_json(self, frame):
        if type(frame) is SharedFrame and self.direct is not None:
            self.direct.send(frame)  # framed once for every socket of the process (direct.py)
        else:
            await self.send(text_data=encode(frame))

    async def connect(self):
        await self.accept()
        self.direct = direct_writer(self.base_send)
        try:
            self.stream = await db(self._open)()
        except HallopsError as e:
            await self.send_json(error_frame(e.code, e.message))
            await self.close(code=close_code(e))
            return
        except Exception:
            log.exception("opening a %s stream failed", self.kind.name)
            await self.send_json(error_frame("server_error", _("服务器错误，请重试")))
            await self.close(code=1011)
            return
        stream = self.stream
        self.follower = Follower(stream.hall_id, self._emit)
        self.throttle = Throttle(stream.refresh_interval, self._refresh, self.send_json, stream.name)
        # Join before reading the snapshot: what commits after it waits in the inbox, and the seq
        # check drops what the snapshot already includes.
        await self.follower.join(self.channel_layer)
        since = self._since()
        resumed = await db(resumable)(stream.hall_id, since) if since is not None else None
        if resumed is None:
            snap = await db(stream.snapshot)()
            self.follower.last_seq = snap["seq"]
            await self.send_json({"type": "snapshot", "kind": stream.name, **snap})
        else:
            head, missed = resumed
            self.follower.last_seq = since
            await self.send_json({"type": "resumed", "seq": since, "last_seq": head})
            await self.follower.replay(missed)
        self.follower.start(stream.name)
        SOCKETS.labels(stream.name).inc()
        await presence.mark(stream.actor, True)

    def _open(self):
        """The kind's instance for this socket, authorized (in a DB thread)."""
        raw = self.scope["url_route"]["kwargs"]
        params = {name: convert(raw[name]) for name, convert in self.kind.parameters.items()}
        actor = Actor.anonymous() if self.kind.anonymous else actor_from_scope(self.scope)
        stream = self.kind(actor, **params)
        stream.authorize()
        return stream

    def _since(self):
        raw = (parse_qs(self.scope.get("query_string", b"").decode("latin-1")).get("since") or [None])[-1]
        try:
            return int(raw) if raw is not None and len(raw) < 20 else None
        except ValueError:
            return None

    async def disconnect(self, code):
        if self.throttle is not None:
            self.throttle.cancel()
        if self.follower is not None and self.follower.joined:
            SOCKETS.labels(self.stream.name).dec()
            await self.follower.leave()
            await presence.mark(self.stream.actor, False)

    async def _emit(self, event):
        for frame in self.stream.render(event):
            await self.send_json(frame)
        if self.stream.wants_refresh(event):
            self.throttle.poke()

    async def _refresh(self):
        key = self.stream.refresh_key()
        if key is None:
            return self.stream.refresh_frame(await db(self.stream.refresh_state)())
        return await refresh.shared_frame(self.stream, key, self.follower.last_seq)

    async def receive(self, text_data=None, bytes_data=None):
        if self.follower is None or not self.follower.joined:
            return  # refused; the close is on its way
        try:
            content = parse_frame(text_data, bytes_data)
        except BadFrame as e:
            await self.send_json(error_frame(e.code, e.message))
            return
        request_id = content.get("id")
        if content.get("type") == "ping":
            await self.follower.catch_up()
            await self.send_json({"type": "pong", "seq": self.follower.last_seq})
            return
        name = content.get("action")
        method = self.stream.actions.get(name) if isinstance(name, str) else None
        if method is None:
            if name in ALL_ACTIONS:
                await self.send_json(error_frame("forbidden", _("此连接不能执行该操作"), request_id))
            else:
                await self.send_json(error_frame("unknown_action", _("未知操作"), request_id))
            return
        try:
            result = await db(getattr(self.stream, method))(content)
        except HallopsError as e:
            await self.send_json(error_frame(e.code, e.message, request_id))
            return
        except Exception:
            log.exception("%s action %s failed", self.stream.name, name)
            await self.send_json(error_frame("server_error", _("服务器错误，请重试"), request_id))
            return
        await self.send_json({"type": "result", "id": request_id, "ok": True, **result})


class NoSuchStream(AsyncWebsocketConsumer):
    """Any other /ws/ path: an error frame and 4404, not a 500 at the handshake."""

    async def connect(self):
        await self.accept()
        error = NotFound(_("没有这个实时通道"), code="not_found")
        await self.send(text_data=encode(error_frame(error.code, error.message)))
        await self.close(code=close_code(error))

