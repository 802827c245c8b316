"""Every site (hall) with what a citizen planning a trip needs: open now, today's hours, self-service
devices, and per matter the waiting count and the estimated wait for a number taken now.

Seven statements whatever the number of sites and matters. The estimate uses the same formula and
inputs as each hall's own catalogue (hallops.core.estimates), over all sites at once.
"""

import math

from django.db.models import Count

from hallops.core.calendar import is_working_day
from hallops.core.clock import hours_on, is_open, local_day
from hallops.core.clock import now as clock_now
from hallops.core.estimates import handle_seconds, open_windows, wait_seconds
from hallops.core.models import Device, DeviceKind, Hall, Service, Ticket, TicketStatus

from .models import District

SELF_SERVICE = (DeviceKind.KIOSK,)


def _coord(value):
    return float(value) if value is not None else None


def all_sites(now=None) -> list[dict]:
    now = now or clock_now()
    day = local_day(now)
    halls = list(Hall.objects.order_by("code"))
    districts = dict(District.objects.values_list("code", "name"))
    services = list(Service.objects.filter(active=True).order_by("hall_id", "order", "code"))
    waiting = dict(Ticket.objects.filter(day=day, status=TicketStatus.WAITING, service__in=services)
                   .values("service_id").annotate(n=Count("pk")).values_list("service_id", "n"))
    windows = open_windows(service_id__in=[s.pk for s in services])
    handle = handle_seconds(services)
    kiosks = dict(Device.objects.filter(kind__in=SELF_SERVICE, enabled=True).values("hall_id")
                  .annotate(n=Count("pk")).values_list("hall_id", "n"))
    by_hall: dict = {}
    for s in services:
        n_wait, n_open = waiting.get(s.pk, 0), windows.get(s.pk, 0)
        wait_s = wait_seconds(n_wait, handle[s.pk], n_open)
        by_hall.setdefault(s.hall_id, []).append({
            "code": s.code, "name": s.name, "waiting": n_wait, "open_windows": n_open,
            "estimated_wait_s": wait_s, "estimated_wait_min": math.ceil(wait_s / 60),
        })
    out = []
    for h in halls:
        district = (h.region_code or "")[:6]
        open_now = is_open(h, now)
        out.append({
            "code": h.code, "name": h.name, "address": h.address,
            "latitude": _coord(h.latitude), "longitude": _coord(h.longitude),
            "district": {"code": district, "name": districts.get(district, "")} if district else None,
            "open_now": open_now, "working_day": is_working_day(day, hall=h),
            "hours_today": [f"{a}–{b}" for a, b in hours_on(h, day)],
            "self_service": kiosks.get(h.pk, 0),
            "services": by_hall.get(h.pk, []),
        })
    return out


def sites_for(service_code: str, now=None, district: str | None = None) -> list[dict]:
    """同区通办: the sites that handle the matter, open ones first, shortest estimated wait first;
    with `district` (six digits), only that district's sites."""
    rows = []
    for site in all_sites(now):
        if district and (site["district"] or {}).get("code") != district:
            continue
        matter = next((s for s in site["services"] if s["code"] == service_code), None)
        if matter is None:
            continue
        # A site is "open now" for the matter only while the hall issues numbers and a window serves it.
        available = site["open_now"] and matter["open_windows"] > 0
        rows.append({**{k: v for k, v in site.items() if k != "services"}, "open_now": available,
                     "service": {"code": matter["code"], "name": matter["name"]},
                     "waiting": matter["waiting"], "estimated_wait_s": matter["estimated_wait_s"],
                     "estimated_wait_min": matter["estimated_wait_min"]})
    rows.sort(key=lambda r: (not r["open_now"], r["estimated_wait_s"], r["code"]))
    return rows
