"""A small hall for API tests: one matter served by two windows, each with a signed-in staff
member, every kind of caller with its own token, and a second hall for outsiders."""

from dataclasses import dataclass, field

import pytest
from django.test import Client

from hallops.core import actions
from hallops.core.models import DeviceKind, Role
from tests.factories import make_device, make_hall, make_service, make_staff, make_window, token_for

API = "/api/v1"


@dataclass
class World:
    hall: object
    service: object
    other_service: object
    window: object  # "this window": staff signed in, pad bound to it
    other_window: object
    staff: object
    other_staff: object
    other_hall: object
    tokens: dict = field(default_factory=dict)

    def issue(self, service=None, **kw):
        return actions.issue_ticket(self.hall, service or self.service, **kw).ticket


class Api:
    """The Django test client speaking JSON, with an optional bearer token."""

    def __init__(self, client: Client):
        self.client = client

    def _headers(self, token):
        return {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, path, token=None, **params):
        return self.client.get(API + path, params, headers=self._headers(token))

    def post(self, path, body=None, token=None, raw=None):
        data = raw if raw is not None else ("" if body is None else body)
        return self.client.post(API + path, data=data, content_type="application/json", headers=self._headers(token))


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    # The default PBKDF2 costs ~0.3 s per user created; these tests create eight per world.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def api(client):
    return Api(client)


@pytest.fixture
def world(db):
    hall = make_hall("xicheng", name="西城区政务服务中心")
    service = make_service(hall, code="biz-reg", prefix="A", name="企业开办")
    other_service = make_service(hall, code="tax", prefix="B", name="税务登记")
    window = make_window(hall, number="1", services=[service, other_service])
    other_window = make_window(hall, number="2", services=[service])
    staff = make_staff(hall, username="wang", name="王小明", staff_no="0101")
    other_staff = make_staff(hall, username="li", name="李四")
    actions.sign_in(window, staff)
    actions.sign_in(other_window, other_staff)
    window.refresh_from_db()
    other_window.refresh_from_db()
    other_hall = make_hall("dongcheng")
    w = World(hall, service, other_service, window, other_window, staff, other_staff, other_hall)
    w.tokens = {
        "anonymous": None,
        "kiosk": token_for(device=make_device(hall, DeviceKind.KIOSK)),
        "hall_screen": token_for(device=make_device(hall, DeviceKind.HALL_SCREEN)),
        "window_display": token_for(device=make_device(hall, DeviceKind.WINDOW_DISPLAY, window=window)),
        "pad": token_for(device=make_device(hall, DeviceKind.EVALUATION_PAD, window=window)),
        "staff_of_other_window": token_for(user=other_staff),
        "staff_of_this_window": token_for(user=staff),
        "lobby_manager": token_for(user=make_staff(hall, username="zhang", role=Role.LOBBY_MANAGER)),
        "supervisor": token_for(user=make_staff(hall, username="zhao", role=Role.SUPERVISOR)),
        "staff_of_other_hall": token_for(user=make_staff(other_hall, username="qian")),
    }
    return w
