"""A hall event many sockets send alike is framed once and written straight to daphne's sockets.

daphne installs its reactor on import, so these run in a child process, as daphne itself starts:
its Server and WebSocketFactory, and protocols on Twisted's StringTransport (the bytes a socket
would be given). End to end, the screens on a real daphne get these frames in the browser tests
(tests/browser) and across two daphnes (tests/production/test_two_daphne.py).
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]

CHILD = r"""
import daphne.server  # first, as daphne's own start does: it installs the asyncio reactor
import functools, json, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hallops.settings")
import django
django.setup()
from daphne.server import Server
from daphne.ws_protocol import WebSocketFactory
from twisted.internet.testing import StringTransport
from displays.consumers.direct import direct_writer
from hallops.sockets import SharedFrame, encode

server = Server(application=None, endpoints=["tcp:port=0:interface=127.0.0.1"])  # never run: nothing listens
factory = WebSocketFactory(server, server="daphne")

def socket(state):
    protocol = factory.buildProtocol(None)
    protocol.makeConnection(StringTransport())
    protocol.state = getattr(protocol, state)  # the opening handshake is daphne's, not what is tested
    return protocol

def daphnes_send(protocol):
    return functools.partial(server.handle_reply, protocol)  # what daphne hands the application

open1, open2, closing = socket("STATE_OPEN"), socket("STATE_OPEN"), socket("STATE_CLOSING")
frame = SharedFrame({"type": "ticket.called", "seq": 7, "number": "A001", "window": {"name": "一号窗口"}})
for protocol in (open1, open2, closing):
    direct_writer(daphnes_send(protocol)).send(frame)
prepared = frame.prepared
direct_writer(daphnes_send(open1)).send(frame)

async def elsewhere(message):
    pass

print(json.dumps({
    "open1": open1.transport.value().hex(), "open2": open2.transport.value().hex(),
    "closing": closing.transport.value().hex(), "text": encode(frame),
    "prepared_kept": frame.prepared is prepared,
    "other_send": direct_writer(elsewhere) is None,
    "other_partial": direct_writer(functools.partial(elsewhere)) is None,
    "http_protocol": direct_writer(functools.partial(server.handle_reply, object())) is None,
}))
"""


@pytest.fixture(scope="module")
def child():
    out = subprocess.run([sys.executable, "-c", CHILD], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def text_frame(payload: bytes) -> bytes:
    """RFC 6455 unmasked text frame, as a server sends it."""
    n = len(payload)
    header = bytes([0x81, n]) if n < 126 else bytes([0x81, 126]) + n.to_bytes(2, "big")
    return header + payload


def test_it_writes_a_shared_frame_to_each_open_socket_framed_once(child):
    result = child
    expected = text_frame(result["text"].encode())
    assert json.loads(result["text"])["window"]["name"] == "一号窗口"  # the frame's own text, UTF-8
    assert bytes.fromhex(result["open2"]) == expected
    assert bytes.fromhex(result["open1"]) == expected * 2  # sent twice, the same prepared bytes
    assert result["prepared_kept"]


def test_it_writes_nothing_to_a_socket_that_is_closing(child):
    assert child["closing"] == ""


def test_it_leaves_any_other_send_to_the_asgi_way(child):
    assert child["other_send"] and child["other_partial"] and child["http_protocol"]
