"""WSGI entry point: the HTTP API and pages under a threaded WSGI server (granian, gunicorn gthread).

An option beside daphne (docs/deploy.md): a gthread worker runs one view per thread, so a process
serves several requests at once. Sockets (/ws/) stay on daphne
(hallops.asgi); events published here reach them through the Redis channel layer
(docs/deploy.md).
"""

import ipaddress
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hallops.settings")
django_application = get_wsgi_application()

# Worker threads have no event loop: they publish on the Redis layer's blocking connections
# (hallops.redis_layer.RedisChannelLayer.group_send_blocking), pooled per process.


def _ip(value):
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


class ClientAddressFromProxy:
    """REMOTE_ADDR of a request relayed by the reverse proxy on this machine: the client it saw.

    daphne --proxy-headers does this; gunicorn leaves REMOTE_ADDR as the proxy's own 127.0.0.1, and
    every client would then be one: to the login lockout (django-axes, per username and address),
    the issue limit per address, the loopback exemption of /metrics and the patrol access log. Only
    the last X-Forwarded-For entry is taken, the one the proxy appended ($proxy_add_x_forwarded_for);
    the ones before it are whatever the client sent.
    """

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        peer = _ip(environ.get("REMOTE_ADDR", ""))
        forwarded = environ.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded and peer is not None and peer.is_loopback:
            client = _ip(forwarded.rsplit(",", 1)[-1])
            if client is not None:
                environ["REMOTE_ADDR"] = str(client)
        return self.app(environ, start_response)


application = ClientAddressFromProxy(django_application)
