"""The patrol agent end to end: demo video and a local MJPEG camera in, Detection rows and events out."""

import signal
import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from hallops.core.models import HallEvent, WindowState
from hallops.patrol.models import Detection, ReviewState, Snapshot, Suppression, SuppressionKind
from hallops.patrol.runner import PatrolRunner
from tests.devices.cameras.mjpeg_server import MJPEGCamera

from .conftest import SEAT_TRUTH, make_seat_camera

SPEED = 4  # the 30 s demo video plays in 7.5 s
# Real seconds: the seat is empty for 14 video s = 3.5 s here; 1.5 s real = 6 video s.
FAST = {"off_post_s": 1.5, "snapshot_before_s": 2, "snapshot_after_s": 0.5, "snapshot_interval_s": 0.25,
        "down_after_s": 30}


class FramesSeen:
    """The demo video's source, noting each frame the runner takes (its clock time and video position), so
    that a detection's time reads as video time even when a busy machine plays the video late."""

    def __init__(self, source):
        self.source, self.seen = source, []

    def start(self):
        self.source.start()
        return self

    def latest(self):
        frame = self.source.latest()
        if frame is not None and frame.pts is not None:
            self.seen.append((frame.ts, frame.pts))
        return frame

    def __getattr__(self, name):
        return getattr(self.source, name)

    def video_s(self, at):
        """The video position of the frame the runner took at wall time `at` (PatrolRunner.wall's inverse)."""
        ts = time.monotonic() - (timezone.now() - at).total_seconds()
        return min(self.seen, key=lambda seen: abs(seen[0] - ts))[1]


def test_off_post_is_raised_when_the_figure_leaves_and_cleared_when_it_returns(window):
    camera = make_seat_camera(window.hall, window, speed=SPEED, **FAST)
    runner, sources = PatrolRunner([camera]), []
    real_source = runner.agent.source_factory

    def noting(cfg):
        sources.append(FramesSeen(real_source(cfg)))
        return sources[-1]

    runner.agent.source_factory = noting
    with runner:
        runner.run(SEAT_TRUTH["duration_s"] / SPEED + 0.5,
                   until=lambda: Detection.objects.filter(cleared_at__isnull=False).exists() and
                   Snapshot.objects.filter(phase="after").exists())
    det = Detection.objects.get()
    assert det.kind == "off_post" and det.state == ReviewState.CANDIDATE and det.window == window
    # Video time of the empty seat and of the return, within a sample or two of the ground truth.
    video_s = sources[0].video_s
    assert video_s(det.started_at) == pytest.approx(SEAT_TRUTH["leave_at"], abs=2)
    assert video_s(det.cleared_at) == pytest.approx(SEAT_TRUTH["return_at"], abs=2)
    # Raised once the seat was empty for off_post_s of the agent's (real) time.
    assert (det.raised_at - det.started_at).total_seconds() == pytest.approx(FAST["off_post_s"], abs=0.5)
    assert det.duration_s == pytest.approx((det.cleared_at - det.started_at).total_seconds(), abs=0.5)
    assert det.details["staff_id"] == window.staff_id
    phases = set(det.snapshots.values_list("phase", flat=True))
    assert phases == {"before", "after"}
    assert all(s.image.storage.exists(s.image.name) for s in det.snapshots.all())
    events = list(HallEvent.objects.filter(hall=window.hall, type="patrol.detection").order_by("seq"))
    assert [e.payload["state"] for e in events] == ["raised", "cleared"]
    assert events[0].payload == {**events[0].payload, "kind": "off_post", "window": "1", "id": det.pk}
    assert not any("image" in k or "jpeg" in k for e in events for k in e.payload)


def test_a_stand_in_pause_and_an_announced_short_absence_raise_no_off_post(window):
    """Both windows watch the same figure leave for 14 s; neither may be flagged."""
    from tests.factories import make_window

    window.state, window.stand_in = WindowState.PAUSED, "李四"  # 同岗替代
    window.save()
    other = make_window(window.hall, number="2", state=WindowState.OPEN)
    now = timezone.now()
    Suppression.objects.create(window=other, kind=SuppressionKind.SHORT_ABSENCE, starts_at=now,
                               ends_at=now + timedelta(minutes=5))
    cameras = [make_seat_camera(window.hall, w, speed=SPEED, **FAST) for w in (window, other)]
    with PatrolRunner(cameras) as runner:
        runner.run((SEAT_TRUTH["leave_at"] + 10) / SPEED)  # well past leave + threshold
    assert runner.detections == []
    assert not Detection.objects.exists()


def test_a_camera_that_stalls_and_dies_is_down_and_the_agent_recovers_when_it_returns(hall):
    from hallops.patrol.models import Camera

    mjpeg = MJPEGCamera(fps=10)
    try:
        camera = Camera.objects.create(hall=hall, name="mjpeg", url=mjpeg.url, fps=5,
                                       thresholds={"down_after_s": 1.0, "read_timeout_s": 1.0,
                                                   "open_timeout_s": 1.0, "frozen_after_s": 30})
        with PatrolRunner([camera]) as runner:
            runner.run(1.0)
            assert not Detection.objects.exists()
            mjpeg.mode = "stall"
            runner.run(4, until=lambda: Detection.objects.filter(kind="camera_down").exists())
            down = Detection.objects.get(kind="camera_down")
            assert down.cleared_at is None
            mjpeg.kill()
            runner.run(1.0)
            mjpeg.revive()
            runner.run(10, until=lambda: Detection.objects.filter(kind="camera_down", cleared_at__isnull=False).exists())
            down.refresh_from_db()
            assert down.cleared_at is not None and down.duration_s >= 1.0
            seq = runner.status()[str(camera.pk)]["last_frame_at"]
            runner.run(1.0)
            assert runner.status()[str(camera.pk)]["last_frame_at"] > seq  # frames flow again
            assert runner.status()[str(camera.pk)]["state"] == "live"
    finally:
        mjpeg.close()
    states = list(HallEvent.objects.filter(type="patrol.detection").values_list("payload__state", flat=True))
    assert states == ["raised", "cleared"]


def test_run_patrol_agent_runs_for_the_given_seconds_and_stores_the_latest_frame(window, media):
    camera = make_seat_camera(window.hall, window, speed=SPEED, **FAST)
    before = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    call_command("run_patrol_agent", "--hall", window.hall.code, "--once-seconds", "1.0")
    # Ctrl-C still reaches whoever ran the command (here: pytest).
    assert {sig: signal.getsignal(sig) for sig in before} == before
    live = media / "patrol" / "live" / f"camera-{camera.pk}.jpg"
    assert live.read_bytes()[:2] == b"\xff\xd8"


def test_a_normal_exit_clears_what_the_agent_raised(window):
    """Issue 11, fault 6: a normal patrol agent exit left its detections open."""
    camera = make_seat_camera(window.hall, window, speed=SPEED, **FAST)
    with PatrolRunner([camera]) as runner:
        runner.run(SEAT_TRUTH["duration_s"] / SPEED,
                   until=lambda: Detection.objects.filter(cleared_at__isnull=True).exists())
        assert Detection.objects.filter(cleared_at__isnull=True).count() == 1  # raised, seat still empty
    det = Detection.objects.get()
    assert det.cleared_at is not None and det.details["cleared"] == {"reason": "agent_stopped"}
    assert det.duration_s >= 0
    states = list(HallEvent.objects.filter(hall=window.hall, type="patrol.detection").order_by("seq")
                  .values_list("payload__state", flat=True))
    assert states == ["raised", "cleared"]
