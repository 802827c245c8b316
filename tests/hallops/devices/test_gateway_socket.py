"""A second gateway connection with the same token replaces the first, visibly (issue 11, fault 5)."""

import pytest
from channels.testing import WebsocketCommunicator

from hallops.core.models import DeviceKind
from tests.factories import make_device, make_hall, token_for

pytestmark = pytest.mark.django_db(transaction=True)
TIMEOUT = 5


async def connect(token):
    from hallops.asgi import application

    comm = WebsocketCommunicator(application, "/ws/gateway/", headers=[(b"authorization", f"Bearer {token}".encode())])
    connected, _ = await comm.connect(timeout=TIMEOUT)
    assert connected
    return comm, await comm.receive_json_from(timeout=TIMEOUT)


async def test_a_second_connection_with_the_same_token_replaces_the_first():
    from asgiref.sync import sync_to_async

    @sync_to_async
    def setup():
        hall = make_hall()
        gateway = make_device(hall, DeviceKind.GATEWAY)
        make_device(hall, DeviceKind.PRINTER, url="virtual://p1", gateway=gateway)
        return gateway, token_for(device=gateway)

    gateway, token = await setup()
    first, hello = await connect(token)
    assert hello["type"] == "hello" and len(hello["devices"]) == 1
    second, hello2 = await connect(token)
    assert hello2["type"] == "hello"
    told = await first.receive_json_from(timeout=TIMEOUT)
    assert (told["type"], told["error"]) == ("error", "replaced") and told["message"]
    assert await first.receive_output(timeout=TIMEOUT) == {"type": "websocket.close", "code": 4409}
    await first.disconnect()

    @sync_to_async
    def state():
        gateway.refresh_from_db()
        return gateway.online, gateway.status

    online, status = await state()
    assert online and status.get("replaced") is True  # the newer one drives; the dashboard says so
    await second.disconnect()


def test_a_replaced_gateway_client_gives_up_its_ports_and_stays_down(tmp_path):
    from devices.gateway.client import GatewayClient

    closed = []

    class Drivers:
        def configure(self, devices):
            pass

        def close(self):
            closed.append(True)

    client = GatewayClient("ws://127.0.0.1:9/ws/gateway/", "hsd_x", tmp_path, drivers_factory=lambda state_dir, on_report: Drivers())
    with pytest.raises(ConnectionError):
        client._dispatch({"type": "error", "error": "replaced", "message": "taken over"})
    assert client.replaced and client._stop.is_set() and closed
