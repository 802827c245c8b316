"""CameraSource against real peers: a local MJPEG HTTP server that stalls and dies, and video files."""

import subprocess
import sys
import time
from pathlib import Path

import pytest

from devices.cameras import CameraConfig, CameraSource, PatrolAgent, Thresholds, parse_camera_url

ROOT = Path(__file__).resolve().parents[3]


def wait_until(predicate, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()


def test_camera_urls_are_understood():
    assert parse_camera_url("0").kind == "device" and parse_camera_url("device://1").target == 1
    assert parse_camera_url("rtsp://u:p@10.0.0.5/ch1").kind == "rtsp"
    http = parse_camera_url("http://cam/video.mjpg?backend=opencv&res=hi")
    assert (http.kind, http.backend, http.target) == ("http", "opencv", "http://cam/video.mjpg?res=hi")
    f = parse_camera_url("file:///srv/demo.avi?loop=1&speed=4")
    assert (f.kind, f.target, f.loop, f.speed) == ("file", "/srv/demo.avi", True, 4.0)
    assert parse_camera_url("fixtures/videos/seat.avi").kind == "file"
    with pytest.raises(ValueError):
        parse_camera_url("ftp://cam/x")


@pytest.mark.parametrize("content_length", [True, False], ids=["content-length", "boundary-only"])
def test_mjpeg_source_samples_at_its_rate_and_keeps_only_the_latest_frame(mjpeg_camera, content_length):
    cam = mjpeg_camera(fps=20, content_length=content_length)
    with CameraSource(cam.url, fps=4, open_timeout_s=1, read_timeout_s=1) as src:
        first = src.wait_frame(timeout=3)
        assert first is not None and first.image.shape == (120, 160, 3)
        time.sleep(1.0)
        last = src.latest()
    assert src.state == "live"
    assert 3 <= last.seq - first.seq <= 6  # ~4 samples a second out of 20 frames a second
    assert cam.frames_sent >= 15


def test_a_stalled_then_dead_camera_is_noticed_within_the_read_timeout_and_recovers(mjpeg_camera):
    cam = mjpeg_camera(fps=10)
    events = []
    cfg = CameraConfig(id="cam-1", url=cam.url, fps=4, open_timeout_s=1, read_timeout_s=1,
                       thresholds=Thresholds(down_after_s=1.5))
    agent = PatrolAgent([cfg], events.append, tick_s=0.05)
    agent.source_factory = lambda c: CameraSource(c.url, fps=c.fps, open_timeout_s=1, read_timeout_s=1,
                                                  backoff_initial_s=0.2, backoff_max_s=1.0, name=c.id)
    agent.start()
    try:
        src = agent.sources["cam-1"]
        assert wait_until(lambda: src.state == "live", 3)

        cam.mode = "stall"  # socket stays open, nothing is sent
        stalled_at = time.monotonic()
        assert wait_until(lambda: src.state == "stalled", 3)
        assert time.monotonic() - stalled_at < 2.0  # read timeout 1 s, not OpenCV's 30 s
        assert wait_until(lambda: any(e.kind == "camera_down" and e.state == "raised" for e in events), 3)

        cam.kill()
        assert wait_until(lambda: src.state == "down", 3)
        failures = src.failures

        cam.revive()
        assert wait_until(lambda: src.state == "live", 5)
        assert src.failures > failures or failures >= 2
        assert wait_until(lambda: any(e.kind == "camera_down" and e.state == "cleared" for e in events), 3)
    finally:
        agent.stop()
    down = [(e.kind, e.state) for e in events if e.kind == "camera_down"]
    assert down == [("camera_down", "raised"), ("camera_down", "cleared")]


def test_a_camera_repeating_the_same_picture_is_reported_frozen(mjpeg_camera):
    cam = mjpeg_camera(fps=10)
    events = []
    cfg = CameraConfig(id="cam-2", url=cam.url, fps=5, open_timeout_s=1, read_timeout_s=1,
                       thresholds=Thresholds(frozen_after_s=1.0, down_after_s=3))
    agent = PatrolAgent([cfg], events.append, tick_s=0.05).start()
    try:
        assert wait_until(lambda: agent.sources["cam-2"].state == "live", 3)
        time.sleep(0.5)
        assert events == []
        cam.mode = "same"
        assert wait_until(lambda: [(e.kind, e.state) for e in events] == [("camera_frozen", "raised")], 4)
        cam.mode = "stream"
        assert wait_until(lambda: ("camera_frozen", "cleared") in [(e.kind, e.state) for e in events], 3)
    finally:
        agent.stop()


def test_ffmpeg_backend_reads_mjpeg_too_and_honours_the_read_timeout(mjpeg_camera):
    cam = mjpeg_camera(fps=10)
    with CameraSource(cam.url + "?backend=opencv", fps=4, open_timeout_s=2, read_timeout_s=1) as src:
        assert src.wait_frame(timeout=5) is not None
        cam.mode = "stall"
        t0 = time.monotonic()
        assert wait_until(lambda: src.state in ("stalled", "down"), 4)
        assert time.monotonic() - t0 < 2.5


def test_a_file_plays_on_its_own_timeline_and_loops(demo, tmp_path):
    path = tmp_path / "short.avi"
    demo.write_waiting_video(path, duration_s=2, fps=4)
    with CameraSource(f"file://{path}?loop=1", fps=2) as src:
        first = src.wait_frame(timeout=3)
        time.sleep(2.6)
        last = src.latest()
    assert first.pts == 0.0
    assert src.state == "live" and not src.ended
    # 2 samples/s in real time, and the 2 s file wrapped around (pts restarts).
    assert 5 <= last.seq - first.seq <= 7
    assert last.pts is not None and last.pts >= 2.0


def test_a_file_without_loop_ends_down(demo, tmp_path):
    path = tmp_path / "short.avi"
    demo.write_waiting_video(path, duration_s=1, fps=4)
    with CameraSource(str(path), fps=4) as src:
        assert wait_until(lambda: src.ended, 3)
    assert src.state == "down" and src.latest().seq >= 3


def test_a_missing_camera_is_down_and_retried_with_backoff():
    src = CameraSource("http://127.0.0.1:9/none.mjpg", open_timeout_s=0.5, read_timeout_s=0.5,
                       backoff_initial_s=0.1, backoff_max_s=0.4).start()
    try:
        assert wait_until(lambda: src.failures >= 3, 3)
        assert src.state == "down" and src.latest() is None
    finally:
        src.stop()


def test_the_camera_package_does_not_import_django():
    code = "import sys, devices.cameras; assert 'django' not in sys.modules, 'django imported'; print('ok')"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"
