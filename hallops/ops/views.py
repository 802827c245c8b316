"""/healthz, /readyz and /metrics: for the load balancer, systemd and Prometheus, not for people."""

import ipaddress
import secrets

from django.conf import settings
from django.db import connection
from django.http import HttpResponse, JsonResponse
from prometheus_client import CONTENT_TYPE_LATEST

from .metrics import exposition


def healthz(request):
    """The process is up and answering; touches nothing else."""
    return JsonResponse({"status": "ok"})


def _check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_redis():
    import redis
    from redis.sentinel import Sentinel

    if settings.REDIS_SENTINELS:
        sentinel = Sentinel(settings.REDIS_SENTINELS, socket_timeout=1, socket_connect_timeout=1)
        client = sentinel.master_for(settings.REDIS_SENTINEL_MASTER, socket_timeout=1, socket_connect_timeout=1)
    else:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
    try:
        client.ping()
    finally:
        client.close()


def readyz(request):
    """Ready to serve: PostgreSQL (or SQLite) answers, and Redis when the channel layer uses it."""
    checks, ready = {}, True
    probes = [("database", _check_database)]
    if settings.REDIS_URL:
        probes.append(("redis", _check_redis))
    else:
        checks["redis"] = "not used"
    for name, probe in probes:
        try:
            probe()
            checks[name] = "ok"
        except Exception as exc:  # any failure means not ready; say which and why
            checks[name] = f"error: {type(exc).__name__}"
            ready = False
    return JsonResponse({"status": "ok" if ready else "unavailable", "checks": checks}, status=200 if ready else 503)


def _allowed(request) -> bool:
    token = settings.HALLOPS_METRICS_TOKEN
    if token:
        given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        return secrets.compare_digest(given.encode(), token.encode())
    try:
        return ipaddress.ip_address(request.META.get("REMOTE_ADDR", "")).is_loopback
    except ValueError:
        return False


def metrics(request):
    """Prometheus text format. With HALLOPS_METRICS_TOKEN set it needs that bearer token; without,
    only loopback clients (a Prometheus on the same host, or behind the local nginx) are answered."""
    if not _allowed(request):
        return JsonResponse({"error": "forbidden", "message": "metrics need the metrics token"}, status=403)
    return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)
