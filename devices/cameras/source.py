"""Camera frames by URL, sampled at a low rate, never blocking the caller.

Supported URLs:

- ``rtsp://user:pass@host:554/stream``   IP cameras and NVR channels (OpenCV/FFmpeg)
- ``http://host/video.mjpg``             MJPEG over HTTP (multipart/x-mixed-replace),
  read by a small pure-Python multipart reader (``?backend=opencv`` uses FFmpeg instead)
- ``/path/demo.avi`` or ``file:///path/demo.avi``  a video file, played at its own
  timeline; ``?loop=1`` repeats it and ``?speed=4`` plays it faster (demos)
- ``device://0`` or ``"0"``                a local capture device (V4L2)

Why the design: OpenCV's ``VideoCapture.read`` blocks ~30 s on a stalled RTSP
stream by default, and a release() while another thread is inside read() can
crash. So each connection gets its own daemon reader thread that opens and
reads; a supervisor thread only watches it with the open/read timeouts. A
stuck reader is abandoned (it exits by itself when its own socket/FFmpeg
timeout fires) and a fresh connection is opened with exponential backoff.
The caller only ever calls ``latest()``, which returns at once.

States: ``connecting`` until the first frame; ``live`` while frames arrive;
``stalled`` when the connection is open but no frame came for
``read_timeout_s``; ``down`` when opening failed or the stream ended or broke.
While reconnecting after a failure the state stays ``stalled``/``down`` until
a frame actually arrives.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator
from urllib.parse import parse_qs, unquote, urlsplit

import cv2
import numpy as np

from devices.backoff import Backoff

from .mjpeg import MJPEGStream

log = logging.getLogger(__name__)

STATES = ("connecting", "live", "stalled", "down")


@dataclass(frozen=True)
class Frame:
    image: np.ndarray
    ts: float  # source clock (time.monotonic by default) when the frame was sampled
    seq: int  # 1, 2, 3... per source; a new number means a new picture
    pts: float | None = None  # position in a video file, seconds


@dataclass
class CameraURL:
    kind: str  # rtsp | http | file | device
    target: str | int
    loop: bool = False
    speed: float = 1.0
    backend: str = ""
    raw: str = ""


def parse_camera_url(url: str | int) -> CameraURL:
    raw = str(url)
    if isinstance(url, int) or raw.isdigit():
        return CameraURL("device", int(raw), raw=raw)
    parts = urlsplit(raw)
    opts = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    scheme = parts.scheme.lower()
    loop = opts.get("loop", "0").lower() in ("1", "true", "yes")
    speed = float(opts.get("speed", "1") or 1)
    if scheme in ("rtsp", "rtsps", "rtmp"):
        return CameraURL("rtsp", raw, raw=raw)
    if scheme in ("http", "https"):
        backend = opts.get("backend", "python")
        # backend is ours, not the camera's: drop it from the query sent to the camera
        query = "&".join(q for q in parts.query.split("&") if q and not q.startswith("backend="))
        target = parts._replace(query=query).geturl()
        return CameraURL("http", target, backend=backend, raw=raw)
    if scheme == "device":
        return CameraURL("device", int(parts.netloc or parts.path.strip("/") or 0), raw=raw)
    if scheme == "file":
        return CameraURL("file", unquote(parts.path), loop=loop, speed=speed, raw=raw)
    if scheme == "" or len(scheme) == 1:  # plain path (a Windows drive letter looks like a scheme)
        return CameraURL("file", raw.split("?")[0], loop=loop, speed=speed, raw=raw)
    raise ValueError(f"unsupported camera URL {raw!r}")


# ---------------------------------------------------------------- source

class _Conn:
    """One connection attempt, shared between its reader thread and the supervisor."""

    def __init__(self):
        self.opened = threading.Event()
        self.abandoned = threading.Event()
        self.ended = False
        self.end_reason = ""
        self.error: BaseException | None = None
        self.last_raw: float | None = None
        self.closer: Callable[[], None] | None = None

    def abandon(self) -> None:
        self.abandoned.set()
        if self.closer is not None:
            try:
                self.closer()
            except Exception:
                pass


class CameraSource:
    """Background sampler for one camera; ``latest()`` returns the newest ``Frame`` or None."""

    def __init__(self, url: str | int, fps: float = 2.0, open_timeout_s: float = 5.0, read_timeout_s: float = 5.0,
                 loop: bool | None = None, backoff_initial_s: float = 0.5, backoff_max_s: float = 30.0,
                 clock: Callable[[], float] = time.monotonic, name: str = ""):
        self.url = parse_camera_url(url)
        if loop is not None:
            self.url.loop = loop
        self.fps = fps
        self.period = 1.0 / fps
        self.open_timeout_s = open_timeout_s
        self.read_timeout_s = read_timeout_s
        self.backoff_initial_s = backoff_initial_s
        self.backoff_max_s = backoff_max_s
        self.clock = clock
        self.name = name or str(url)
        self.state = "connecting"
        self.last_frame_at: float | None = None
        self.failures = 0
        self.consecutive_failures = 0
        self._retry = Backoff(backoff_initial_s, backoff_max_s)
        self.last_error = ""
        self.ended = False  # a non-looping file played to its end
        self.transitions: deque[tuple[float, str]] = deque(maxlen=64)
        self._latest: Frame | None = None
        self._seq = 0
        self._cond = threading.Condition()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._conn: _Conn | None = None

    # -- public

    def start(self) -> "CameraSource":
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._supervise, name=f"camera:{self.name}", daemon=True)
            self._thread.start()
        return self

    def stop(self, timeout: float = 2.0) -> None:
        self._stop.set()
        if self._conn is not None:
            self._conn.abandon()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def latest(self) -> Frame | None:
        return self._latest

    def wait_frame(self, after_seq: int = 0, timeout: float = 5.0) -> Frame | None:
        """Block until a frame newer than ``after_seq`` (for tests and one-shot tools)."""
        with self._cond:
            self._cond.wait_for(lambda: self._latest is not None and self._latest.seq > after_seq, timeout)
            frame = self._latest
        return frame if frame is not None and frame.seq > after_seq else None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # -- supervisor

    def _set_state(self, state: str) -> None:
        if state != self.state:
            self.state = state
            self.transitions.append((self.clock(), state))
            log.info("camera %s: %s", self.name, state)

    def _supervise(self) -> None:
        while not self._stop.is_set():
            conn = _Conn()
            self._conn = conn
            threading.Thread(target=self._read, args=(conn,), name=f"camera-read:{self.name}", daemon=True).start()
            reason = self._watch(conn)
            conn.abandon()
            if reason is None or self._stop.is_set():
                break
            if reason == "end":
                self.ended = True
                self._set_state("down")
                break
            self.failures += 1
            self.consecutive_failures += 1
            self.last_error = f"{reason}: {conn.error}" if conn.error else reason
            self._set_state("stalled" if reason == "stalled" else "down")
            delay = self._retry.next()
            log.warning("camera %s %s, retry in %.1fs", self.name, self.last_error, delay)
            self._stop.wait(delay)

    def _watch(self, conn: _Conn) -> str | None:
        poll = min(0.05, self.read_timeout_s / 10)
        deadline = self.clock() + self.open_timeout_s
        while not conn.opened.is_set():
            if self._stop.is_set():
                return None
            if conn.ended:
                return "open_failed"
            if self.clock() > deadline:
                return "open_timeout"
            conn.opened.wait(poll)
        last = self.clock()
        while not self._stop.is_set():
            if conn.ended:
                return conn.end_reason or "error"
            if conn.last_raw is not None and conn.last_raw > last:
                last = conn.last_raw
            if self.url.kind != "file" and self.clock() - last >= self.read_timeout_s:
                return "stalled"
            self._stop.wait(poll)
        return None

    # -- reader thread

    def _publish(self, conn: _Conn, image: np.ndarray | None, pts: float | None = None) -> None:
        if image is None or conn.abandoned.is_set():
            return
        with self._cond:
            self._seq += 1
            now = self.clock()
            self._latest = Frame(image, now, self._seq, pts)
            self.last_frame_at = now
            self.consecutive_failures = 0
            self._retry.reset()
            self._set_state("live")
            self._cond.notify_all()

    def _read(self, conn: _Conn) -> None:
        try:
            if self.url.kind == "http" and self.url.backend != "opencv":
                self._read_mjpeg(conn)
            elif self.url.kind == "file":
                self._read_file(conn)
            else:
                self._read_capture(conn)
        except TimeoutError as exc:  # the socket's own read timeout: the peer went quiet
            conn.error = exc
            conn.end_reason = "stalled"
        except Exception as exc:  # any failure is reported to the supervisor, which reconnects
            conn.error = exc
            conn.end_reason = conn.end_reason or "error"
        finally:
            conn.ended = True

    def _due(self, next_due: float, now: float) -> tuple[bool, float]:
        if now + 1e-3 < next_due:
            return False, next_due
        next_due += self.period
        return True, next_due if next_due > now else now + self.period

    def _read_mjpeg(self, conn: _Conn) -> None:
        stream = MJPEGStream(self.url.target, self.open_timeout_s, self.read_timeout_s)
        conn.closer = stream.close
        conn.opened.set()
        next_due = 0.0
        try:
            for jpeg in stream.frames():
                if conn.abandoned.is_set():
                    return
                conn.last_raw = now = self.clock()
                due, next_due = self._due(next_due, now)
                if due:  # only sampled parts are decoded
                    self._publish(conn, cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR))
            conn.end_reason = "eof"
        finally:
            stream.close()

    def _open_capture(self) -> cv2.VideoCapture:
        if self.url.kind == "device":
            return cv2.VideoCapture(int(self.url.target))
        if self.url.kind == "file":
            if not Path(self.url.target).exists():
                raise FileNotFoundError(self.url.target)
            return cv2.VideoCapture(str(self.url.target))
        params = [cv2.CAP_PROP_OPEN_TIMEOUT_MSEC, int(self.open_timeout_s * 1000),
                  cv2.CAP_PROP_READ_TIMEOUT_MSEC, int(self.read_timeout_s * 1000)]
        return cv2.VideoCapture(str(self.url.target), cv2.CAP_FFMPEG, params)

    def _read_capture(self, conn: _Conn) -> None:
        cap = self._open_capture()
        try:
            if not cap.isOpened():
                raise ConnectionError(f"cannot open {self.url.raw}")
            conn.opened.set()
            next_due = 0.0
            while not conn.abandoned.is_set():
                if not cap.grab():
                    conn.end_reason = "eof"
                    return
                conn.last_raw = now = self.clock()
                due, next_due = self._due(next_due, now)
                if due:  # grab() every frame to stay current, decode only the sampled ones
                    ok, image = cap.retrieve()
                    self._publish(conn, image if ok else None)
        finally:
            # Released here, in the thread that reads, never concurrently with grab().
            cap.release()

    def _read_file(self, conn: _Conn) -> None:
        cap = self._open_capture()
        try:
            if not cap.isOpened():
                raise ConnectionError(f"cannot open {self.url.target}")
            conn.opened.set()
            file_fps = cap.get(cv2.CAP_PROP_FPS) or 25.0
            speed = self.url.speed or 1.0
            start, offset, index, next_pts = self.clock(), 0.0, 0, 0.0
            while not conn.abandoned.is_set():
                if not cap.grab():
                    if self.url.loop and index > 0:
                        cap.release()
                        cap = self._open_capture()
                        offset += index / file_fps
                        index = 0
                        continue
                    conn.end_reason = "end"
                    return
                pts = offset + index / file_fps
                index += 1
                delay = start + pts / speed - self.clock()
                if delay > 0 and conn.abandoned.wait(delay):
                    return
                conn.last_raw = self.clock()
                if pts + 1e-6 >= next_pts:
                    next_pts = max(next_pts + self.period, pts)
                    ok, image = cap.retrieve()
                    self._publish(conn, image if ok else None, pts=pts)
        finally:
            cap.release()


def read_video_samples(path: str | Path, fps: float = 2.0) -> Iterator[Frame]:
    """Frames of a video file sampled at ``fps`` on the file's timeline, as fast as they decode.

    ``ts`` is the position in the file, so rules driven by these frames behave
    exactly as they would watching the file in real time (tests, replays).
    """
    cap = cv2.VideoCapture(str(path))
    if not cap.isOpened():
        raise FileNotFoundError(path)
    file_fps = cap.get(cv2.CAP_PROP_FPS) or 25.0
    index, seq, next_pts = 0, 0, 0.0
    try:
        while cap.grab():
            pts = index / file_fps
            index += 1
            if pts + 1e-6 >= next_pts:
                next_pts += 1.0 / fps
                ok, image = cap.retrieve()
                if ok:
                    seq += 1
                    yield Frame(image, pts, seq, pts)
    finally:
        cap.release()
