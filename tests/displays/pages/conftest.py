"""A small hall with every kind of client, for rendering pages with Django's test client."""

from dataclasses import dataclass

import pytest

from hallops.core import actions
from hallops.core.models import DeviceKind, Role
from tests.factories import make_device, make_hall, make_service, make_staff, make_window, token_for


@dataclass
class PageHall:
    hall: object
    a: object
    w1: object
    w2: object
    staff1: object
    staff2: object
    manager: object
    supervisor: object
    other_staff: object
    tokens: dict


@pytest.fixture
def ph(db):
    h = make_hall("xicheng", name="西城区政务服务中心", notice="今日办理时间 9:00-17:00")
    a = make_service(h, code="biz", prefix="A", name="营业执照")
    w1, w2 = make_window(h, "1", services=[a]), make_window(h, "2", services=[a])
    staff1 = make_staff(h, "staff1", name="王小明", staff_no="0101", title="首席服务官")
    staff2 = make_staff(h, "staff2", name="李华")
    actions.sign_in(w1, staff1)
    w1.refresh_from_db()
    other = make_hall("haidian")
    tokens = {
        "hall_screen": token_for(device=make_device(h, DeviceKind.HALL_SCREEN)),
        "other_screen": token_for(device=make_device(other, DeviceKind.HALL_SCREEN)),
        "w1_display": token_for(device=make_device(h, DeviceKind.WINDOW_DISPLAY, window=w1)),
        "w2_display": token_for(device=make_device(h, DeviceKind.WINDOW_DISPLAY, window=w2)),
        "kiosk": token_for(device=make_device(h, DeviceKind.KIOSK)),
        "w1_pad": token_for(device=make_device(h, DeviceKind.EVALUATION_PAD, window=w1)),
        "w2_pad": token_for(device=make_device(h, DeviceKind.EVALUATION_PAD, window=w2)),
    }
    return PageHall(
        h, a, w1, w2, staff1, staff2,
        manager=make_staff(h, "mgr", role=Role.LOBBY_MANAGER, name="值班长"),
        supervisor=make_staff(h, "sup", role=Role.SUPERVISOR, name="督查"),
        other_staff=make_staff(other, "far", name="外厅"),
        tokens=tokens,
    )


@pytest.fixture
def login(client):
    def as_user(user):
        client.force_login(user)
        return client
    return as_user
