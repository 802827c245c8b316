"""A small hall with every kind of client, and helpers to open sockets against the real ASGI app."""

import json
from dataclasses import dataclass

import pytest
from channels.db import database_sync_to_async
from channels.layers import channel_layers
from channels.testing import WebsocketCommunicator

from hallops.core import actions
from hallops.core.models import DeviceKind, Role
from tests.factories import make_device, make_hall, make_service, make_staff, make_window, token_for

TIMEOUT = 3


def db(fn):
    return database_sync_to_async(fn)


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # users are made per test


@pytest.fixture(autouse=True)
def fresh_channel_layer():
    # The in-memory layer's queues belong to one event loop; every test runs its own loop.
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


@dataclass
class Hall:
    hall: object
    a: object  # service A
    b: object  # service B
    w1: object  # window serving A, staff1 signed in
    w2: object  # window serving B, staff2 signed in
    staff1: object
    staff2: object
    tokens: dict


@pytest.fixture
def hall(transactional_db):
    h = make_hall("xicheng", name="西城区政务服务中心", notice="今日办理时间 9:00-17:00")
    a = make_service(h, code="biz", prefix="A", name="营业执照")
    b = make_service(h, code="tax", prefix="B", name="税务登记")
    w1, w2 = make_window(h, "1", services=[a]), make_window(h, "2", services=[b])
    staff1 = make_staff(h, "staff1", name="王小明", staff_no="0101", title="首席服务官")
    staff2 = make_staff(h, "staff2", name="李华")
    actions.sign_in(w1, staff1)
    actions.sign_in(w2, staff2)
    w1.refresh_from_db()
    w2.refresh_from_db()
    other = make_hall("haidian")
    tokens = {
        "staff1": token_for(user=staff1),
        "staff2": token_for(user=staff2),
        "manager": token_for(user=make_staff(h, "mgr", role=Role.LOBBY_MANAGER, name="值班长")),
        "supervisor": token_for(user=make_staff(h, "sup", role=Role.SUPERVISOR, name="督查")),
        "other_staff": token_for(user=make_staff(other, "far", name="外厅")),
        "hall_screen": token_for(device=make_device(h, DeviceKind.HALL_SCREEN)),
        "other_screen": token_for(device=make_device(other, DeviceKind.HALL_SCREEN)),
        "w1_display": token_for(device=make_device(h, DeviceKind.WINDOW_DISPLAY, window=w1)),
        "w2_display": token_for(device=make_device(h, DeviceKind.WINDOW_DISPLAY, window=w2)),
        "kiosk": token_for(device=make_device(h, DeviceKind.KIOSK)),
        "w1_pad": token_for(device=make_device(h, DeviceKind.EVALUATION_PAD, window=w1)),
        "w2_pad": token_for(device=make_device(h, DeviceKind.EVALUATION_PAD, window=w2)),
    }
    return Hall(h, a, b, w1, w2, staff1, staff2, tokens)


async def open_socket(path, token=None, origin=None, query=""):
    """Connect and return (communicator, first frame)."""
    from hallops.asgi import application

    headers = []
    if token:
        headers.append((b"authorization", f"Bearer {token}".encode()))
    if origin:
        headers.append((b"origin", origin.encode()))
    comm = WebsocketCommunicator(application, path + (f"?{query}" if query else ""), headers=headers)
    connected, _ = await comm.connect(timeout=TIMEOUT)
    assert connected, f"{path} refused the handshake"
    return comm, await comm.receive_json_from(timeout=TIMEOUT)


async def expect_closed(comm, code):
    out = await comm.receive_output(timeout=TIMEOUT)
    assert out == {"type": "websocket.close", "code": code}


async def _next_frame(comm):
    held = getattr(comm, "held", None)
    if held:
        return held.pop(0)
    return await comm.receive_json_from(timeout=TIMEOUT)


async def frames_until(comm, predicate, limit=50):
    """Frames received up to and including the first one matching predicate."""
    seen = []
    for _ in range(limit):
        frame = await _next_frame(comm)
        seen.append(frame)
        if predicate(frame):
            return seen
    raise AssertionError(f"no matching frame in {seen}")


async def act(comm, action, **args):
    """Send an action and return its result or error frame.

    Events and results travel independently, so an action's own events may arrive before its
    result: frames in between are kept for the next frames_until()/drain().
    """
    request_id = f"r-{action}"
    await comm.send_to(text_data=json.dumps({"action": action, "id": request_id, **args}))
    frames = await frames_until(comm, lambda f: f.get("id") == request_id)
    comm.held = [*frames[:-1], *getattr(comm, "held", [])]
    return frames[-1]


async def drain(comm, wait=0.3):
    """Everything the socket sends in the next `wait` seconds (after any frames act() kept)."""
    out, comm.held = list(getattr(comm, "held", [])), []
    while not await comm.receive_nothing(timeout=wait):  # (a timed-out receive would cancel the app)
        out.append(await comm.receive_json_from(timeout=TIMEOUT))
    return out


def issue(hall, service, **kw):
    return actions.issue_ticket(hall, service, **kw).ticket
