"""Included by hallops.asgi: the gateway socket. Loading it in a server process starts the embedded gateway."""

from django.urls import path

from . import consumers, embedded

websocket_urlpatterns = [
    path("ws/gateway/", consumers.GatewayConsumer.as_asgi()),
]

embedded.autostart()
