"""Patrol rules: plain state machines over timestamped observations.

No threads and no clock of their own: every ``update`` gets the sample time
``at`` (seconds, any monotonic origin), so tests drive them with a fake clock.
Each ``update`` returns the list of ``Detection`` events it emitted (usually
empty): one ``raised`` when a condition starts, one ``cleared`` when it ends.
"""

from __future__ import annotations

import bisect
from collections import deque
from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np

OFF_POST = "off_post"
CROWDING = "crowding"
CAMERA_DOWN = "camera_down"
CAMERA_FROZEN = "camera_frozen"


@dataclass
class Detection:
    kind: str  # off_post | crowding | camera_down | camera_frozen
    camera_id: str
    state: str  # raised | cleared
    at: float  # when this event was emitted
    started_at: float  # when the condition began (for off post: when the seat became empty)
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def duration(self) -> float:
        return self.at - self.started_at


class OffPostRule:
    """离岗: the window is open, nobody is suppressing the check, and the seat stays empty.

    ``suppressed`` is a reason string (替岗 stand-in, lunch rota, an announced
    short absence) or None. While suppressed the clock does not run; when the
    suppression ends the empty-seat clock restarts from that sample. A raised
    event clears when the seat is occupied for ``return_samples`` samples in a
    row, or when the window closes or a suppression starts (with that reason).
    """

    def __init__(self, threshold_s: float, camera_id: str = "", return_samples: int = 1):
        self.threshold_s = threshold_s
        self.camera_id = camera_id
        self.return_samples = max(1, return_samples)
        self.empty_since: float | None = None
        self.raised = False
        self._occupied_run = 0

    def update(self, at: float, window_open: bool, seat_occupied: bool, suppressed: str | None = None) -> list[Detection]:
        if self.raised:
            if seat_occupied:
                self._occupied_run += 1
                if self._occupied_run >= self.return_samples:
                    return [self._clear(at, "returned")]
                return []
            self._occupied_run = 0
            if not window_open:
                return [self._clear(at, "window_closed")]
            if suppressed:
                return [self._clear(at, "suppressed", suppressed=suppressed)]
            return []
        if window_open and not seat_occupied and not suppressed:
            if self.empty_since is None:
                self.empty_since = at
            elif at - self.empty_since > self.threshold_s:
                self.raised = True
                self._occupied_run = 0
                return [Detection(OFF_POST, self.camera_id, "raised", at, self.empty_since,
                                  {"threshold_s": self.threshold_s, "empty_s": at - self.empty_since})]
        else:
            self.empty_since = None
        return []

    def _clear(self, at: float, reason: str, **extra) -> Detection:
        started = self.empty_since if self.empty_since is not None else at
        self.raised = False
        self.empty_since = None
        self._occupied_run = 0
        return Detection(OFF_POST, self.camera_id, "cleared", at, started,
                         {"reason": reason, "cleared_at": at, "duration_s": at - started, **extra})


class CrowdingRule:
    """Too many people in the waiting area.

    Over when ``count > threshold``, or when ``ratio`` is set and the count is
    far above the waiting tickets (``count > ratio * waiting + margin``: people
    who have not taken a number, or a stuck queue). Raised after ``k``
    consecutive over samples; cleared after ``k`` consecutive samples at or
    below ``threshold - hysteresis`` (and well inside the ticket bound), so a
    count hovering at the threshold does not flap.
    """

    def __init__(self, threshold: int, ratio: float | None = None, margin: int = 3, k: int = 3,
                 hysteresis: int = 2, camera_id: str = ""):
        self.threshold = threshold
        self.ratio = ratio
        self.margin = margin
        self.k = max(1, k)
        self.hysteresis = hysteresis
        self.camera_id = camera_id
        self.raised = False
        self.started_at: float | None = None
        self._run = 0
        self._run_start: float | None = None
        self.peak = 0

    def _reason(self, count: int, waiting: int | None, slack: int) -> str | None:
        if count > self.threshold - slack:
            return "count"
        if self.ratio is not None and waiting is not None and count > self.ratio * waiting + self.margin - slack:
            return "tickets_mismatch"
        return None

    def update(self, at: float, count: int, waiting: int | None = None) -> list[Detection]:
        if not self.raised:
            reason = self._reason(count, waiting, 0)
            if reason is None:
                self._run, self._run_start = 0, None
                return []
            if self._run == 0:
                self._run_start = at
            self._run += 1
            if self._run >= self.k:
                self.raised, self.started_at, self.peak = True, self._run_start, count
                self._run = 0
                return [Detection(CROWDING, self.camera_id, "raised", at, self.started_at,
                                  {"count": count, "waiting": waiting, "reason": reason,
                                   "threshold": self.threshold})]
            return []
        self.peak = max(self.peak, count)
        if self._reason(count, waiting, self.hysteresis) is not None:
            self._run = 0
            return []
        self._run += 1
        if self._run >= self.k:
            self.raised, self._run = False, 0
            return [Detection(CROWDING, self.camera_id, "cleared", at, self.started_at,
                              {"count": count, "waiting": waiting, "peak": self.peak,
                               "cleared_at": at, "duration_s": at - self.started_at})]
        return []


