"""Who is calling: a bearer token (kiosks, third-party screens, scripts) or a staff session.

Both resolve through hallops.core.authn.actor_from_request, so the API and the WebSocket
consumers agree on credentials. The resolved Actor is stored on request.auth and request.actor.

CSRF: ninja's views are csrf_exempt, so the check lives here. Only a *session* can be ridden
by a cross-site form, so only session-authenticated unsafe requests must carry the token; a
bearer token is never sent by a browser on its own and needs none.
"""

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from hallops.core.actors import Actor
from hallops.core.authn import actor_from_request, bearer
from hallops.core.errors import Forbidden


def _attach(request, actor: Actor) -> Actor:
    request.actor = actor
    return actor


class TokenAuth(HttpBearer):
    """`Authorization: Bearer hsd_…` (device) or `hsu_…` (staff); see `manage.py issue_token`."""

    def __call__(self, request):
        if bearer(request.headers.get("Authorization")) is None:
            return None  # not ours: let the session try
        # A bad or revoked token raises Unauthorized (401) rather than falling back to the session.
        return _attach(request, actor_from_request(request))

    def authenticate(self, request, token):  # pragma: no cover - __call__ does the work
        return None


class SessionAuth(APIKeyCookie):
    """The Django session of a logged-in staff member (the staff console in a browser)."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self):
        super().__init__(csrf=True)

    def _get_key(self, request):
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request, key):
        if bearer(request.headers.get("Authorization")) is not None:
            return None
        actor = actor_from_request(request)
        if actor.is_anonymous:
            return None  # ninja answers 401
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request) is not None:
            raise Forbidden(_("CSRF 校验失败：浏览器会话的写请求须带 X-CSRFToken"), code="csrf_failed")
        return _attach(request, actor)


AUTH = [TokenAuth(), SessionAuth()]


def actor_of(request) -> Actor:
    """The caller of an operation; anonymous on public operations without credentials."""
    actor = getattr(request, "actor", None)
    if actor is None:
        actor = _attach(request, actor_from_request(request))
    return actor


def anonymous(request):
    """Last in an optional-auth list: no credentials is a citizen (the ticket's UUID is their secret)."""
    return _attach(request, Actor.anonymous())


OPTIONAL_AUTH = [*AUTH, anonymous]
