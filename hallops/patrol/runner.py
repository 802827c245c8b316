"""The patrol agent inside the server's world: Cameras in, Detection rows and hall events out.

``PatrolRunner`` builds a devices.cameras.PatrolAgent from enabled Cameras and drives it from
the calling thread (the management command's process): camera sources sample in their own
threads, but every rule evaluation, provider query and database write happens here, so the
agent needs one database connection and no locking. The engine's own ``start()`` loop would
evaluate in a thread of its own; we call ``agent.step`` instead for exactly that reason.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from datetime import datetime, timedelta
from typing import Callable

from django.db import transaction
from django.utils import timezone

from devices.cameras import CameraConfig, PatrolAgent, Thresholds
from devices.cameras import Detection as EngineDetection
from hallops.core import events
from hallops.core.models import Ticket, TicketStatus, Window
from hallops.devices.hub import set_health

from . import frames
from .models import Camera, Detection, ReviewState, SnapshotPhase
from .presence import window_presence

log = logging.getLogger(__name__)
ACTOR = "system:patrol"
# Two detections of one kind on one camera this close together are one episode (one candidate to
# review): a seat taken for a moment between two absences is not two findings. Per camera:
# Camera.thresholds["merge_gap_s"], 0 turns merging off.
MERGE_GAP_S = 120.0
_THRESHOLD_FIELDS = {f.name for f in dataclasses.fields(Thresholds)}


def thresholds_of(camera: Camera) -> Thresholds:
    given = {k: v for k, v in (camera.thresholds or {}).items() if k in _THRESHOLD_FIELDS}
    return Thresholds(**given)


def _region(points):
    if not points:
        return None
    if len(points) == 4 and all(isinstance(v, (int, float)) for v in points):
        return tuple(float(v) for v in points)
    return [(float(x), float(y)) for x, y in points]


class _Cached:
    """A provider evaluated at most every ``ttl`` seconds: cameras sample several times a second."""

    def __init__(self, fn: Callable, ttl: float, clock=time.monotonic):
        self.fn, self.ttl, self.clock = fn, ttl, clock
        self.at, self.value = None, None

    def __call__(self):
        now = self.clock()
        if self.at is None or now - self.at >= self.ttl:
            self.value, self.at = self.fn(), now
        return self.value


def presence_provider(window_id: int):
    def provide():
        window = Window.objects.filter(pk=window_id).first()
        if window is None:
            return False, None
        return window_presence(window)
    return provide


def waiting_provider(camera: Camera):
    def provide():
        qs = Ticket.objects.filter(hall_id=camera.hall_id, status=TicketStatus.WAITING)
        if camera.zone_id:
            qs = qs.filter(service__zone_id=camera.zone_id)
        return qs.count()
    return provide


def camera_config(camera: Camera, provider_ttl_s: float = 1.0) -> CameraConfig:
    regions = camera.regions or {}
    seat = _region(regions.get("seat"))
    waiting = _region(regions.get("waiting"))
    return CameraConfig(
        id=str(camera.pk), url=camera.url, fps=camera.fps, seat_region=seat, waiting_region=waiting,
        empty_seat_reference=camera.empty_seat_reference.path if camera.empty_seat_reference and seat else None,
        waiting_background=camera.waiting_reference.path if camera.waiting_reference and waiting else None,
        window_state_provider=_Cached(presence_provider(camera.window_id), provider_ttl_s) if camera.window_id else None,
        waiting_tickets_provider=_Cached(waiting_provider(camera), provider_ttl_s * 2) if waiting else None,
        thresholds=thresholds_of(camera),
        # Connection timeouts live with the thresholds so one JSON field tunes a camera.
        open_timeout_s=float((camera.thresholds or {}).get("open_timeout_s", 5.0)),
        read_timeout_s=float((camera.thresholds or {}).get("read_timeout_s", 5.0)),
    )


def _jsonable(value):
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, float):
        return round(value, 3)
    return value


class PatrolRunner:
    def __init__(self, cameras: list[Camera], *, clock: Callable[[], float] = time.monotonic,
                 live_every_s: float = 2.0, tick_s: float = 0.1, source_factory=None, health_every_s: float = 5.0):
        self.cameras = {str(c.pk): c for c in cameras}
        self.clock = clock
        self.live_every_s = live_every_s
        self.health_every_s = health_every_s
        self._health_at: float | None = None
        self.tick_s = tick_s
        self.agent = PatrolAgent([camera_config(c) for c in cameras], self.on_detection, self.on_snapshot,
                                 clock=clock, source_factory=source_factory)
        self.open_rows: dict[tuple[str, str], int] = {}  # (camera id, kind) -> Detection pk still uncleared
        self.by_event: dict[int, int] = {}  # id(engine raised Detection) -> row pk, for its snapshots
        self._last_seq: dict[str, int] = {}
        self._live_at: dict[str, float] = {}
        self.detections: list[EngineDetection] = []  # what the engine reported, in order (tests, logs)

    @classmethod
    def for_hall(cls, hall=None, **kw) -> "PatrolRunner":
        qs = Camera.objects.filter(enabled=True).select_related("hall", "window")
        if hall is not None:
            qs = qs.filter(hall=hall)
        return cls(list(qs), **kw)

    # -- time

    def wall(self, at: float) -> datetime:
        """An engine timestamp (this runner's clock) as a wall-clock time."""
        return timezone.now() - timedelta(seconds=self.clock() - at)

    # -- loop

    def start(self) -> "PatrolRunner":
        # Rows left open by a previous run (killed agent) would never clear: close them now.
        for cam_id in self.cameras:
            Detection.objects.filter(camera_id=int(cam_id), cleared_at__isnull=True).update(
                cleared_at=timezone.now())
            self.agent.sources[cam_id] = self.agent.source_factory(self.agent.cameras[cam_id].cfg).start()
        return self

    def tick(self) -> None:
        for cam_id, source in self.agent.sources.items():
            frame = source.latest()
            if frame is not None and frame.seq == self._last_seq.get(cam_id):
                frame = None
            if frame is not None:
                self._last_seq[cam_id] = frame.seq
            try:
                self.agent.step(cam_id, frame, state=source.state)
            except Exception:  # one camera's failure must not stop the patrol of the others
                log.exception("patrol step failed for camera %s", cam_id)
            if frame is not None:
                self._store_live(cam_id, frame.image)
        self._report_health()

    def _report_health(self, force: bool = False) -> None:
        """Each camera's health on its Device row: the dashboard then shows what the agent sees,
        not 未上报 (never reported) for a camera it is watching."""
        now = self.clock()
        if not force and self._health_at is not None and now - self._health_at < self.health_every_s:
            return
        self._health_at = now
        status = self.agent.status()
        for cam_id, camera in self.cameras.items():
            if not camera.device_id:
                continue
            st = status.get(cam_id, {})
            problem = "camera_down" if st.get("down") else "camera_frozen" if st.get("frozen") else None
            online = st.get("state") == "live" and problem is None
            last = st.get("last_frame_at")
            try:
                set_health(camera.device, online, {
                    "source": st.get("state"), "problem": problem,
                    "last_frame_at": self.wall(last).isoformat() if last is not None else None,
                })
            except Exception:  # health is advice; the patrol goes on
                log.exception("reporting the health of camera %s failed", cam_id)

    def run(self, seconds: float | None = None, until: Callable[[], bool] | None = None) -> None:
        end = None if seconds is None else self.clock() + seconds
        while end is None or self.clock() < end:
            self.tick()
            if until is not None and until():
                return
            time.sleep(self.tick_s)

    def stop(self) -> None:
        for source in self.agent.sources.values():
            source.stop()
        self.agent.sources.clear()
        # Nobody watches these cameras any more: say so rather than leave them "online".
        for camera in self.cameras.values():
            if camera.device_id:
                try:
                    set_health(camera.device, False, {"source": "stopped", "problem": "agent_stopped"})
                except Exception:
                    log.exception("reporting camera %s as unwatched failed", camera.pk)
        self._close_open_detections()

    def _close_open_detections(self) -> None:
        """A normal exit clears what it raised: nobody watches those cameras any more, and a row left
        open would show as still going on until the next start closed it."""
        now = timezone.now()
        for (cam_id, kind), pk in list(self.open_rows.items()):
            row = Detection.objects.filter(pk=pk, cleared_at__isnull=True).select_related("camera__window").first()
            self.open_rows.pop((cam_id, kind), None)
            if row is None:
                continue
            with transaction.atomic():
                row.cleared_at = now
                row.duration_s = round((now - row.started_at).total_seconds(), 3)
                row.details = {**row.details, "cleared": {"reason": "agent_stopped"}}
                row.save(update_fields=["cleared_at", "duration_s", "details"])
                camera = row.camera
                events.record(camera.hall_id, "patrol.detection", {
                    "id": row.pk, "kind": row.kind, "state": "cleared", "review": row.state,
                    "camera": camera.pk, "camera_name": camera.name,
                    "window": camera.window.number if camera.window_id else None,
                    "duration_s": row.duration_s,
                }, ACTOR)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def _store_live(self, cam_id: str, image) -> None:
        now = self.clock()
        if now - self._live_at.get(cam_id, -1e9) < self.live_every_s:
            return
        self._live_at[cam_id] = now
        try:
            frames.write_live(int(cam_id), frames.encode_jpeg(image))
        except Exception:
            log.exception("storing the live frame of camera %s failed", cam_id)

    # -- engine callbacks

    def on_detection(self, det: EngineDetection) -> None:
        self.detections.append(det)
        camera = self.cameras[det.camera_id]
        key = (det.camera_id, det.kind)
        details = _jsonable({k: v for k, v in det.details.items() if k not in ("cleared_at", "last_frame_at")})
        if det.state == "raised" and camera.window_id:
            # Who sat at the window when it happened: the notice names them even after they sign out.
            details["staff_id"] = Window.objects.filter(pk=camera.window_id).values_list("staff_id", flat=True).first()
        with transaction.atomic():
            if det.state == "raised":
                started = self.wall(det.started_at)
                row = self._same_episode(camera, det.kind, started)
                if row is not None:
                    # The seat emptied again soon after it was taken: the same episode, one candidate.
                    row.cleared_at, row.duration_s = None, None
                    row.details = {**row.details, "episodes": row.details.get("episodes", 1) + 1}
                    row.save(update_fields=["cleared_at", "duration_s", "details"])
                else:
                    row = Detection.objects.create(
                        hall_id=camera.hall_id, camera=camera, window_id=camera.window_id, kind=det.kind,
                        state=ReviewState.CANDIDATE, started_at=started, raised_at=self.wall(det.at),
                        details=details)
                self.open_rows[key] = row.pk
                self.by_event[id(det)] = row.pk
            else:
                pk = self.open_rows.pop(key, None)
                row = Detection.objects.filter(pk=pk).first() if pk else None
                if row is None:
                    return
                row.cleared_at = self.wall(det.at)
                # A merged episode lasts from its first start to its last clearing.
                row.duration_s = round(det.duration if row.details.get("episodes", 1) == 1
                                       else (row.cleared_at - row.started_at).total_seconds(), 3)
                row.details = {**row.details, "cleared": details}
                row.save(update_fields=["cleared_at", "duration_s", "details"])
            events.record(camera.hall_id, "patrol.detection", {
                "id": row.pk, "kind": det.kind, "state": det.state, "review": row.state,
                "camera": camera.pk, "camera_name": camera.name,
                "window": camera.window.number if camera.window_id else None,
                "duration_s": row.duration_s,
            }, ACTOR)

    def _same_episode(self, camera: Camera, kind: str, started: datetime) -> Detection | None:
        """A candidate of this camera and kind that cleared less than merge_gap_s before ``started``."""
        gap = float((camera.thresholds or {}).get("merge_gap_s", MERGE_GAP_S))
        if gap <= 0:
            return None
        return (Detection.objects.filter(camera=camera, kind=kind, state=ReviewState.CANDIDATE,
                                         cleared_at__gte=started - timedelta(seconds=gap), cleared_at__lte=started)
                .order_by("-cleared_at").first())

    def on_snapshot(self, det: EngineDetection, shots: list[tuple[float, bytes]]) -> None:
        pk = self.by_event.pop(id(det), None)
        row = Detection.objects.filter(pk=pk).select_related("camera").first() if pk else None
        if row is None:
            return
        for ts, jpeg in shots:
            phase = SnapshotPhase.BEFORE if ts <= det.at else SnapshotPhase.AFTER
            frames.save_snapshot(row.hall_id, jpeg, camera=row.camera, detection=row, phase=phase,
                                 taken_at=self.wall(ts))

    def status(self) -> dict:
        return self.agent.status()
