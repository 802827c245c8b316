"""Frame analysis for video patrols: seat occupancy, people count, frozen picture.

Pure functions and small stateful helpers over numpy BGR frames; no threads,
no clocks (timestamps are passed in).

Regions are given in relative 0..1 coordinates so a calibration survives a
change of stream resolution: either a rect ``(x0, y0, x1, y1)`` or a polygon
``[(x, y), ...]`` with at least three points.

Which method runs when:

- Seat check (``SeatModel.seat_occupied``): always the empty-seat reference
  diff (cheap, ~1 ms). The OpenCV detectors (Haar frontal face, HOG people) only
  run when the diff is ambiguous, i.e. the changed-area ratio lies between
  ``low`` and ``high``; a detection then means occupied. This keeps the
  per-frame cost low while letting a real face/person settle the unclear cases
  (a jacket left on the chair, a large lighting change).
- People count (``count_people``/``PeopleCounter``): with a background
  reference of the empty waiting area the foreground-blob method is used (fast,
  and the one that counts the synthetic demo figures, which HOG does not see as
  people). Without a reference, HOG people detection with non-max suppression
  on the region, downscaled to ``hog_max_width``; HOG needs people roughly
  ≥ 128 px tall at that scale, so cameras looking at far-away small people
  should be calibrated with a background reference instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import cv2
import numpy as np

Rect = tuple[float, float, float, float]
Region = Rect | Sequence[tuple[float, float]]


# ---------------------------------------------------------------- regions

def _region_polygon(region: Region | None) -> np.ndarray:
    if region is None:
        return np.array([[0, 0], [1, 0], [1, 1], [0, 1]], np.float32)
    pts = list(region)
    if len(pts) == 4 and all(isinstance(v, (int, float)) for v in pts):
        x0, y0, x1, y1 = (float(v) for v in pts)
        return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], np.float32)
    poly = np.array([[float(x), float(y)] for x, y in pts], np.float32)
    if len(poly) < 3:
        raise ValueError("a polygon region needs at least three points")
    return poly


def crop_region(frame: np.ndarray, region: Region | None) -> tuple[np.ndarray, np.ndarray]:
    """Return the bounding-box crop of ``region`` and a uint8 mask (255 inside) of the same size."""
    h, w = frame.shape[:2]
    poly = _region_polygon(region)
    px = np.clip(np.round(poly * [w, h]), 0, [w, h]).astype(np.int32)
    x0, y0 = px.min(axis=0)
    x1, y1 = px.max(axis=0)
    if x1 - x0 < 2 or y1 - y0 < 2:
        raise ValueError(f"region {region!r} is empty at {w}x{h}")
    crop = frame[y0:y1, x0:x1]
    mask = np.zeros(crop.shape[:2], np.uint8)
    cv2.fillPoly(mask, [px - [x0, y0]], 255)
    return crop, mask


def _prepared(img: np.ndarray, size: tuple[int, int] | None = None, max_width: int = 160) -> np.ndarray:
    """Blurred, downscaled colour crop used for reference comparison.

    Colour, not grey: a navy uniform in front of a dark grey chair has almost
    the same grey level. Downscaled to ``max_width`` because occupancy does not
    need detail and it keeps the diff well under a millisecond.
    """
    if size is None:
        h, w = img.shape[:2]
        scale = min(1.0, max_width / float(w))
        size = (max(2, int(round(w * scale))), max(2, int(round(h * scale))))
    if (img.shape[1], img.shape[0]) != size:
        # Linear, not area: 3x faster, and the blur below removes the aliasing.
        img = cv2.resize(img, size, interpolation=cv2.INTER_LINEAR)
    return cv2.GaussianBlur(img, (5, 5), 0)


def changed_mask(img: np.ndarray, ref: np.ndarray, mask: np.ndarray, diff_threshold: int = 28) -> np.ndarray:
    """Pixels that differ from the reference beyond a uniform brightness shift.

    Subtracting the per-channel median difference inside the region cancels a
    global lighting change (daylight, a lamp) as long as most of the region is
    still background; when a person covers most of it, the rest still shows up.
    The median is taken on every 4th pixel and the rest done with cv2 calls:
    this runs for every camera at every sample.
    """
    sub = mask[::4, ::4] > 0
    if img.ndim == 2:
        img, ref = img[:, :, None], ref[:, :, None]
    offsets = []
    for c in range(img.shape[2]):
        d = img[::4, ::4, c][sub].astype(np.int16) - ref[::4, ::4, c][sub]
        offsets.append(int(np.median(d)) if d.size else 0)
    best = None
    for c, off in enumerate(offsets):
        shifted = cv2.add(ref[:, :, c], off) if off >= 0 else cv2.subtract(ref[:, :, c], -off)
        d = cv2.absdiff(np.ascontiguousarray(img[:, :, c]), shifted)
        best = d if best is None else cv2.max(best, d)
    _, changed = cv2.threshold(best, diff_threshold, 255, cv2.THRESH_BINARY)
    return cv2.bitwise_and(changed, mask)


# ---------------------------------------------------------------- detectors

_HOG: cv2.HOGDescriptor | None = None
_FACE: cv2.CascadeClassifier | None = None


def hog_people_detector() -> cv2.HOGDescriptor:
    """OpenCV's built-in HOG + linear SVM pedestrian detector (ships with cv2, nothing downloaded)."""
    global _HOG
    if _HOG is None:
        hog = cv2.HOGDescriptor()
        hog.setSVMDetector(cv2.HOGDescriptor_getDefaultPeopleDetector())
        _HOG = hog
    return _HOG