class CameraHealthRule:
    """Camera down (no frame for ``down_after_s``) or frozen (the analysis says so).

    ``last_frame_at`` is None until the first frame; the down clock then runs
    from the first update. Both clear as soon as the camera is live again.
    """

    def __init__(self, down_after_s: float = 10.0, camera_id: str = ""):
        self.down_after_s = down_after_s
        self.camera_id = camera_id
        self.first_seen: float | None = None
        self.down_since: float | None = None
        self.frozen_since: float | None = None

    def update(self, at: float, last_frame_at: float | None, frozen: bool = False,
               source_state: str | None = None) -> list[Detection]:
        if self.first_seen is None:
            self.first_seen = at
        out: list[Detection] = []
        reference = last_frame_at if last_frame_at is not None else self.first_seen
        silent = at - reference >= self.down_after_s
        if silent and self.down_since is None:
            self.down_since = reference
            out.append(Detection(CAMERA_DOWN, self.camera_id, "raised", at, reference,
                                 {"last_frame_at": last_frame_at, "source_state": source_state}))
        elif not silent and self.down_since is not None:
            started, self.down_since = self.down_since, None
            out.append(Detection(CAMERA_DOWN, self.camera_id, "cleared", at, started,
                                 {"cleared_at": at, "duration_s": at - started, "source_state": source_state}))
        if frozen and self.frozen_since is None and not silent:
            self.frozen_since = at
            out.append(Detection(CAMERA_FROZEN, self.camera_id, "raised", at, at, {"source_state": source_state}))
        elif not frozen and self.frozen_since is not None:
            started, self.frozen_since = self.frozen_since, None
            out.append(Detection(CAMERA_FROZEN, self.camera_id, "cleared", at, started,
                                 {"cleared_at": at, "duration_s": at - started}))
        return out

    @property
    def healthy(self) -> bool:
        return self.down_since is None and self.frozen_since is None


class SnapshotRing:
    """Recent frames as JPEG so an event keeps pictures from before and after it.

    At most one frame per ``interval_s`` is encoded (JPEG encoding is the
    expensive part); frames older than ``seconds_before + seconds_after`` are
    dropped.
    """

    def __init__(self, seconds_before: float = 10.0, seconds_after: float = 5.0, interval_s: float = 1.0,
                 jpeg_quality: int = 70, max_width: int = 640):
        self.seconds_before = seconds_before
        self.seconds_after = seconds_after
        self.interval_s = interval_s
        self.jpeg_quality = jpeg_quality
        self.max_width = max_width
        self._frames: deque[tuple[float, bytes]] = deque()

    def add(self, ts: float, image: np.ndarray | bytes) -> bool:
        """Keep this frame if the interval allows; returns whether it was kept."""
        if self._frames and ts - self._frames[-1][0] < self.interval_s:
            return False
        if isinstance(image, (bytes, bytearray)):
            data = bytes(image)
        else:
            if image.shape[1] > self.max_width:
                scale = self.max_width / image.shape[1]
                image = cv2.resize(image, (self.max_width, int(image.shape[0] * scale)), interpolation=cv2.INTER_AREA)
            ok, buf = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, self.jpeg_quality])
            if not ok:
                return False
            data = buf.tobytes()
        self._frames.append((ts, data))
        horizon = ts - (self.seconds_before + self.seconds_after + self.interval_s)
        while self._frames and self._frames[0][0] < horizon:
            self._frames.popleft()
        return True

    def between(self, start: float, end: float) -> list[tuple[float, bytes]]:
        times = [t for t, _ in self._frames]
        lo, hi = bisect.bisect_left(times, start), bisect.bisect_right(times, end)
        return list(self._frames)[lo:hi]

    def around(self, at: float) -> list[tuple[float, bytes]]:
        """Frames from ``seconds_before`` before ``at`` to ``seconds_after`` after it (as far as recorded)."""
        return self.between(at - self.seconds_before, at + self.seconds_after)

    def __len__(self) -> int:
        return len(self._frames)
