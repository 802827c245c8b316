"""The kinds of live stream a page can open, declared (see base.StreamKind); displays.routing maps URLs to them."""

from .base import StreamKind
from .console import Console, Dashboard
from .screens import HallScreen, Kiosk, Pad, TicketTracking, WindowScreen

KINDS = {kind.name: kind for kind in (HallScreen, WindowScreen, Console, Dashboard, Kiosk, Pad, TicketTracking)}

__all__ = ["KINDS", "Console", "Dashboard", "HallScreen", "Kiosk", "Pad", "StreamKind", "TicketTracking",
           "WindowScreen"]
