"""Camera pages: the grid, one live stream, stored pictures, the region editor."""

import asyncio
import json
import time

from django.core.files.base import ContentFile
from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import frames
from ..models import REGION_KINDS, Camera, Detection, DetectionKind, Snapshot, ViewAction
from .access import log_view, supervised

BOUNDARY = "patrolframe"
LIVE_MAX_S = 600  # a forgotten tab must not hold a camera connection all day
NO_STORE = "no-store, private"


def _camera(hall, camera_id):
    return get_object_or_404(Camera.objects.select_related("window", "zone"), hall=hall, pk=camera_id)


def _open_issues(hall):
    """Per camera id: the kinds of its detections not yet cleared (for badges on the grid)."""
    out = {}
    for cam_id, kind in Detection.objects.filter(hall=hall, cleared_at__isnull=True).values_list("camera_id", "kind"):
        out.setdefault(cam_id, []).append(DetectionKind(kind).label)
    return out


@supervised()
def grid(request, hall, actor):
    cameras = list(Camera.objects.filter(hall=hall).select_related("window", "zone"))
    issues = _open_issues(hall)
    for c in cameras:
        c.issues = issues.get(c.pk, [])
    config = {"refresh_s": 5, "base": f"/patrol/{hall.code}/cameras/"}
    return render(request, "patrol/grid.html", {
        "title": _("视频巡查"), "hall": hall, "cameras": cameras, "config": config,
        "candidates": Detection.objects.filter(hall=hall, state="candidate").count(),
    })


def _jpeg_response(data: bytes) -> HttpResponse:
    response = HttpResponse(data, content_type="image/jpeg")
    response["Cache-Control"] = NO_STORE  # pictures of people: no shared or disk caches
    return response


@supervised()
def camera_snapshot(request, hall, actor, camera_id):
    camera = _camera(hall, camera_id)
    data = frames.current_jpeg(camera)
    if data is None:
        return HttpResponse(_("摄像头无画面"), status=503, content_type="text/plain; charset=utf-8")
    log_view(request, actor, ViewAction.VIEW_SNAPSHOT, camera=camera)
    return _jpeg_response(data)


async def _mjpeg(url: str, fps: float, max_frames: int | None, max_s: float):
    from devices.cameras import CameraSource

    source = CameraSource(url, fps=fps, open_timeout_s=5, read_timeout_s=5, name="live").start()
    try:
        last, sent, deadline = 0, 0, time.monotonic() + max_s
        while time.monotonic() < deadline and (max_frames is None or sent < max_frames):
            frame = source.latest()
            if frame is not None and frame.seq != last:
                last = frame.seq
                data = frames.encode_jpeg(frame.image, quality=70)
                yield (f"--{BOUNDARY}\r\nContent-Type: image/jpeg\r\nContent-Length: {len(data)}\r\n\r\n".encode()
                       + data + b"\r\n")
                sent += 1
            await asyncio.sleep(0.5 / fps)
    finally:
        source.stop(timeout=0.2)


@supervised()
def camera_live(request, hall, actor, camera_id):
    """Live MJPEG of one camera. The page shows one at a time: browsers keep ~6 connections per host."""
    camera = _camera(hall, camera_id)
    max_frames = request.GET.get("frames")  # tests and previews ask for a few frames, then the stream ends
    if max_frames:
        if not max_frames.isascii() or not max_frames.isdigit() or not 1 <= int(max_frames) <= 100_000:
            return JsonResponse({"error": "invalid_frames", "message": _("frames 须为 1 到 100000 的整数")}, status=400,
                                json_dumps_params={"ensure_ascii": False})
    log_view(request, actor, ViewAction.VIEW_LIVE, camera=camera)
    response = StreamingHttpResponse(
        _mjpeg(camera.url, min(max(camera.fps, 2.0), 8.0), int(max_frames) if max_frames else None, LIVE_MAX_S),
        content_type=f"multipart/x-mixed-replace; boundary={BOUNDARY}")
    response["Cache-Control"] = NO_STORE
    return response


@supervised()
def snapshot_image(request, hall, actor, snapshot_id):
    snap = get_object_or_404(Snapshot.objects.select_related("camera"), hall=hall, pk=snapshot_id)
    try:
        with snap.image.open("rb") as f:
            data = f.read()
    except (FileNotFoundError, ValueError):
        return HttpResponse(_("截图已过保存期限"), status=410, content_type="text/plain; charset=utf-8")
    log_view(request, actor, ViewAction.VIEW_SNAPSHOT, snapshot=snap)
    return _jpeg_response(data)


def _valid_regions(raw) -> dict:
    if not isinstance(raw, dict):
        raise ValueError("regions must be an object")
    out = {}
    for kind, points in raw.items():
        if kind not in REGION_KINDS:
            raise ValueError(f"unknown region {kind!r}")
        if not points:
            continue
        if not isinstance(points, list) or len(points) < 3:
            raise ValueError(f"{kind}: a polygon needs at least three points")
        poly = []
        for p in points:
            x, y = float(p[0]), float(p[1])
            if not (0 <= x <= 1 and 0 <= y <= 1):
                raise ValueError(f"{kind}: points are relative, 0..1")
            poly.append([round(x, 4), round(y, 4)])
        out[kind] = poly
    return out


@supervised()
def regions(request, hall, actor, camera_id):
    camera = _camera(hall, camera_id)
    if request.method == "POST":
        try:
            body = json.loads(request.body or b"{}")
            camera.regions = _valid_regions(body.get("regions"))
        except (ValueError, TypeError, IndexError, json.JSONDecodeError) as e:
            return JsonResponse({"error": "invalid", "message": str(e)}, status=422)
        camera.save(update_fields=["regions"])
        return JsonResponse({"ok": True, "regions": camera.regions})
    config = {"regions": camera.regions or {}, "save_url": request.path,
              "image_url": f"/patrol/{hall.code}/cameras/{camera.pk}/snapshot.jpg",
              "text": {"saved": _("已保存"), "failed": _("保存失败"), "failed_because": _("保存失败：{message}")}}
    return render(request, "patrol/regions.html", {
        "title": _("区域设置"), "hall": hall, "camera": camera, "config": config,
        "kinds": [("seat", _("座位区")), ("counter", _("柜台区")), ("waiting", _("等候区"))],
    })


@require_POST
@supervised()
def capture_reference(request, hall, actor, camera_id):
    """Take the current picture as the empty-seat (or empty waiting area) reference."""
    camera = _camera(hall, camera_id)
    data = frames.current_jpeg(camera)
    if data is None:
        return JsonResponse({"error": "no_picture", "message": _("摄像头无画面")}, status=503)
    field = camera.waiting_reference if request.POST.get("kind") == "waiting" else camera.empty_seat_reference
    field.save(f"ref-cam{camera.pk}-{int(time.time())}.jpg", ContentFile(data), save=True)
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse({"ok": True})
    return redirect(f"/patrol/{hall.code}/cameras/{camera.pk}/regions/")