def face_cascade() -> cv2.CascadeClassifier:
    """Haar frontal-face cascade from ``cv2.data.haarcascades``."""
    global _FACE
    if _FACE is None:
        cascade = cv2.CascadeClassifier(cv2.data.haarcascades + "haarcascade_frontalface_default.xml")
        if cascade.empty():
            raise RuntimeError("Haar frontal face cascade missing from this cv2 build")
        _FACE = cascade
    return _FACE


def non_max_suppression(boxes: np.ndarray, scores: np.ndarray | None = None, overlap: float = 0.5) -> np.ndarray:
    """Greedy NMS over (x, y, w, h) boxes; HOG's own grouping still leaves overlapping hits."""
    if len(boxes) == 0:
        return np.zeros((0, 4), np.int32)
    boxes = np.asarray(boxes, np.float32)
    x1, y1 = boxes[:, 0], boxes[:, 1]
    x2, y2 = x1 + boxes[:, 2], y1 + boxes[:, 3]
    area = boxes[:, 2] * boxes[:, 3]
    order = np.argsort(scores if scores is not None else y2)[::-1]
    keep = []
    while order.size:
        i = order[0]
        keep.append(i)
        xx1 = np.maximum(x1[i], x1[order[1:]])
        yy1 = np.maximum(y1[i], y1[order[1:]])
        xx2 = np.minimum(x2[i], x2[order[1:]])
        yy2 = np.minimum(y2[i], y2[order[1:]])
        inter = np.maximum(0, xx2 - xx1) * np.maximum(0, yy2 - yy1)
        smaller = np.minimum(area[i], area[order[1:]])
        order = order[1:][inter / np.maximum(smaller, 1e-6) <= overlap]
    return boxes[keep].astype(np.int32)


def detect_people_hog(img: np.ndarray, max_width: int = 400, min_weight: float = 0.3) -> np.ndarray:
    """People boxes (x, y, w, h) in ``img`` coordinates, after NMS."""
    h, w = img.shape[:2]
    scale = min(1.0, max_width / float(w))
    small = cv2.resize(img, (int(w * scale), int(h * scale)), interpolation=cv2.INTER_AREA) if scale < 1 else img
    if small.shape[0] < 128 or small.shape[1] < 64:
        return np.zeros((0, 4), np.int32)
    rects, weights = hog_people_detector().detectMultiScale(small, winStride=(8, 8), padding=(8, 8), scale=1.05)
    if len(rects) == 0:
        return np.zeros((0, 4), np.int32)
    weights = np.asarray(weights).reshape(-1)
    keep = weights >= min_weight
    boxes = non_max_suppression(np.asarray(rects)[keep], weights[keep], 0.65)
    return (boxes / scale).astype(np.int32)


