"""Synthetic patrol videos with known answers, for the camera demo and tests.

Writes to fixtures/videos/ (or the directory given as the first argument):

- ``seat.avi`` + ``seat.json`` + ``seat_empty.png``: a window seat seen from the
  front. A drawn staff member sits, leaves at ``leave_at`` s and returns at
  ``return_at`` s (离岗 ground truth). ``seat_empty.png`` is the empty-seat
  reference still used to calibrate ``SeatModel``.
- ``waiting.avi`` + ``waiting.json`` + ``waiting_empty.png``: a waiting area
  whose crowd grows from 2 to 12 figures; the JSON lists the true count per
  second.

Everything is drawn with OpenCV primitives and a fixed seed, so the output is
the same on every run. Videos are MJPG in AVI written by OpenCV's own MJPEG
encoder (no FFmpeg dependency) at low fps and quality to stay a few hundred KB.

Run: ``.venv/bin/python scripts/make_demo_videos.py [outdir]``
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import cv2
import numpy as np

SIZE = (320, 240)  # width, height
SKIN = (150, 185, 228)  # BGR
SEAT_REGION = (0.30, 0.22, 0.70, 0.80)  # x0, y0, x1, y1 relative: chair + torso
WAITING_REGION = (0.03, 0.25, 0.97, 0.98)
SLOTS = [(c, r) for r in range(2) for c in range(6)]  # 12 standing places


def _lighting(t: float) -> float:
    # Slow daylight drift so the seat check must tolerate small lighting change.
    return 1.0 + 0.06 * math.sin(2 * math.pi * t / 13.0)


def _osd_clock(img: np.ndarray, t: float) -> None:
    # Real cameras burn a clock into the picture; it also keeps a still scene
    # from looking frozen.
    secs = int(t)
    text = f"2025-03-03 09:{secs // 60:02d}:{secs % 60:02d}"
    cv2.putText(img, text, (4, 12), cv2.FONT_HERSHEY_PLAIN, 0.8, (255, 255, 255), 1, cv2.LINE_AA)


def _finish(img: np.ndarray, t: float) -> np.ndarray:
    out = np.clip(img.astype(np.float32) * _lighting(t), 0, 255).astype(np.uint8)
    _osd_clock(out, t)
    return out


def draw_seated_person(img: np.ndarray, cx: int, top: int, shirt=(120, 60, 40)) -> None:
    """Head ellipse in skin tone, shoulders and torso, arms to the desk."""
    w = img.shape[1] / 320.0
    s = lambda v: int(round(v * w))  # noqa: E731 - scale helper
    cv2.ellipse(img, (cx, top + s(18)), (s(14), s(18)), 0, 0, 360, SKIN, -1)
    cv2.ellipse(img, (cx, top + s(12)), (s(15), s(10)), 0, 180, 360, (30, 30, 35), -1)  # hair
    cv2.rectangle(img, (cx - s(5), top + s(34)), (cx + s(5), top + s(42)), SKIN, -1)  # neck
    pts = np.array([[cx - s(34), top + s(50)], [cx - s(24), top + s(40)], [cx + s(24), top + s(40)],
                    [cx + s(34), top + s(50)], [cx + s(30), top + s(110)], [cx - s(30), top + s(110)]], np.int32)
    cv2.fillPoly(img, [pts], shirt)
    cv2.line(img, (cx - s(32), top + s(55)), (cx - s(40), top + s(105)), shirt, s(10))
    cv2.line(img, (cx + s(32), top + s(55)), (cx + s(40), top + s(105)), shirt, s(10))


def draw_standing_person(img: np.ndarray, cx: int, foot: int, height: int, shirt, trousers=(60, 50, 45)) -> None:
    head_r = max(3, height // 9)
    head_c = (cx, foot - height + head_r)
    body_top = foot - height + 2 * head_r
    body_w = max(4, height // 5)
    cv2.rectangle(img, (cx - body_w, body_top), (cx + body_w, foot - height * 2 // 5), shirt, -1)
    cv2.rectangle(img, (cx - body_w + 1, foot - height * 2 // 5), (cx + body_w - 1, foot), trousers, -1)
    cv2.ellipse(img, head_c, (head_r, int(head_r * 1.2)), 0, 0, 360, SKIN, -1)


def seat_background(size=SIZE) -> np.ndarray:
    w, h = size
    img = np.zeros((h, w, 3), np.uint8)
    img[:] = (200, 210, 215)  # wall
    cv2.rectangle(img, (0, int(h * 0.62)), (w, h), (150, 160, 165), -1)  # floor
    # Chair back (dark grey) behind where the person sits.
    cv2.rectangle(img, (int(w * 0.36), int(h * 0.30)), (int(w * 0.64), int(h * 0.72)), (70, 70, 80), -1)
    # Service counter sign and desk.
    cv2.rectangle(img, (int(w * 0.05), int(h * 0.15)), (int(w * 0.25), int(h * 0.30)), (40, 110, 190), -1)
    cv2.putText(img, "A-03", (int(w * 0.07), int(h * 0.26)), cv2.FONT_HERSHEY_SIMPLEX, 0.45 * w / 320, (255, 255, 255), 1)
    cv2.rectangle(img, (0, int(h * 0.72)), (w, h), (90, 120, 160), -1)
    cv2.rectangle(img, (0, int(h * 0.72)), (w, int(h * 0.75)), (70, 95, 130), -1)
    # Monitor on the desk, off to the side so it never hides the seat.
    cv2.rectangle(img, (int(w * 0.74), int(h * 0.50)), (int(w * 0.92), int(h * 0.70)), (30, 30, 30), -1)
    return img


def seat_frame(t: float, present: bool, size=SIZE) -> np.ndarray:
    img = seat_background(size)
    if present:
        w, h = size
        sway = int(round(2 * math.sin(t * 1.7) * w / 320))
        draw_seated_person(img, w // 2 + sway, int(h * 0.24))
        cv2.rectangle(img, (0, int(h * 0.72)), (w, h), (90, 120, 160), -1)  # desk hides the lap
        cv2.rectangle(img, (0, int(h * 0.72)), (w, int(h * 0.75)), (70, 95, 130), -1)
    return _finish(img, t)


def waiting_background(size=SIZE) -> np.ndarray:
    w, h = size
    img = np.zeros((h, w, 3), np.uint8)
    img[: int(h * 0.3)] = (185, 195, 200)  # wall
    for y in range(int(h * 0.3), h):  # floor brightens toward the camera
        img[y] = (120 + 60 * y // h, 125 + 60 * y // h, 130 + 60 * y // h)
    cv2.rectangle(img, (int(w * 0.35), int(h * 0.05)), (int(w * 0.65), int(h * 0.2)), (20, 20, 20), -1)  # hall screen
    return img


def crowd_count_at(t: float, duration_s: float, start: int = 2, end: int = 12) -> int:
    ramp = duration_s * 0.75
    return int(min(end, start + math.floor((end - start) * t / ramp)))


def waiting_frame(t: float, count: int, size=SIZE) -> np.ndarray:
    w, h = size
    img = waiting_background(size)
    rng = np.random.default_rng(7)
    shirts = [tuple(int(v) for v in rng.integers(20, 235, 3)) for _ in SLOTS]
    # Back row first so the front row is drawn over it.
    for i in sorted(range(count), key=lambda i: SLOTS[i][1]):
        col, row = SLOTS[i]
        sway = int(round(2 * math.sin(t * 1.3 + i)))
        cx = int(w * (0.1 + 0.16 * col)) + sway
        foot = int(h * (0.55 if row == 0 else 0.96))
        height = int(h * (0.24 if row == 0 else 0.34))
        draw_standing_person(img, cx, foot, height, shirts[i])
    return _finish(img, t)


def _writer(path: Path, fps: float, size, quality: int) -> cv2.VideoWriter:
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = cv2.VideoWriter(str(path), cv2.CAP_OPENCV_MJPEG, cv2.VideoWriter_fourcc(*"MJPG"), fps, size)
    if not writer.isOpened():
        raise RuntimeError(f"cannot write {path}")
    writer.set(cv2.VIDEOWRITER_PROP_QUALITY, quality)
    return writer


def write_seat_video(path, duration_s: float = 30.0, fps: float = 2.0, leave_at: float = 8.0,
                     return_at: float = 22.0, size=SIZE, quality: int = 30) -> dict:
    """Write the window-seat video and return its ground truth (also saved as .json)."""
    path = Path(path)
    writer = _writer(path, fps, size, quality)
    n = int(round(duration_s * fps))
    for i in range(n):
        t = i / fps
        writer.write(seat_frame(t, present=not (leave_at <= t < return_at), size=size))
    writer.release()
    cv2.imwrite(str(path.with_name(path.stem + "_empty.png")), seat_frame(0.0, present=False, size=size))
    truth = {
        "video": path.name, "empty_seat_reference": path.stem + "_empty.png",
        "fps": fps, "duration_s": duration_s, "size": list(size),
        "seat_region": list(SEAT_REGION), "leave_at": leave_at, "return_at": return_at,
    }
    path.with_suffix(".json").write_text(json.dumps(truth, indent=2) + "\n")
    return truth


def write_waiting_video(path, duration_s: float = 30.0, fps: float = 1.0, start: int = 2, end: int = 12,
                        size=SIZE, quality: int = 30) -> dict:
    """Write the waiting-area video whose crowd grows from ``start`` to ``end`` figures."""
    path = Path(path)
    writer = _writer(path, fps, size, quality)
    n = int(round(duration_s * fps))
    for i in range(n):
        t = i / fps
        writer.write(waiting_frame(t, crowd_count_at(t, duration_s, start, end), size=size))
    writer.release()
    cv2.imwrite(str(path.with_name(path.stem + "_empty.png")), waiting_frame(0.0, 0, size=size))
    truth = {
        "video": path.name, "empty_reference": path.stem + "_empty.png",
        "fps": fps, "duration_s": duration_s, "size": list(size),
        "waiting_region": list(WAITING_REGION),
        "counts": [{"t": float(s), "count": crowd_count_at(s, duration_s, start, end)}
                   for s in range(int(duration_s))],
    }
    path.with_suffix(".json").write_text(json.dumps(truth, indent=2) + "\n")
    return truth


def main(argv: list[str]) -> None:
    out = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent.parent / "fixtures" / "videos"
    write_seat_video(out / "seat.avi")
    write_waiting_video(out / "waiting.avi")
    for p in sorted(out.iterdir()):
        print(f"{p}  {p.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main(sys.argv)
