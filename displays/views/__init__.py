"""The hall's pages. Each view only checks access and hands the page its configuration;
the data arrives over the live sockets (docs/realtime.md) and the HTTP API."""

from .devices import announce, hall_screen, kiosk, pad, window_screen
from .public import landing, qr_svg, track, track_cancel
from .reports import reports
from .sites import service_map
from .staff import console, console_choose, dashboard, dashboard_series

__all__ = ["announce", "console", "console_choose", "dashboard", "dashboard_series", "hall_screen", "kiosk",
           "landing", "pad", "qr_svg", "reports", "service_map", "track", "track_cancel", "window_screen"]
