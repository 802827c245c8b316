"""Patrol test plumbing: a hall with a supervisor, an open window and a seat camera on the demo video."""

import json
from pathlib import Path

import pytest
from django.core.files.base import ContentFile

from hallops.core.models import Role
from hallops.patrol.models import Camera
from tests.factories import make_hall, make_staff, open_window_with_staff, make_service

VIDEOS = Path(__file__).resolve().parents[3] / "fixtures" / "videos"
SEAT_TRUTH = json.loads((VIDEOS / "seat.json").read_text())


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    # PBKDF2 costs ~0.4 s a user and these tests make several; the hasher is not what they test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def hall(db):
    return make_hall()


@pytest.fixture
def supervisor(hall):
    return make_staff(hall, role=Role.SUPERVISOR, name="何志刚")


@pytest.fixture
def window(hall):
    window, _staff = open_window_with_staff(hall, [make_service(hall)], number="1")
    return window


def seat_polygon():
    x0, y0, x1, y1 = SEAT_TRUTH["seat_region"]
    return [[x0, y0], [x1, y0], [x1, y1], [x0, y1]]


def make_seat_camera(hall, window, *, speed=4, fps=8, **thresholds):
    camera = Camera(hall=hall, window=window, name=f"seat-{window.number}", fps=fps,
                    url=f"{VIDEOS / SEAT_TRUTH['video']}?speed={speed}", regions={"seat": seat_polygon()},
                    thresholds=thresholds)
    camera.empty_seat_reference.save("seat_empty.png",
                                     ContentFile((VIDEOS / SEAT_TRUTH["empty_seat_reference"]).read_bytes()),
                                     save=False)
    camera.save()
    return camera
