"""A device (取号机, 打印机, 窗口屏, 评价器, 网关 …) as the dashboard, hall events and its gateway see it."""

from ..models import Device
from .projection import Field, Projection, Timestamp, iso
from .windows import WINDOW_BRIEF

# Read with select_related("window").
DEVICE = Projection(
    "Device",
    id=Field(int, "pk"),
    kind=Field(str),
    name=Field(str),
    label=Field(str, lambda d: d.display_name, description="what people call it, e.g. 1号窗口评价器"),
    window=Field(WINDOW_BRIEF, lambda d: WINDOW_BRIEF.maybe(d.window), nullable=True),
    enabled=Field(bool),
    online=Field(bool),
    last_seen=Field(Timestamp, lambda d: iso(d.last_seen), nullable=True),
    heartbeat_s=Field(int),
    status=Field(dict, description="the last health report: problem, paper, detail …"),
    url=Field(str, description="how its gateway reaches it (empty for browser devices)"),
    options=Field(dict),
)

# What an alert names of a device.
DEVICE_REF = DEVICE.variant("DeviceRef", "id", "kind", "name", "label", "window")

# The lobby dashboard's device list (and what hallops.core.alerts reads).
DEVICE_HEALTH = DEVICE.variant(
    "DeviceHealth", "id", "kind", "name", "label", "window", "enabled", "online", "last_seen", "heartbeat_s", "status")

# The `device.status` hall event: a change of online or problem.
DEVICE_STATUS = DEVICE.variant("DeviceStatus", "id", "name", "label", "kind", "window", "online", "last_seen", "status")

# What a gateway is told of itself and of each device it drives (its `hello`).
GATEWAY = DEVICE.variant("Gateway", "id", "name", "heartbeat_s")
DRIVEN_DEVICE = DEVICE.variant("DrivenDevice", "id", "name", "kind", "url", "options", "window", "heartbeat_s")


def hall_devices(hall) -> list[dict]:
    return [DEVICE_HEALTH.of(d) for d in Device.objects.filter(hall=hall).select_related("window")]
