import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="session")
def demo():
    """scripts/make_demo_videos.py as a module (scripts/ is not a package)."""
    spec = importlib.util.spec_from_file_location("make_demo_videos", ROOT / "scripts" / "make_demo_videos.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def seat_video(demo, tmp_path_factory):
    path = tmp_path_factory.mktemp("videos") / "seat.avi"
    truth = demo.write_seat_video(path, duration_s=16, fps=2, leave_at=4, return_at=12)
    return path, truth


@pytest.fixture(scope="session")
def waiting_video(demo, tmp_path_factory):
    path = tmp_path_factory.mktemp("videos") / "waiting.avi"
    truth = demo.write_waiting_video(path, duration_s=20, fps=1, start=2, end=12)
    return path, truth


@pytest.fixture
def mjpeg_camera():
    from .mjpeg_server import MJPEGCamera

    cams = []

    def make(**kw):
        cam = MJPEGCamera(**kw)
        cams.append(cam)
        return cam

    yield make
    for cam in cams:
        cam.close()
