"""/metrics counts the sockets open per kind: up when a screen connects, down when it leaves."""

import pytest
from hallops.ops.metrics import SOCKETS

from .conftest import open_socket

pytestmark = pytest.mark.django_db(transaction=True)


def _open(kind):
    # This gauge alone: the registry's other collectors read the database, not allowed here (async).
    return next((s.value for f in SOCKETS.collect() for s in f.samples if s.labels.get("kind") == kind), 0)


async def test_open_sockets_are_counted_per_kind(hall):
    before = _open("display")
    comm, snap = await open_socket("/ws/halls/xicheng/display/", token=hall.tokens["hall_screen"])
    assert snap["type"] == "snapshot"
    other, _ = await open_socket("/ws/halls/xicheng/display/", token=hall.tokens["hall_screen"])
    assert _open("display") == before + 2
    await comm.disconnect()
    await other.disconnect()
    assert _open("display") == before


async def test_a_refused_socket_is_not_counted(hall):
    before = _open("display")
    comm, frame = await open_socket("/ws/halls/xicheng/display/", token="not-a-token")
    assert frame["type"] == "error"
    await comm.disconnect()
    assert _open("display") == before
