"""The demo hall's cameras: one Camera per camera Device, calibrated from the demo videos' ground truth.

Called by load_demo (one marked line) or by ``manage.py load_demo_patrol``. Idempotent: a
camera is keyed by hall and name; regions drawn by hand since are kept.
"""

from __future__ import annotations

import json
from datetime import time
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile

from hallops.core.models import Device, DeviceKind

from .models import Camera, LunchRota

VIDEOS = Path(settings.BASE_DIR) / "fixtures" / "videos"


def _truth(name: str) -> dict:
    f = VIDEOS / name
    return json.loads(f.read_text(encoding="utf-8")) if f.exists() else {}


def _rect_polygon(rect):
    x0, y0, x1, y1 = rect
    return [[x0, y0], [x1, y0], [x1, y1], [x0, y1]]


def load_demo_patrol(hall) -> list[Camera]:
    seat, waiting = _truth("seat.json"), _truth("waiting.json")
    out = []
    for device in Device.objects.filter(hall=hall, kind=DeviceKind.CAMERA).select_related("window"):
        watch = (device.options or {}).get("watch", "seat" if device.window_id else "waiting_area")
        camera, created = Camera.objects.get_or_create(hall=hall, name=device.name, defaults={
            "url": device.url, "window": device.window,
            "zone": device.window.zone if device.window_id else None, "device": device, "fps": 2.0,
        })
        if not created:
            camera.url = device.url
            camera.window = device.window
        if watch == "seat" and seat:
            if not camera.regions.get("seat"):
                camera.regions = {**camera.regions, "seat": _rect_polygon(seat["seat_region"])}
            if not camera.empty_seat_reference:
                ref = VIDEOS / seat["empty_seat_reference"]
                camera.empty_seat_reference.save(f"demo-{device.name}.png", ContentFile(ref.read_bytes()), save=False)
            camera.thresholds = {"off_post_s": 6, **camera.thresholds}  # the demo video leaves for 14 s
        elif watch != "seat" and waiting:
            if not camera.regions.get("waiting"):
                camera.regions = {**camera.regions, "waiting": _rect_polygon(waiting["waiting_region"])}
            if not camera.waiting_reference:
                ref = VIDEOS / waiting["empty_reference"]
                camera.waiting_reference.save(f"demo-{device.name}.png", ContentFile(ref.read_bytes()), save=False)
            camera.thresholds = {"crowd_count": 8, **camera.thresholds}
        camera.save()
        if camera.window_id and not LunchRota.objects.filter(window=camera.window).exists():
            LunchRota.objects.create(window=camera.window, weekdays=[0, 1, 2, 3, 4], start=time(12, 0),
                                     end=time(12, 45), note="A岗 午间轮换")
        out.append(camera)
    return out
