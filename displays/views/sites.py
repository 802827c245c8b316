"""政务服务地图: the public page of every site, phone first, drawn without internet.

The drawing places each site by its coordinates in an SVG (an equirectangular projection is exact
enough across a district); with HALLOPS_MAP_TILE_URL set, the page also links each site to that
tile server's map. Every figure comes from hallops.sites.figures.
"""

import math

from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext as _

from hallops.sites.figures import all_sites, sites_for

W, H, PAD = 360, 240, 24


def _layout(sites):
    placed = [s for s in sites if s["latitude"] is not None and s["longitude"] is not None]
    if not placed:
        return []
    lats = [s["latitude"] for s in placed]
    lons = [s["longitude"] for s in placed]
    mid = math.cos(math.radians(sum(lats) / len(lats)))  # a degree of longitude is shorter up north
    span = max((max(lons) - min(lons)) * mid, max(lats) - min(lats), 1e-4)
    scale = min(W - 2 * PAD, H - 2 * PAD) / span
    cx, cy = (max(lons) + min(lons)) / 2, (max(lats) + min(lats)) / 2
    return [{"code": s["code"], "name": s["name"], "open": s["open_now"],
             "x": round(W / 2 + (s["longitude"] - cx) * mid * scale, 1),
             "y": round(H / 2 - (s["latitude"] - cy) * scale, 1)} for s in placed]


def service_map(request):
    code = (request.GET.get("service") or "").strip()
    district = (request.GET.get("district") or "").strip() or None
    sites = sites_for(code, district=district) if code else all_sites()
    matters = {}
    for s in (all_sites() if code else sites):
        for m in s.get("services", ()):
            matters.setdefault(m["code"], m["name"])
    best = sites[0] if code and sites and sites[0]["open_now"] else None
    return render(request, "displays/sites.html", {
        "title": _("政务服务地图"), "sites": sites, "service": code, "matters": sorted(matters.items()),
        "best": best, "points": _layout(sites), "width": W, "height": H,
        "tile_url": settings.HALLOPS_MAP_TILE_URL,
    })
