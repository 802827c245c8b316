"""Rate limits of the public endpoints (booking, slots, cancel): per client address and per phone.

`limits` (moving window) keeps the counters: in Redis when REDIS_URL is set, so every daphne
process counts together; in memory in the embedded single-process set-up. Rates come from
settings.HALLOPS["RATE_LIMITS"] (docs/configuration.md).
"""

import threading

from django.conf import settings
from django.utils.translation import gettext as _
from limits import parse, storage, strategies

from hallops.core import persons
from hallops.core.errors import HallopsError


class Throttled(HallopsError):
    status, code = 429, "throttled"


_limiter = None
_building = threading.Lock()


def limiter():
    """The process's one limiter, built under a lock: requests of a fresh daphne arrive on several
    threads at once, and `limits` imports its Redis client lazily; two threads doing that together
    saw a half-imported module ("minimum version of 3.0 for 'redis' … Found version: 0.0.0") and
    answered 500 (bench/bench_core.py, 8 kiosks)."""
    global _limiter
    if _limiter is None:
        with _building:
            if _limiter is None:
                _limiter = strategies.MovingWindowRateLimiter(
                    storage.storage_from_string(settings.HALLOPS["RATE_LIMIT_STORAGE"]))
    return _limiter


def reset():
    """Forget every counter (tests; an operator after a false alarm)."""
    limiter().storage.reset()


def client_address(request) -> str:
    # Behind a reverse proxy REMOTE_ADDR is the proxy: HALLOPS_CLIENT_ADDRESS_HEADER names the
    # header it sets (e.g. HTTP_X_REAL_IP). Only trust one the proxy always overwrites.
    header = settings.HALLOPS.get("CLIENT_ADDRESS_HEADER")
    value = request.META.get(header, "") if header else ""
    return value.split(",")[0].strip() or request.META.get("REMOTE_ADDR", "")


def _hit(rule: str, *keys) -> None:
    rate = parse(settings.HALLOPS["RATE_LIMITS"][rule])
    if not limiter().hit(rate, "hallops", rule, *keys):
        raise Throttled(_("请求过于频繁，请稍后再试"))


def throttle(request, scope: str, *, phone: str | None = None) -> None:
    """Count a request of `scope` for its address and, when given, for the phone; 429 past either limit."""
    _hit(f"{scope}_per_address", client_address(request))
    if phone:
        try:
            key = persons.person_hash("phone", persons.normalize_phone(phone))
        except HallopsError:
            key = persons.person_hash("phone", phone)  # still counted: bad input is no way around the limit
        _hit(f"{scope}_per_phone", key)


def throttle_issue(request, actor) -> None:
    """Taking a number (取号): per kiosk (or staff member) and per address, so one token or one address
    cannot empty a matter's daily quota. A refused request is counted nowhere; the reply says when to
    try again (Retry-After). An empty rate in the settings means no limit (benchmarks)."""
    import time

    limits = settings.HALLOPS["RATE_LIMITS"]
    who = (f"device:{actor.device.pk}" if actor.device is not None
           else f"user:{actor.user.pk}" if actor.user is not None else None)
    checks = [(parse(limits[rule]), rule, key) for rule, key in
              (("issue_per_device", who), ("issue_per_address", client_address(request)))
              if key and limits.get(rule)]
    lim = limiter()
    for rate, rule, key in checks:
        if not lim.test(rate, "hallops", rule, key):
            reset_at = lim.get_window_stats(rate, "hallops", rule, key).reset_time
            raise Throttled(_("取号过于频繁，请稍后再试"), retry_after_s=max(1, int(reset_at - time.time())))
    for rate, rule, key in checks:
        lim.hit(rate, "hallops", rule, key)
