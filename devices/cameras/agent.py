"""PatrolAgent: watches many cameras and turns frames into patrol detections.

One ``CameraSource`` per camera samples frames in the background; one agent
thread ticks through all cameras, analyses each new frame and feeds the rules.
``step()`` does one camera's evaluation synchronously, with a given time and
frame, for tests and replays; ``start()``/``stop()`` run the live loop.

While a camera is down or frozen its off-post and crowding rules are not fed:
a frozen picture of an occupied seat proves nothing, and neither does silence.
Their state is kept and resumes when the picture is live again.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import cv2
import numpy as np

from .analysis import FrozenDetector, PeopleCounter, Region, SeatModel
from .rules import CameraHealthRule, CrowdingRule, Detection, OffPostRule, SnapshotRing
from .source import CameraSource, Frame

log = logging.getLogger(__name__)

WindowState = tuple[bool, "str | None"]


@dataclass
class Thresholds:
    off_post_s: float = 120.0
    crowd_count: int = 10
    crowd_ratio: float | None = 1.5  # people > ratio * waiting tickets + margin is crowding too
    crowd_margin: int = 3
    crowd_samples: int = 3  # K consecutive samples to raise / clear
    crowd_hysteresis: int = 2
    down_after_s: float = 10.0
    frozen_after_s: float = 10.0
    frozen_eps: float = 0.25
    hog_every: int = 8  # HOG people count on every Nth sample only (no background reference); see docs/performance/cameras.md
    hog_max_width: int = 320
    snapshot_before_s: float = 10.0
    snapshot_after_s: float = 5.0
    snapshot_interval_s: float = 1.0


@dataclass
class CameraConfig:
    id: str
    url: str
    fps: float = 2.0
    seat_region: Region | None = None
    waiting_region: Region | None = None
    empty_seat_reference: np.ndarray | str | Path | None = None
    window_state_provider: Callable[[], WindowState] | None = None
    waiting_tickets_provider: Callable[[], int] | None = None
    thresholds: Thresholds = field(default_factory=Thresholds)
    waiting_background: np.ndarray | str | Path | None = None  # empty waiting area; enables the blob count
    open_timeout_s: float = 5.0
    read_timeout_s: float = 5.0


def _image(value: np.ndarray | str | Path | None) -> np.ndarray | None:
    if value is None or isinstance(value, np.ndarray):
        return value
    img = cv2.imread(str(value), cv2.IMREAD_COLOR)
    if img is None:
        raise FileNotFoundError(f"cannot read reference image {value}")
    return img


class _Camera:
    """Per-camera analysis and rule state."""

    def __init__(self, cfg: CameraConfig):
        t = cfg.thresholds
        self.cfg = cfg
        self.seat: SeatModel | None = None
        ref = _image(cfg.empty_seat_reference)
        if cfg.seat_region is not None and ref is not None:
            self.seat = SeatModel.calibrate(ref, cfg.seat_region)
        self.counter: PeopleCounter | None = None
        if cfg.waiting_region is not None:
            self.counter = PeopleCounter(region=cfg.waiting_region, background=_image(cfg.waiting_background),
                                         hog_every=t.hog_every, hog_max_width=t.hog_max_width)
        self.frozen = FrozenDetector(t.frozen_after_s, t.frozen_eps)
        self.off_post = OffPostRule(t.off_post_s, cfg.id)
        self.crowding = CrowdingRule(t.crowd_count, t.crowd_ratio, t.crowd_margin, t.crowd_samples,
                                     t.crowd_hysteresis, cfg.id)
        self.health = CameraHealthRule(t.down_after_s, cfg.id)
        self.ring = SnapshotRing(t.snapshot_before_s, t.snapshot_after_s, t.snapshot_interval_s)
        self.last_seq = 0
        self.last_frame_at: float | None = None
        self.is_frozen = False
        self.pending_snapshots: list[tuple[float, Detection, list[tuple[float, bytes]]]] = []
        self.last_observation: dict[str, Any] = {}
        # Frames around the moment the seat emptied, kept while the off-post clock runs: by the time
        # the threshold (minutes) is reached they have left the ring, and they are what a
        # supervisor needs to see ("before" = the staff member leaving, not an empty chair).
        self.leaving: dict[float, bytes] = {}


class PatrolAgent:
    def __init__(self, cameras: list[CameraConfig], on_detection: Callable[[Detection], None],
                 on_snapshot: Callable[[Detection, list[tuple[float, bytes]]], None] | None = None,
                 clock: Callable[[], float] = time.monotonic,
                 source_factory: Callable[[CameraConfig], CameraSource] | None = None,
                 tick_s: float = 0.1):
        ids = [c.id for c in cameras]
        if len(set(ids)) != len(ids):
            raise ValueError("camera ids must be unique")
        self.on_detection = on_detection
        self.on_snapshot = on_snapshot
        self.clock = clock
        self.tick_s = tick_s
        self.source_factory = source_factory or (lambda c: CameraSource(
            c.url, fps=c.fps, open_timeout_s=c.open_timeout_s, read_timeout_s=c.read_timeout_s,
            clock=clock, name=c.id))
        self.cameras: dict[str, _Camera] = {c.id: _Camera(c) for c in cameras}
        self.sources: dict[str, CameraSource] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # -- live loop

    def start(self) -> "PatrolAgent":
        if self._thread is not None:
            return self
        for cam_id, cam in self.cameras.items():
            self.sources[cam_id] = self.source_factory(cam.cfg).start()
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="patrol-agent", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None
        for source in self.sources.values():
            source.stop()
        self.sources.clear()

    def _run(self) -> None:
        while not self._stop.is_set():
            for cam_id, cam in self.cameras.items():
                source = self.sources.get(cam_id)
                if source is None:
                    continue
                frame = source.latest()
                if frame is not None and frame.seq == cam.last_seq:
                    frame = None
                try:
                    self.step(cam_id, frame, state=source.state)
                except Exception:  # one camera's bad frame or provider must not stop the patrol
                    log.exception("patrol step failed for camera %s", cam_id)
            self._stop.wait(self.tick_s)

    # -- one evaluation

    def step(self, camera_id: str, frame: Frame | np.ndarray | None, now: float | None = None,
             state: str | None = None) -> list[Detection]:
        """Evaluate one camera at ``now`` with a new ``frame`` (or None when nothing new arrived)."""
        cam = self.cameras[camera_id]
        now = self.clock() if now is None else now
        out: list[Detection] = []
        if isinstance(frame, np.ndarray):
            frame = Frame(frame, now, cam.last_seq + 1)
        if frame is not None:
            cam.last_seq = frame.seq
            cam.last_frame_at = frame.ts
            cam.ring.add(frame.ts, frame.image)
            cam.is_frozen = cam.frozen.update(frame.image, frame.ts)
        out += cam.health.update(now, cam.last_frame_at, cam.is_frozen, state)
        if frame is not None and cam.health.healthy:
            out += self._analyse(cam, frame, now)
        self._keep_leaving(cam)
        for det in out:
            self._emit(cam, det)
        self._flush_snapshots(cam, now)
        return out

    def _keep_leaving(self, cam: _Camera) -> None:
        """While the seat is empty and not yet flagged, keep the ring's frames around the moment it emptied."""
        since = cam.off_post.empty_since
        if since is None:
            if not cam.off_post.raised:
                cam.leaving = {}
            return
        if cam.off_post.raised:
            return
        for ts, jpeg in cam.ring.between(since - cam.ring.seconds_before, since + cam.ring.seconds_after):
            cam.leaving.setdefault(ts, jpeg)

    def _analyse(self, cam: _Camera, frame: Frame, now: float) -> list[Detection]:
        cfg, out = cam.cfg, []
        obs: dict[str, Any] = {"at": now}
        if cam.seat is not None and cfg.window_state_provider is not None:
            window_open, suppressed = cfg.window_state_provider()
            occupied, score = cam.seat.seat_occupied(frame.image)
            obs.update(window_open=window_open, suppressed=suppressed, seat_occupied=occupied, seat_score=score)
            out += cam.off_post.update(now, window_open, occupied, suppressed)
        if cam.counter is not None:
            count = cam.counter.count(frame.image)
            waiting = cfg.waiting_tickets_provider() if cfg.waiting_tickets_provider is not None else None
            obs.update(people=count, waiting=waiting)
            if cam.counter.fresh:  # K consecutive samples must be K real counts, not one repeated
                out += cam.crowding.update(now, count, waiting)
        cam.last_observation = obs
        return out

    def _emit(self, cam: _Camera, det: Detection) -> None:
        try:
            self.on_detection(det)
        except Exception:
            log.exception("on_detection failed for %s", det)
        if self.on_snapshot is not None and det.state == "raised":
            leaving = sorted(cam.leaving.items()) if det.kind == "off_post" else []
            cam.pending_snapshots.append((det.at + cam.ring.seconds_after, det, leaving))

    def _flush_snapshots(self, cam: _Camera, now: float) -> None:
        due = [p for p in cam.pending_snapshots if p[0] <= now]
        if not due:
            return
        cam.pending_snapshots = [p for p in cam.pending_snapshots if p[0] > now]
        for _, det, leaving in due:
            shots = dict(leaving)
            shots.update(cam.ring.around(det.at))
            try:
                self.on_snapshot(det, sorted(shots.items()))
            except Exception:
                log.exception("on_snapshot failed for %s", det)

    def status(self) -> dict[str, dict[str, Any]]:
        """Per camera: source state, last frame time, open conditions and the last observation (for pages)."""
        out = {}
        for cam_id, cam in self.cameras.items():
            src = self.sources.get(cam_id)
            out[cam_id] = {
                "state": src.state if src else None,
                "failures": src.failures if src else 0,
                "last_frame_at": cam.last_frame_at,
                "off_post": cam.off_post.raised,
                "crowding": cam.crowding.raised,
                "down": cam.health.down_since is not None,
                "frozen": cam.health.frozen_since is not None,
                **cam.last_observation,
            }
        return out
