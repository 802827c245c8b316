"""The device gateway on a hall PC (plain Python, no Django): docs/devices/gateway.md.

``GatewayClient(server_url, token, state_dir, drivers_factory)`` keeps a WebSocket to the server,
runs the commands it is sent exactly once (``GatewayAgent``) on printers, window displays and
evaluation pads (``Drivers``), and delivers pad presses and device health from a durable outbox.
"""

from .agent import GatewayAgent, make_drivers
from .client import GatewayClient, gateway_url
from .drivers import CommandFailed, DeviceSpec, Drivers, VirtualDisplay, VirtualPad, split_bus_url
from .store import GatewayStore

__all__ = [
    "CommandFailed", "DeviceSpec", "Drivers", "GatewayAgent", "GatewayClient", "GatewayStore", "VirtualDisplay",
    "VirtualPad", "gateway_url", "make_drivers", "split_bus_url",
]
