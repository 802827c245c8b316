"""How many cameras one core can patrol at 2 fps.

Per 640x480 frame: seat check + people count + frozen check (+ the snapshot
ring's JPEG encode once a second, as the agent does). Measured for the
configurations the agent can run in:

- ``blobs``: waiting area calibrated with an empty-area background
- ``hog-every-1``: HOG people detector on every sample (region downscaled to 320 px wide)
- ``hog-every-4``: HOG on every 4th sample, count reused in between (the default)
- ``hog-640``: HOG at full 640 px width on every sample (the accuracy ceiling)

Run on one core: ``taskset -c 0 .venv/bin/python bench/bench_cameras.py``
(OpenCV's own thread pool is also limited to one thread below).
"""

from __future__ import annotations

import importlib.util
import sys
import time
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from devices.cameras import FrozenDetector, PeopleCounter, SeatModel, SnapshotRing  # noqa: E402

FPS = 2.0
TARGET = 25


def load_demo():
    spec = importlib.util.spec_from_file_location("make_demo_videos", ROOT / "scripts" / "make_demo_videos.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def frames(demo, n: int) -> list[np.ndarray]:
    # A window camera also sees part of the waiting area: alternate seat and crowd pictures at 640x480.
    out = []
    for i in range(n):
        t = i / FPS
        if i % 2:
            out.append(demo.waiting_frame(t, 2 + i % 11, size=(640, 480)))
        else:
            out.append(demo.seat_frame(t, present=(i // 10) % 2 == 0, size=(640, 480)))
    return out


def run(name: str, demo, images: list[np.ndarray], counter: PeopleCounter, seconds: float = 4.0) -> float:
    seat = SeatModel.calibrate(demo.seat_frame(0, False, size=(640, 480)), demo.SEAT_REGION)
    frozen = FrozenDetector(10.0)
    ring = SnapshotRing(interval_s=1.0)
    n, t0, i = 0, time.perf_counter(), 0
    while time.perf_counter() - t0 < seconds:
        img = images[i % len(images)]
        ts = i / FPS
        seat.seat_occupied(img)
        counter.count(img)
        frozen.update(img, ts)
        ring.add(ts, img)
        n += 1
        i += 1
    rate = n / (time.perf_counter() - t0)
    cams = rate / FPS
    print(f"{name:14s} {rate:8.1f} frames/s/core  {1000 / rate:7.2f} ms/frame  {cams:6.1f} cameras at {FPS:g} fps"
          f"  {'OK' if cams >= TARGET else 'below target'}")
    return rate


def main() -> None:
    cv2.setNumThreads(1)
    demo = load_demo()
    images = frames(demo, 40)
    bg = demo.waiting_frame(0, 0, size=(640, 480))
    region = demo.WAITING_REGION
    print(f"OpenCV {cv2.__version__}, threads={cv2.getNumThreads()}, 640x480, target {TARGET} cameras at {FPS:g} fps")
    run("blobs", demo, images, PeopleCounter(region=region, background=bg))
    run("hog-every-1", demo, images, PeopleCounter(region=region, method="hog", hog_max_width=320))
    run("hog-every-4", demo, images, PeopleCounter(region=region, method="hog", hog_max_width=320, hog_every=4))
    run("hog-every-8", demo, images, PeopleCounter(region=region, method="hog", hog_max_width=320, hog_every=8))
    run("hog-640", demo, images, PeopleCounter(region=region, method="hog", hog_max_width=640), seconds=3.0)
    jpeg = cv2.imencode(".jpg", images[1], [cv2.IMWRITE_JPEG_QUALITY, 80])[1]
    t0, n = time.perf_counter(), 0
    while time.perf_counter() - t0 < 1.0:
        cv2.imdecode(jpeg, cv2.IMREAD_COLOR)
        n += 1
    print(f"{'jpeg-decode':14s} {1000 * (time.perf_counter() - t0) / n:7.2f} ms per 640x480 MJPEG frame (sampled frames only)")


if __name__ == "__main__":
    main()
