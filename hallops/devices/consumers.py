"""/ws/gateway/: the server end of a hall gateway's socket (protocol: docs/devices/gateway.md).

Access rules live in hallops.devices.hub.authorize_gateway / hallops.core.actors; the work in hallops.devices.hub.
"""

import logging

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from hallops.core.authn import actor_from_scope
from hallops.core.errors import Forbidden, HallopsError, NotFound, Unauthorized

from . import hub

log = logging.getLogger(__name__)

CLOSE_CODES = {Unauthorized: 4401, Forbidden: 4403, NotFound: 4404}


def db(fn):
    return database_sync_to_async(fn)


class GatewayConsumer(AsyncJsonWebsocketConsumer):
    gateway = None

    async def connect(self):
        await self.accept()
        try:
            self.gateway = await db(lambda: hub.authorize_gateway(actor_from_scope(self.scope)))()
        except HallopsError as e:
            await self.send_json({"type": "error", "error": e.code, "message": str(e)})
            await self.close(code=next((c for k, c in CLOSE_CODES.items() if isinstance(e, k)), 4400))
            return
        await self.channel_layer.group_add(hub.gateway_group(self.gateway.pk), self.channel_name)
        await self.send_json(await db(hub.gateway_connected)(self.gateway, self.channel_name))
        for message in await db(hub.take_pending)(self.gateway):
            await self.send_json(message)

    async def gateway_commands(self, message):
        for command in await db(hub.take_new)(self.gateway):
            await self.send_json(command)

    async def receive_json(self, content, **kwargs):
        if self.gateway is None or not isinstance(content, dict):
            return
        kind = content.get("type")
        try:
            if kind == "ack":
                await db(hub.apply_ack)(self.gateway, content)
            elif kind == "report":
                await self.send_json(await db(hub.apply_report)(self.gateway, content))
        except Exception:  # no ack: the gateway sends it again after reconnecting
            log.exception("gateway %s: %s failed", self.gateway.name, kind)

    async def disconnect(self, code):
        if self.gateway is None:
            return
        await self.channel_layer.group_discard(hub.gateway_group(self.gateway.pk), self.channel_name)
        await db(hub.gateway_disconnected)(self.gateway, self.channel_name)
