"""Pictures on disk: event snapshots (Snapshot rows) and each camera's latest frame.

Files live under MEDIA_ROOT/patrol/ and are only ever served by the patrol views, which check
who asks and log the view; MEDIA_URL is not used for them.
"""

from __future__ import annotations

import os
import time
import uuid
from datetime import datetime
from pathlib import Path

import cv2
import numpy as np
from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone

from .models import Camera, Snapshot, SnapshotPhase

LIVE_FRESH_S = 30.0  # an agent frame older than this is stale: grab a new one instead


def live_path(camera_id: int) -> Path:
    return Path(settings.MEDIA_ROOT) / "patrol" / "live" / f"camera-{camera_id}.jpg"


def encode_jpeg(image: np.ndarray, quality: int = 75, max_width: int = 960) -> bytes:
    if image.shape[1] > max_width:
        scale = max_width / image.shape[1]
        image = cv2.resize(image, (max_width, int(image.shape[0] * scale)), interpolation=cv2.INTER_AREA)
    ok, buf = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise ValueError("JPEG encoding failed")
    return buf.tobytes()


def write_live(camera_id: int, jpeg: bytes) -> None:
    """Replace the camera's latest frame atomically, so a reader never sees half a file."""
    path = live_path(camera_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_bytes(jpeg)
    os.replace(tmp, path)


def read_live(camera_id: int, max_age_s: float = LIVE_FRESH_S) -> bytes | None:
    path = live_path(camera_id)
    try:
        if time.time() - path.stat().st_mtime > max_age_s:
            return None
        return path.read_bytes()
    except FileNotFoundError:
        return None


def grab_frame(camera: Camera, timeout_s: float = 4.0) -> np.ndarray | None:
    """One frame straight from the camera (when no agent runs, or its frame is stale)."""
    from devices.cameras import CameraSource

    source = CameraSource(camera.url, fps=max(camera.fps, 2.0), open_timeout_s=timeout_s,
                          read_timeout_s=timeout_s, name=f"grab:{camera.pk}")
    try:
        source.start()
        frame = source.wait_frame(timeout=timeout_s)
    finally:
        source.stop(timeout=0.5)
    return frame.image if frame is not None else None


def current_jpeg(camera: Camera) -> bytes | None:
    """The agent's latest stored frame, else a freshly grabbed one (also stored for the next caller)."""
    data = read_live(camera.pk)
    if data is not None:
        return data
    image = grab_frame(camera)
    if image is None:
        return None
    data = encode_jpeg(image)
    write_live(camera.pk, data)
    return data


def save_snapshot(hall_id, jpeg: bytes, *, camera: Camera | None = None, detection=None,
                  phase: str = SnapshotPhase.LIVE, taken_at: datetime | None = None,
                  suffix: str = ".jpg") -> Snapshot:
    snap = Snapshot(hall_id=hall_id, camera=camera, detection=detection, phase=phase,
                    taken_at=taken_at or timezone.now())
    stem = f"cam{camera.pk}" if camera is not None else "photo"
    snap.image.save(f"{stem}-{uuid.uuid4().hex[:12]}{suffix}", ContentFile(jpeg), save=False)
    snap.save()
    return snap


def snapshot_of_camera(camera: Camera, *, phase: str = SnapshotPhase.LIVE) -> Snapshot | None:
    """A snapshot of what the camera shows now (a patrol round's evidence)."""
    data = current_jpeg(camera)
    if data is None:
        return None
    return save_snapshot(camera.hall_id, data, camera=camera, phase=phase)