def detect_faces(img: np.ndarray) -> np.ndarray:
    gray = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY) if img.ndim == 3 else img
    gray = cv2.equalizeHist(gray)
    faces = face_cascade().detectMultiScale(gray, scaleFactor=1.1, minNeighbors=5, minSize=(20, 20))
    return np.asarray(faces).reshape(-1, 4)


# ---------------------------------------------------------------- seat

@dataclass
class SeatModel:
    """Empty-seat reference for one window seat; answers 'is someone sitting there'."""

    low: float = 0.05  # changed-area ratio below which the seat is empty, detectors or not
    high: float = 0.30  # ratio above which it is occupied without asking the detectors
    decide: float = 0.15  # in between with no detection, this ratio decides
    diff_threshold: int = 28
    use_detectors: bool = True
    region: Region | None = None
    reference: np.ndarray | None = field(default=None, repr=False)
    last_method: str = ""
    _mask: np.ndarray | None = field(default=None, repr=False)
    _mask_key: tuple | None = field(default=None, repr=False)

    @classmethod
    def calibrate(cls, empty_seat_images: Sequence[np.ndarray] | np.ndarray, region: Region | None = None,
                  **options) -> "SeatModel":
        """Average one or more pictures of the empty seat into the reference for ``region``."""
        if isinstance(empty_seat_images, np.ndarray) and empty_seat_images.ndim <= 3:
            empty_seat_images = [empty_seat_images]
        images = list(empty_seat_images)
        if not images:
            raise ValueError("calibrate needs at least one empty-seat image")
        model = cls(region=region, **options)
        crops = [crop_region(img, region)[0] for img in images]
        size = (_prepared(crops[0]).shape[1], _prepared(crops[0]).shape[0])
        stack = np.stack([_prepared(c, size).astype(np.float32) for c in crops])
        model.reference = stack.mean(axis=0).astype(np.uint8)
        return model

    def seat_occupied(self, frame: np.ndarray, region: Region | None = None) -> tuple[bool, float]:
        """(occupied, score); score is the changed-area ratio, 1.0 when a detector confirmed a person."""
        if self.reference is None:
            raise RuntimeError("SeatModel is not calibrated")
        region = self.region if region is None else region
        crop, _ = crop_region(frame, region)
        size = (self.reference.shape[1], self.reference.shape[0])
        prepared = _prepared(crop, size)
        key = (frame.shape[:2], repr(region))
        if self._mask_key != key:
            _, mask = crop_region(np.zeros(frame.shape[:2], np.uint8), region)
            self._mask = cv2.resize(mask, size, interpolation=cv2.INTER_NEAREST)
            self._mask_key = key
        mask = self._mask
        changed = changed_mask(prepared, self.reference, mask, self.diff_threshold)
        ratio = float(np.count_nonzero(changed)) / max(1, int(np.count_nonzero(mask)))
        if ratio < self.low:
            self.last_method = "diff"
            return False, ratio
        if ratio >= self.high or not self.use_detectors:
            self.last_method = "diff"
            return ratio >= (self.high if self.use_detectors else self.decide), ratio
        if len(detect_faces(crop)) or len(detect_people_hog(crop)):
            self.last_method = "detector"
            return True, 1.0
        self.last_method = "diff"
        return ratio >= self.decide, ratio


# ---------------------------------------------------------------- people count

