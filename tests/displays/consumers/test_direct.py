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
import socket as sockets
from daphne.server import Server
from daphne.ws_protocol import WebSocketFactory
from twisted.internet import reactor, tcp
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

def wired():
    # A protocol on a real socket (one end of a pair; the other end is the screen).
    ours, peer = sockets.socketpair()
    protocol = factory.buildProtocol(None)
    protocol.makeConnection(tcp.Server(ours, protocol, ("127.0.0.1", 50000), None, 1, reactor))
    protocol.state = protocol.STATE_OPEN
    peer.setblocking(False)
    return protocol, peer

def received(peer):
    try:
        return peer.recv(1 << 20)
    except BlockingIOError:
        return b""

# Nothing queued: on the wire before the event loop turns, and no writer registered with it.
quiet, quiet_peer = wired()
direct_writer(daphnes_send(quiet)).send(frame)
at_once = received(quiet_peer)
registered = quiet.transport in reactor.getWriters()

# Twisted holds bytes for this socket: the frame queues behind them, in order.
busy, busy_peer = wired()
busy.transport.write(b"earlier")
direct_writer(daphnes_send(busy)).send(frame)
behind_nothing_sent = received(busy_peer)
queued = [bytes(b) for b in busy.transport._tempDataBuffer]

# A frame larger than the kernel takes at once: the rest goes to Twisted and follows in order.
big, big_peer = wired()
big.transport.socket.setsockopt(sockets.SOL_SOCKET, sockets.SO_SNDBUF, 4096)
large = SharedFrame({"type": "hall.notice", "seq": 8, "text": "通知" * 200000})
direct_writer(daphnes_send(big)).send(large)
first_part = received(big_peer)
got = first_part
while big.transport._tempDataLen or big.transport.offset != len(big.transport.dataBuffer):
    big.transport.doWrite()
    got += received(big_peer)
got += received(big_peer)

async def elsewhere(message):
    pass

print(json.dumps({
    "open1": open1.transport.value().hex(), "open2": open2.transport.value().hex(),
    "closing": closing.transport.value().hex(), "text": encode(frame),
    "prepared_kept": frame.prepared is prepared,
    "at_once": at_once.hex(), "writer_registered": registered,
    "behind_nothing_sent": behind_nothing_sent.hex(), "queued": [b.hex() for b in queued],
    "large_first_part": len(first_part), "large": got.hex(), "large_text": encode(large),
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
    if n < 126:
        return bytes([0x81, n]) + payload
    if n < 1 << 16:
        return bytes([0x81, 126]) + n.to_bytes(2, "big") + payload
    return bytes([0x81, 127]) + n.to_bytes(8, "big") + payload


def test_it_writes_a_shared_frame_to_each_open_socket_framed_once(child):
    result = child
    expected = text_frame(result["text"].encode())
    assert json.loads(result["text"])["window"]["name"] == "一号窗口"  # the frame's own text, UTF-8
    assert bytes.fromhex(result["open2"]) == expected
    assert bytes.fromhex(result["open1"]) == expected * 2  # sent twice, the same prepared bytes
    assert result["prepared_kept"]


def test_it_hands_the_frame_to_the_kernel_at_once_when_nothing_waits(child):
    assert bytes.fromhex(child["at_once"]) == text_frame(child["text"].encode())
    assert not child["writer_registered"]


def test_it_queues_the_frame_behind_bytes_twisted_still_holds(child):
    assert child["behind_nothing_sent"] == ""
    assert [bytes.fromhex(b) for b in child["queued"]] == [b"earlier", text_frame(child["text"].encode())]


def test_it_leaves_what_the_kernel_did_not_take_to_twisted_in_order(child):
    whole = text_frame(child["large_text"].encode())
    assert 0 < child["large_first_part"] < len(whole)
    assert bytes.fromhex(child["large"]) == whole


def test_it_writes_nothing_to_a_socket_that_is_closing(child):
    assert child["closing"] == ""


def test_it_leaves_any_other_send_to_the_asgi_way(child):
    assert child["other_send"] and child["other_partial"] and child["http_protocol"]
