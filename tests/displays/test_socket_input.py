"""Hostile and broken frames against a running daphne, with a real WebSocket client: every one gets an
error frame with a code and the socket stays open (docs/realtime.md). Before hallops.sockets, deep
nesting closed the console (RecursionError), any non-JSON frame closed /ws/gateway/, a non-UUID ticket or
`1e400` was a `server_error`, and /ws/tickets/not-a-uuid/ was a 500 at the handshake.
"""

import json
import shutil

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from tests.browser.conftest import Server

pytestmark = pytest.mark.timeout(180)

SEED = """
import json
from django.core.management import call_command
from hallops.core import actions
from hallops.core.models import DeviceKind, Window
from tests.factories import make_device, make_hall, make_service, make_staff, make_window, token_for
call_command("migrate", "--noinput", verbosity=0)
hall = make_hall("xicheng", name="西城区政务服务中心", enforce_hours=False)
a = make_service(hall, code="biz", prefix="A", name="营业执照")
w = make_window(hall, "1", services=[a])
staff = make_staff(hall, "staff1")
actions.sign_in(w, staff)
ticket = actions.issue_ticket(hall, a).ticket
print(json.dumps({
    "window": w.pk, "ticket": str(ticket.pk), "staff": token_for(user=staff),
    "pad": token_for(device=make_device(hall, DeviceKind.EVALUATION_PAD, window=w)),
    "gateway": token_for(device=make_device(hall, DeviceKind.GATEWAY, name="gw")),
}))
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hallops-sockets")
    srv = Server(tmp)
    try:
        srv.seed = json.loads(srv.manage("shell", "-c", SEED).strip().splitlines()[-1])
        srv.start()
        yield srv
    finally:
        srv.close()
        shutil.rmtree(tmp, ignore_errors=True)


def open_ws(server, path, token=None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return connect(f"ws://127.0.0.1:{server.port}{path}", additional_headers=headers, open_timeout=10,
                   max_size=2**22)


def recv(ws):
    return json.loads(ws.recv(timeout=10))


def recv_type(ws, *types):
    while True:
        frame = recv(ws)
        if frame["type"] in types:
            return frame


def console(server):
    ws = open_ws(server, f"/ws/halls/xicheng/console/{server.seed['window']}/", server.seed["staff"])
    assert recv(ws)["type"] == "snapshot"
    return ws


def still_open(ws):
    ws.send(json.dumps({"type": "ping"}))
    assert recv_type(ws, "pong", "error")["type"] == "pong"


def sent(ws, raw):
    """Send one raw frame; return the error frame it earns."""
    ws.send(raw)
    return recv_type(ws, "error", "result")


DEEP = "[" * 5000 + "]" * 5000


@pytest.mark.parametrize("raw, code", ids=lambda v: v[:40] if isinstance(v, str) else repr(v)[:40], argvalues=[
    (DEEP, "bad_json"),
    ('{"action": "call_next", "id": ' + DEEP + "}", "bad_json"),
    ("[" * 40000 + "]" * 40000, "frame_too_large"),
    ("not json", "bad_json"),
    ("[null]", "bad_json"),
    (b"\xff\xfe{", "bad_json"),
    ('{"action": "short_absence", "minutes": 1e400}', "bad_json"),
    ('{"action": "call_number", "number": NaN}', "bad_json"),
    ('{"action": "requeue", "ticket": "not-a-uuid"}', "bad_args"),
    ('{"action": "requeue", "ticket": 5}', "bad_args"),
    ('{"action": "short_absence", "minutes": 123456789012345678901234567890}', "bad_args"),
    ('{"action": "pause", "reason": "午\\u0000休"}', "control_characters"),
    ('{"action": "call_number", "number": "A\\u0001"}', "control_characters"),
    ('{"action\\u0000": "call_next"}', "control_characters"),
    ('{"action": "pause", "reason": ["午休"]}', "bad_args"),
])
def test_the_console_answers_bad_input_with_an_error_frame_and_stays_open(server, raw, code):
    with console(server) as ws:
        frame = sent(ws, raw)
        assert (frame["type"], frame["error"]) == ("error", code), frame
        assert frame["message"]
        still_open(ws)


def test_a_refused_pause_changes_nothing(server):
    with console(server) as ws:
        assert sent(ws, '{"action": "pause", "reason": "\\u0000", "id": 1}')["error"] == "control_characters"
        still_open(ws)
    # A fresh snapshot: the window is still open, with no pause reason.
    with open_ws(server, f"/ws/halls/xicheng/console/{server.seed['window']}/", server.seed["staff"]) as ws:
        snap = recv(ws)
        assert snap["window"]["state"] == "open" and snap["window"]["pause_reason"] == ""


def test_the_pad_refuses_a_non_uuid_ticket_and_an_infinite_level_with_codes(server):
    with open_ws(server, f"/ws/halls/xicheng/pad/{server.seed['window']}/", server.seed["pad"]) as ws:
        assert recv(ws)["type"] == "snapshot"
        frame = sent(ws, '{"action": "evaluate", "level": 5, "ticket": "x", "id": 7}')
        assert (frame["type"], frame["error"], frame["id"]) == ("error", "bad_args", 7)
        assert sent(ws, '{"action": "evaluate", "level": 1e400}')["error"] == "bad_json"
        still_open(ws)


def test_the_gateway_socket_survives_frames_that_are_not_json(server):
    with open_ws(server, "/ws/gateway/", server.seed["gateway"]) as ws:
        assert recv(ws)["type"] == "hello"
        for raw, code in [("hello", "bad_json"), (b"\x00\x01", "bad_json"), ("[1]", "bad_json"),
                          (DEEP, "bad_json"), ('{"type": "report", "kind": "x\\u0000"}', "control_characters"),
                          ('{"type": "dance"}', "unknown_type")]:
            ws.send(raw)
            frame = recv_type(ws, "error")
            assert frame["error"] == code, (raw, frame)
        # Still the gateway's socket: a heartbeat report is applied and acknowledged.
        ws.send(json.dumps({"type": "report", "id": "r1", "kind": "heartbeat", "devices": []}))
        ack = recv_type(ws, "ack")
        assert ack["id"] == "r1"


@pytest.mark.parametrize("path, code, close", [
    ("/ws/tickets/not-a-uuid/", "ticket_not_found", 4404),
    ("/ws/tickets/00000000-0000-4000-8000-000000000000/", "ticket_not_found", 4404),
    ("/ws/halls/xicheng/console/99999999999999999999999/", "window_not_found", 4404),
    ("/ws/nowhere/", "not_found", 4404),
])
def test_a_handshake_for_nothing_is_an_error_frame_and_a_4404_not_a_500(server, path, code, close):
    ws = open_ws(server, path, server.seed["staff"])
    frame = recv(ws)
    assert (frame["type"], frame["error"]) == ("error", code)
    with pytest.raises(ConnectionClosed):
        ws.recv(timeout=10)
    assert ws.close_code == close


def test_the_ticket_page_still_follows_a_real_ticket(server):
    with open_ws(server, f"/ws/tickets/{server.seed['ticket']}/") as ws:
        snap = recv(ws)
        assert (snap["type"], snap["kind"], snap["ticket"]["number"]) == ("snapshot", "ticket", "A001")
        assert sent(ws, '{"action": "call_next"}')["error"] == "forbidden"
        still_open(ws)
