"""Camera pictures are for supervisors and admins only, and every look at one is logged."""

import pytest
from django.test import Client

from hallops.core.models import DeviceKind, Role
from hallops.patrol import frames
from hallops.patrol.models import Detection, SnapshotPhase, ViewLog
from tests.factories import make_device, make_hall, make_staff, token_for

from .conftest import make_seat_camera


@pytest.fixture
def camera(window):
    return make_seat_camera(window.hall, window)


@pytest.fixture
def snapshot(camera):
    return frames.save_snapshot(camera.hall_id, b"\xff\xd8fake-jpeg\xff\xd9", camera=camera, phase=SnapshotPhase.AFTER)


def _urls(camera, snapshot):
    base = f"/patrol/{camera.hall.code}"
    return [f"{base}/", f"{base}/cameras/{camera.pk}/snapshot.jpg", f"{base}/cameras/{camera.pk}/live.mjpg?frames=1",
            f"{base}/snapshots/{snapshot.pk}.jpg", f"{base}/cameras/{camera.pk}/regions/", f"{base}/timeline/",
            f"{base}/notices/", f"{base}/rounds/", f"{base}/figures/", f"{base}/history/"]


@pytest.mark.parametrize("role", [Role.WINDOW_STAFF, Role.LOBBY_MANAGER])
def test_window_staff_and_lobby_managers_get_403_on_every_patrol_page_and_picture(role, camera, snapshot):
    client = Client()
    client.force_login(make_staff(camera.hall, role=role))
    for url in _urls(camera, snapshot):
        assert client.get(url).status_code == 403, url
    assert not ViewLog.objects.exists()


def test_devices_get_403_with_their_token(camera, snapshot):
    client = Client()
    for kind in (DeviceKind.HALL_SCREEN, DeviceKind.KIOSK, DeviceKind.CAMERA):
        raw = token_for(device=make_device(camera.hall, kind))
        for url in _urls(camera, snapshot):
            assert client.get(url, HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 403, (kind, url)
            sep = "&" if "?" in url else "?"
            assert client.get(f"{url}{sep}token={raw}").status_code == 403, (kind, url)
    assert not ViewLog.objects.exists()


def test_supervisors_of_another_hall_get_403(camera, snapshot):
    client = Client()
    client.force_login(make_staff(make_hall(), role=Role.SUPERVISOR))
    for url in _urls(camera, snapshot):
        assert client.get(url).status_code == 403, url


def test_anonymous_visitors_are_sent_to_log_in(camera, snapshot):
    response = Client().get(f"/patrol/{camera.hall.code}/cameras/{camera.pk}/snapshot.jpg")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_every_picture_a_supervisor_sees_is_logged_with_who_what_and_where_from(camera, snapshot, supervisor):
    client = Client(REMOTE_ADDR="10.1.2.3")
    client.force_login(supervisor)
    base = f"/patrol/{camera.hall.code}"

    live_frame = client.get(f"{base}/cameras/{camera.pk}/snapshot.jpg")
    assert live_frame.status_code == 200 and live_frame.content[:2] == b"\xff\xd8"
    assert live_frame["Cache-Control"] == "no-store, private"
    stored = client.get(f"{base}/snapshots/{snapshot.pk}.jpg")
    assert stored.content == b"\xff\xd8fake-jpeg\xff\xd9"
    live = client.get(f"{base}/cameras/{camera.pk}/live.mjpg?frames=2")
    body = b"".join(live)  # async stream, consumed by the sync client
    assert live["Content-Type"].startswith("multipart/x-mixed-replace") and body.count(b"--patrolframe") == 2
    client.get(f"{base}/cameras/{camera.pk}/snapshot.jpg")  # the agent's stored frame now: logged again

    logs = list(ViewLog.objects.order_by("at", "pk").values_list("action", "camera_id", "snapshot_id", "user_id", "ip"))
    assert logs == [
        ("view_snapshot", camera.pk, None, supervisor.pk, "10.1.2.3"),
        ("view_snapshot", camera.pk, snapshot.pk, supervisor.pk, "10.1.2.3"),
        ("view_live", camera.pk, None, supervisor.pk, "10.1.2.3"),
        ("view_snapshot", camera.pk, None, supervisor.pk, "10.1.2.3"),
    ]


def test_admins_without_a_hall_may_supervise_every_hall(camera):
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("root", password="pw-12345678")
    client = Client()
    client.force_login(admin)
    assert client.get(f"/patrol/{camera.hall.code}/").status_code == 200


def test_the_timeline_page_shows_snapshots_through_the_logged_endpoint_only(camera, snapshot, supervisor):
    from django.utils import timezone

    det = Detection.objects.create(hall=camera.hall, camera=camera, window=camera.window, kind="off_post",
                                   started_at=timezone.now(), raised_at=timezone.now())
    snapshot.detection = det
    snapshot.save()
    client = Client()
    client.force_login(supervisor)
    page = client.get(f"/patrol/{camera.hall.code}/timeline/").content.decode()
    assert f"/patrol/{camera.hall.code}/snapshots/{snapshot.pk}.jpg" in page
    assert "/media/" not in page
