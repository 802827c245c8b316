"""Patrol pages answer bad parameters and unassigned rounds with a page or a 4xx, never a 500 (issue 11, item 11)."""

import pytest
from django.utils import timezone

from hallops.patrol.models import Camera, PatrolRound


@pytest.fixture
def camera(hall, window):
    return Camera.objects.create(hall=hall, window=window, name="seat-1", url="/nonexistent.mp4", fps=4)


@pytest.mark.parametrize("frames", ["abc", "-1", "1e400", "99999999999999999999999"])
def test_a_bad_frames_parameter_is_a_400(client, supervisor, camera, frames):
    client.force_login(supervisor)
    response = client.get(f"/patrol/{camera.hall.code}/cameras/{camera.pk}/live.mjpg", {"frames": frames})
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_frames"


def test_an_unassigned_round_shows_its_page_and_its_list(client, supervisor, hall, window):
    rnd = PatrolRound.objects.create(hall=hall, scheduled_at=timezone.now(), assigned_to=None)
    client.force_login(supervisor)
    assert client.get(f"/patrol/{hall.code}/rounds/{rnd.pk}/").status_code == 200
    assert client.get(f"/patrol/{hall.code}/rounds/").status_code == 200
    response = client.post(f"/patrol/{hall.code}/rounds/{rnd.pk}/start/")
    assert response.status_code == 302
    rnd.refresh_from_db()
    assert rnd.assigned_to == supervisor


@pytest.mark.parametrize("next_url, expected", [
    ("https://evil.example/phish", "/patrol/{hall}/timeline/"),
    ("//evil.example/phish", "/patrol/{hall}/timeline/"),
    ("/\\evil.example", "/patrol/{hall}/timeline/"),
    ("javascript:alert(1)", "/patrol/{hall}/timeline/"),
    ("/patrol/{hall}/timeline/?state=candidate", "/patrol/{hall}/timeline/?state=candidate"),
])
def test_the_review_form_returns_only_to_a_path_of_this_site(client, supervisor, hall, window, camera, next_url,
                                                              expected):
    from hallops.patrol.models import Detection

    det = Detection.objects.create(hall=hall, camera=camera, window=window, kind="off_post",
                                   started_at=timezone.now(), raised_at=timezone.now(), duration_s=60)
    client.force_login(supervisor)
    response = client.post(f"/patrol/{hall.code}/detections/{det.pk}/review/",
                           {"action": "dismiss", "next": next_url.format(hall=hall.code)})
    assert response.status_code == 302
    assert response["Location"] == expected.format(hall=hall.code)
