from django.urls import path, re_path

from . import streams
from .consumers import HallStreamConsumer, NoSuchStream


def stream(kind):
    return HallStreamConsumer.as_asgi(kind=kind)


websocket_urlpatterns = [
    path("ws/halls/<slug:hall>/display/", stream(streams.HallScreen)),
    path("ws/halls/<slug:hall>/windows/<int:window_id>/", stream(streams.WindowScreen)),
    path("ws/halls/<slug:hall>/console/<int:window_id>/", stream(streams.Console)),
    path("ws/halls/<slug:hall>/dashboard/", stream(streams.Dashboard)),
    path("ws/halls/<slug:hall>/kiosk/", stream(streams.Kiosk)),
    path("ws/halls/<slug:hall>/pad/<int:window_id>/", stream(streams.Pad)),
    # Any text: a ticket id that is not a UUID is a 4404 ticket_not_found, not a 500 at the handshake.
    path("ws/tickets/<str:ticket_id>/", stream(streams.TicketTracking)),
]

# Last in hallops.asgi: every other /ws/ path is a 4404 frame, not a 500 at the handshake.
not_found_patterns = [re_path(r"^ws/", NoSuchStream.as_asgi())]
