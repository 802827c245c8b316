from django.urls import path

from . import consumers

websocket_urlpatterns = [
    path("ws/halls/<slug:hall>/display/", consumers.HallDisplayConsumer.as_asgi()),
    path("ws/halls/<slug:hall>/windows/<int:window_id>/", consumers.WindowDisplayConsumer.as_asgi()),
    path("ws/halls/<slug:hall>/console/<int:window_id>/", consumers.ConsoleConsumer.as_asgi()),
    path("ws/halls/<slug:hall>/dashboard/", consumers.DashboardConsumer.as_asgi()),
    path("ws/halls/<slug:hall>/kiosk/", consumers.KioskConsumer.as_asgi()),
    path("ws/halls/<slug:hall>/pad/<int:window_id>/", consumers.PadConsumer.as_asgi()),
    path("ws/tickets/<uuid:ticket_id>/", consumers.TicketConsumer.as_asgi()),
]