@dataclass
class PeopleCounter:
    """Counts people in a waiting-area region; see the module docstring for the method choice.

    ``hog_every`` > 1 runs HOG only on every Nth call and repeats the last count
    in between: a waiting crowd changes over tens of seconds, so counting every
    few samples loses nothing and saves most of the CPU.
    """

    region: Region | None = None
    background: np.ndarray | None = field(default=None, repr=False)
    method: str = "auto"  # auto | blobs | hog
    hog_every: int = 1
    hog_max_width: int = 400
    min_blob_ratio: float = 0.004  # of the region area; drops noise and bags
    person_area_ratio: float | None = None  # typical person blob area; splits merged groups when set
    diff_threshold: int = 30
    _calls: int = 0
    _last_hog: int = 0
    last_method: str = ""
    fresh: bool = False  # whether the last count() measured, or repeated the last HOG count

    def __post_init__(self):
        if self.background is not None:
            crop, _ = crop_region(self.background, self.region)
            self._bg = _prepared(crop, max_width=320)
        else:
            self._bg = None

    def count(self, frame: np.ndarray) -> int:
        method = self.method
        if method == "auto":
            method = "blobs" if self._bg is not None else "hog"
        self.last_method = method
        self.fresh = True
        crop, mask = crop_region(frame, self.region)
        if method == "blobs":
            if self._bg is None:
                raise ValueError("the blob method needs a background reference of the empty area")
            return self._count_blobs(crop, mask)
        if method != "hog":
            raise ValueError(f"unknown people-count method {method!r}")
        self._calls += 1
        if self.hog_every <= 1 or (self._calls - 1) % self.hog_every == 0:
            boxes = detect_people_hog(cv2.bitwise_and(crop, crop, mask=mask), self.hog_max_width)
            self._last_hog = len(boxes)
        else:
            self.fresh = False
        return self._last_hog

    def _count_blobs(self, crop: np.ndarray, mask: np.ndarray) -> int:
        prepared = _prepared(crop, (self._bg.shape[1], self._bg.shape[0]))
        if mask.shape != prepared.shape[:2]:
            mask = cv2.resize(mask, (prepared.shape[1], prepared.shape[0]), interpolation=cv2.INTER_NEAREST)
        changed = changed_mask(prepared, self._bg, mask, self.diff_threshold)
        changed = cv2.morphologyEx(changed, cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
        changed = cv2.morphologyEx(changed, cv2.MORPH_CLOSE, np.ones((5, 5), np.uint8))
        n, _, stats, _ = cv2.connectedComponentsWithStats(changed, connectivity=8)
        area_total = float(np.count_nonzero(mask)) or 1.0
        count = 0
        for i in range(1, n):
            area = stats[i, cv2.CC_STAT_AREA] / area_total
            if area < self.min_blob_ratio:
                continue
            count += max(1, int(round(area / self.person_area_ratio))) if self.person_area_ratio else 1
        return count


def count_people(frame: np.ndarray, region: Region | None = None, *, background: np.ndarray | None = None,
                 method: str = "auto", hog_max_width: int = 400) -> int:
    """People in ``region`` of ``frame``: blobs against ``background`` when given, else HOG + NMS."""
    return PeopleCounter(region=region, background=background, method=method,
                         hog_max_width=hog_max_width).count(frame)


# ---------------------------------------------------------------- frozen picture

class FrozenDetector:
    """A picture that stays (near) identical for ``freeze_s`` seconds is frozen.

    Compared against the first frame of the still period, not the previous
    frame, so a slow drift is not mistaken for a freeze. Frames are subsampled
    by nearest neighbour, not averaged, so the sensor noise of a live camera
    (mean difference of one or more grey levels) stays visible while a stuck
    encoder repeating the same picture gives ~0.
    """

    def __init__(self, freeze_s: float = 10.0, eps: float = 0.25, sample_size: tuple[int, int] = (160, 120)):
        self.freeze_s = freeze_s
        self.eps = eps
        self.sample_size = sample_size
        self._ref: np.ndarray | None = None
        self._still_since: float | None = None
        self.last_diff: float = 0.0

    def update(self, frame: np.ndarray, ts: float) -> bool:
        small = cv2.resize(frame, self.sample_size, interpolation=cv2.INTER_NEAREST)
        if self._ref is None or self._ref.shape != small.shape:
            self._ref, self._still_since = small, ts
            return False
        self.last_diff = float(cv2.absdiff(small, self._ref).mean())
        if self.last_diff > self.eps:
            self._ref, self._still_since = small, ts
            return False
        return ts - self._still_since >= self.freeze_s

    @property
    def still_since(self) -> float | None:
        return self._still_since

    def reset(self) -> None:
        self._ref = self._still_since = None
