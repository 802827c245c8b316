"""Turning credentials into an Actor: session login or `Authorization: Bearer TOKEN` for staff,
a device token (header, or `?token=` where a browser cannot set headers) for devices.
"""

import time
from urllib.parse import parse_qs

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.utils.translation import gettext as _

from .actors import Actor
from .errors import Unauthorized
from .models import ApiToken
from .models.device import _digest

# digest of the raw token -> (monotonic expiry, ApiToken with its user, staff profile and device).
# Every kiosk, screen and console request carries its token, and looking it up was a round trip
# of its own; a hall has a few hundred tokens at most.
_tokens: dict[str, tuple[float, ApiToken]] = {}
_MAX_CACHED = 10_000


def _lookup(raw: str):
    ttl = settings.HALLOPS.get("TOKEN_CACHE_SECONDS", 0)
    if ttl <= 0:
        return ApiToken.objects.lookup(raw)
    key, now = _digest(raw), time.monotonic()
    hit = _tokens.get(key)
    if hit is not None and hit[0] > now:
        return hit[1]
    token = ApiToken.objects.lookup(raw)
    if token is not None:
        if len(_tokens) >= _MAX_CACHED:
            _tokens.clear()
        _tokens[key] = (now + ttl, token)
    return token


def forget_tokens() -> None:
    """Drop every cached lookup (this process), e.g. right after revoking tokens."""
    _tokens.clear()


def actor_from_token(raw: str) -> Actor:
    """The actor of a bearer token. Lookups are reused for HALLOPS_TOKEN_CACHE_SECONDS, so a
    revocation or a disabled device/account takes effect within that time in every process."""
    token = _lookup(raw.strip()) if raw and raw.strip() else None
    if token is None:
        raise Unauthorized(_("令牌无效或已吊销"), code="invalid_token")
    if token.device is not None:
        if not token.device.enabled:
            raise Unauthorized(_("设备已停用"), code="device_disabled")
        return Actor(device=token.device)
    if not token.user.is_active:
        raise Unauthorized(_("账号已停用"), code="user_inactive")
    return Actor(user=token.user)


def bearer(header: str | None) -> str | None:
    if header and header.lower().startswith("bearer "):
        return header[7:].strip()
    return None


def actor_from_request(request) -> Actor:
    """Bearer token first (kiosks, third-party screens, scripts), then the browser session."""
    raw = bearer(request.headers.get("Authorization"))
    if raw is not None:
        return actor_from_token(raw)
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return Actor(user=user)
    return Actor.anonymous()


def actor_from_scope(scope) -> Actor:
    """For WebSocket consumers (sync; wrap with database_sync_to_async). Session user from
    AuthMiddlewareStack, else a token from the Authorization header or ?token=."""
    headers = {k.decode("latin1").lower(): v.decode("latin1") for k, v in scope.get("headers", [])}
    raw = bearer(headers.get("authorization"))
    if raw is None:
        # latin-1 never fails: a query string that is not UTF-8 is a bad token (4401), not a server error.
        qs = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        raw = (qs.get("token") or [None])[-1]
    if raw:
        return actor_from_token(raw)
    user = scope.get("user")
    if user is not None and getattr(user, "is_authenticated", False):
        return Actor(user=user)
    return Actor.anonymous()


class LoginThrottle(AxesStandaloneBackend):
    """django-axes' check before the password one (settings.AUTHENTICATION_BACKENDS).

    Axes refuses an authenticate() without a request; one without a request is not a login over the
    network (a script or a test on the server itself), so it is neither throttled nor counted.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
