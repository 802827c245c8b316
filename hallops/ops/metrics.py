"""Prometheus metrics (prometheus_client).

Two kinds:
- measured in this process: request latency per route (the call-next route is the call latency)
  and open sockets per kind. With several daphne processes set PROMETHEUS_MULTIPROC_DIR to a shared
  empty directory, and every process's samples are summed at scrape.
- read from the database at scrape, so every process reports the same truth: tickets issued and
  called today, waiting per hall, device health, open patrol detections. Each is one grouped query.
"""

import os
import time

from django.db.models import Count, Q
from prometheus_client import CollectorRegistry, Gauge, Histogram, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import REGISTRY

LATENCY_BUCKETS = (0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)

REQUEST_SECONDS = Histogram(
    "hallops_request_seconds", "HTTP request latency", ["method", "route", "status"], buckets=LATENCY_BUCKETS,
)
CALL_SECONDS = Histogram(
    "hallops_call_seconds", "Latency of calling a number (call-next, call, recall) over HTTP",
    ["action"], buckets=LATENCY_BUCKETS,
)
SOCKETS = Gauge("hallops_open_sockets", "Open WebSocket connections", ["kind"], multiprocess_mode="livesum")

CALL_ROUTES = {"call-next", "call", "recall"}


class RequestMetrics:
    """Middleware: times every request, labelled by its URL pattern (not the path: no ids)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        start = time.perf_counter()
        response = self.get_response(request)
        elapsed = time.perf_counter() - start
        match = getattr(request, "resolver_match", None)
        route = match.route if match is not None and match.route else "unmatched"
        REQUEST_SECONDS.labels(request.method, route, str(response.status_code)).observe(elapsed)
        action = route.rstrip("/").rsplit("/", 1)[-1]
        if request.method == "POST" and action in CALL_ROUTES and route.startswith("api/"):
            CALL_SECONDS.labels(action).observe(elapsed)
        return response


class HallCollector:
    """Figures read from the database at scrape time."""

    def collect(self):
        from hallops.core.clock import local_day, now
        from hallops.core.models import Device, Ticket, TicketStatus
        from hallops.patrol.models import Detection

        today = local_day(now())
        issued = GaugeMetricFamily("hallops_tickets_issued_today", "Tickets issued today (visits, not transfers)",
                                   labels=["hall"])
        called = GaugeMetricFamily("hallops_tickets_called_today", "Tickets called today", labels=["hall"])
        waiting = GaugeMetricFamily("hallops_waiting", "Citizens waiting now", labels=["hall"])
        rows = (Ticket.objects.filter(day=today).values("hall__code").annotate(
            issued=Count("pk", filter=Q(transferred_from__isnull=True)),
            called=Count("pk", filter=Q(called_at__isnull=False)),
            waiting=Count("pk", filter=Q(status=TicketStatus.WAITING))))
        for r in rows:
            issued.add_metric([r["hall__code"]], r["issued"])
            called.add_metric([r["hall__code"]], r["called"])
            waiting.add_metric([r["hall__code"]], r["waiting"])
        yield issued
        yield called
        yield waiting

        devices = GaugeMetricFamily("hallops_devices", "Enabled devices, online or not", labels=["hall", "kind", "online"])
        for r in Device.objects.filter(enabled=True).values("hall__code", "kind", "online").annotate(n=Count("pk")):
            devices.add_metric([r["hall__code"], r["kind"], "1" if r["online"] else "0"], r["n"])
        yield devices

        detections = GaugeMetricFamily("hallops_patrol_detections_open", "Patrol detections not yet cleared",
                                       labels=["hall", "kind"])
        for r in Detection.objects.filter(cleared_at__isnull=True).values("hall__code", "kind").annotate(n=Count("pk")):
            detections.add_metric([r["hall__code"], r["kind"]], r["n"])
        yield detections


_hall_collector_registered = False


def exposition() -> bytes:
    global _hall_collector_registered
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        registry.register(HallCollector())
        return generate_latest(registry)
    if not _hall_collector_registered:
        REGISTRY.register(HallCollector())
        _hall_collector_registered = True
    return generate_latest(REGISTRY)
