"""Included by hallops.asgi: the gateway socket."""

from django.urls import path

from . import consumers

websocket_urlpatterns = [
    path("ws/gateway/", consumers.GatewayConsumer.as_asgi()),
]
