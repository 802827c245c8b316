"""ASGI entry point: Django for HTTP, Channels for the live sockets (displays, consoles, devices)."""

import os
from importlib import import_module

import django
from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIHandler

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hallops.settings")
django.setup(set_prefix=False)  # before any consumer imports models


class OneHopASGIHandler(ASGIHandler):
    """Django's ASGI handler with the middleware chain and the view run in one hop to the thread.

    Under the stock handler the chain is asynchronous, and every synchronous middleware hook
    (Django's own are all MiddlewareMixin) is a separate sync_to_async hop: about twenty thread
    switches per request, which cost more than the view itself (bench/bench_request.py, the bare
    view). Here the chain is the synchronous one, as under WSGI, entered once per request. Async
    views still work (the chain runs them with async_to_sync on the server's loop) and streaming
    responses are still sent by the handler asynchronously.
    """

    def load_middleware(self, is_async=False):
        super().load_middleware(is_async=False)

    async def get_response_async(self, request):
        return await sync_to_async(self.get_response, thread_sensitive=True)(request)


django_asgi_app = OneHopASGIHandler()

from channels.auth import AuthMiddleware  # noqa: E402
from channels.sessions import CookieMiddleware  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import OriginValidator  # noqa: E402
from django.conf import settings  # noqa: E402

from displays.routing import not_found_patterns  # noqa: E402
from displays.routing import websocket_urlpatterns as display_patterns  # noqa: E402
from hallops.devices.routing import websocket_urlpatterns as device_patterns  # noqa: E402
from hallops.redact import install_in_daphne  # noqa: E402

install_in_daphne()  # tokens in ?token= stay out of daphne's access log (hallops/redact.py)


def plain_autobahn_debug_text():
    """autobahn builds the text of a debug line for every frame it sends, debug on or off, and colours
    it with click when click is installed (granian brings it): on a screens' daphne under 14 windows
    calling that colouring was about a twentieth of its CPU. Uncoloured, the same text costs little;
    nothing reads it unless daphne runs with debug logging."""
    import autobahn.util

    autobahn.util._HAS_CLICK = False


plain_autobahn_debug_text()
websocket_urlpatterns = [*display_patterns, *device_patterns, *not_found_patterns]


class AllowedHostsOrNoOriginValidator(OriginValidator):
    """Channels' AllowedHostsOriginValidator, except that a missing Origin passes.

    A browser always sends Origin, so a page of another site is still refused (it could ride
    on the staff's session cookie). Hall PCs, gateways and LED controllers send no Origin at all
    and authenticate with a token; the stock validator would refuse them.
    """

    def __init__(self, application):
        super().__init__(application, settings.ALLOWED_HOSTS)

    def valid_origin(self, parsed_origin):
        return parsed_origin is None or super().valid_origin(parsed_origin)


class SocketSessionMiddleware:
    """The staff's session for a socket, read at the handshake (AuthMiddleware finds the user in it).

    Channels' SessionMiddleware also wraps every frame the socket sends, to save the session and set
    its cookie on an HTTP response: a socket has neither, and on a screens' daphne that wrapper was
    about a tenth of the CPU per frame. Sockets only read the session; changing it is the login page's.
    """

    def __init__(self, inner):
        self.inner = inner
        self.store = import_module(settings.SESSION_ENGINE).SessionStore

    async def __call__(self, scope, receive, send):
        key = scope["cookies"].get(settings.SESSION_COOKIE_NAME)
        return await self.inner({**scope, "session": self.store(key)}, receive, send)


def socket_auth_stack(inner):
    """channels.auth.AuthMiddlewareStack with the session read only."""
    return CookieMiddleware(SocketSessionMiddleware(AuthMiddleware(inner)))


application = ProtocolTypeRouter({
    "http": django_asgi_app,
    "websocket": AllowedHostsOrNoOriginValidator(socket_auth_stack(URLRouter(websocket_urlpatterns))),
})
