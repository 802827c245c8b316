"""What the lobby dashboard is told: wait colours, device names, window order, acknowledged alerts."""

import pytest

from hallops.core import actions
from hallops.core.actors import Actor
from hallops.core.alerts import acknowledged
from hallops.core.errors import Conflict
from hallops.core.estimates import wait_level
from hallops.core.models import AlertAck, DeviceKind, HallEvent, Role, Window
from tests.factories import make_device, make_hall, make_staff, make_window, token_for


def test_a_matter_turns_yellow_then_red_by_the_worse_of_its_waits():
    from hallops.core.models import Hall

    hall = Hall(wait_yellow_minutes=15, wait_red_minutes=30)
    assert wait_level(hall, 0, 14 * 60) == "ok"
    assert wait_level(hall, 15 * 60, 0) == "yellow"
    assert wait_level(hall, 10 * 60, 30 * 60) == "red"


@pytest.mark.django_db
def test_windows_come_in_numeric_order_everywhere():
    hall = make_hall()
    for n in ("10", "2", "1", "3"):
        make_window(hall, number=n)
    assert [w.number for w in Window.objects.filter(hall=hall)] == ["1", "2", "3", "10"]


@pytest.mark.django_db
def test_a_device_is_called_by_its_label_or_its_window_and_kind():
    hall = make_hall()
    w = make_window(hall, number="1")
    assert make_device(hall, DeviceKind.EVALUATION_PAD, window=w, name="demo-pad-1").display_name == "1号窗口评价器"
    assert make_device(hall, DeviceKind.KIOSK, name="k1", label="大厅入口取号机").display_name == "大厅入口取号机"
    assert make_device(hall, DeviceKind.KIOSK, name="k2").display_name == "取号机 k2"


@pytest.mark.django_db
def test_it_records_who_acknowledged_an_alert_once(django_capture_on_commit_callbacks):
    hall = make_hall()
    manager = make_staff(hall, username="lobby", name="张值班", role=Role.LOBBY_MANAGER)
    with django_capture_on_commit_callbacks(execute=True):
        actions.acknowledge_alert(hall, "window_paused:2:2026-03-02T09:39:00+00:00", actor=Actor(user=manager))
    event = HallEvent.objects.get(hall=hall, type="alert.acknowledged")
    assert event.payload["by"] == "张值班"
    alerts = acknowledged(hall, [{"key": "window_paused:2:2026-03-02T09:39:00+00:00", "acknowledged": None},
                                 {"key": "long_wait:biz:x", "acknowledged": None}])
    assert alerts[0]["acknowledged"]["by"] == "张值班" and alerts[1]["acknowledged"] is None
    with pytest.raises(Conflict):
        actions.acknowledge_alert(hall, "window_paused:2:2026-03-02T09:39:00+00:00", actor=Actor(user=manager))
    assert AlertAck.objects.count() == 1


@pytest.mark.django_db
def test_only_lobby_managers_acknowledge_through_the_api(client):
    hall = make_hall("ack")
    manager = token_for(user=make_staff(hall, username="m", role=Role.LOBBY_MANAGER))
    supervisor = token_for(user=make_staff(hall, username="s", role=Role.SUPERVISOR))
    url = "/api/v1/halls/ack/alerts/ack/"
    body = {"key": "long_wait:biz:2026-03-02T09:29:00+00:00"}
    refused = client.post(url, body, content_type="application/json", headers={"Authorization": f"Bearer {supervisor}"})
    assert refused.status_code == 403
    ok = client.post(url, body, content_type="application/json", headers={"Authorization": f"Bearer {manager}"})
    assert ok.status_code == 200 and ok.json()["key"] == body["key"]
    again = client.post(url, body, content_type="application/json", headers={"Authorization": f"Bearer {manager}"})
    assert again.status_code == 409 and again.json()["error"] == "alert_already_acknowledged"
