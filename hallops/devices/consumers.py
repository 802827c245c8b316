"""/ws/gateway/: the server end of a hall gateway's socket (protocol: docs/devices/gateway.md).

Access rules live in hallops.devices.hub.authorize_gateway / hallops.core.actors; the work in hallops.devices.hub.
Frames are read through hallops.sockets like every other socket's: a frame that is not a JSON object
gets an error frame and the socket stays open (it used to close on the first non-JSON frame).
"""

import logging

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.utils.translation import gettext as _

from hallops.ops.metrics import SOCKETS
from hallops.core.authn import actor_from_scope
from hallops.core.errors import HallopsError
from hallops.sockets import BadFrame, close_code, encode, error_frame, parse_frame

from . import hub

log = logging.getLogger(__name__)


def db(fn):
    return database_sync_to_async(fn)


class GatewayConsumer(AsyncWebsocketConsumer):
    gateway = None

    async def send_json(self, frame):
        await self.send(text_data=encode(frame))

    async def connect(self):
        await self.accept()
        try:
            self.gateway = await db(lambda: hub.authorize_gateway(actor_from_scope(self.scope)))()
        except HallopsError as e:
            await self.send_json(error_frame(e.code, e.message))
            await self.close(code=close_code(e))
            return
        SOCKETS.labels("gateway").inc()  # counted from here: disconnect uncounts whenever gateway is set
        await self.channel_layer.group_add(hub.gateway_group(self.gateway.pk), self.channel_name)
        await self.send_json(await db(hub.gateway_connected)(self.gateway, self.channel_name))
        for message in await db(hub.take_pending)(self.gateway):
            await self.send_json(message)

    async def gateway_replaced(self, message):
        """Another connection with this gateway's token took over (hub.gateway_connected): say so, close."""
        await self.send_json(error_frame("replaced", _("同一网关令牌的新连接已接替本连接")))
        await self.close(code=4409)

    async def gateway_commands(self, message):
        for command in await db(hub.take_new)(self.gateway):
            await self.send_json(command)

    async def receive(self, text_data=None, bytes_data=None):
        if self.gateway is None:
            return  # refused; the close is on its way
        try:
            content = parse_frame(text_data, bytes_data)
        except BadFrame as e:
            await self.send_json(error_frame(e.code, e.message))
            return
        kind = content.get("type")
        if kind not in ("ack", "report"):
            await self.send_json(error_frame("unknown_type", _("未知消息类型"), content.get("id")))
            return
        try:
            if kind == "ack":
                await db(hub.apply_ack)(self.gateway, content)
            else:
                await self.send_json(await db(hub.apply_report)(self.gateway, content))
        except Exception:  # no ack: the gateway sends it again after reconnecting
            log.exception("gateway %s: %s failed", self.gateway.name, kind)

    async def disconnect(self, code):
        if self.gateway is None:
            return
        SOCKETS.labels("gateway").dec()
        await self.channel_layer.group_discard(hub.gateway_group(self.gateway.pk), self.channel_name)
        await db(hub.gateway_disconnected)(self.gateway, self.channel_name)
