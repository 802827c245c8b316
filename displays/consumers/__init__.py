"""Live sockets: one hall event stream, many kinds of subscriber (see docs/realtime.md)."""

from .base import HallStreamConsumer
from .console import ConsoleConsumer, DashboardConsumer
from .screens import HallDisplayConsumer, KioskConsumer, PadConsumer, TicketConsumer, WindowDisplayConsumer

__all__ = [
    "ConsoleConsumer", "DashboardConsumer", "HallDisplayConsumer", "HallStreamConsumer", "KioskConsumer",
    "PadConsumer", "TicketConsumer", "WindowDisplayConsumer",
]
