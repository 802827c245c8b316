"""Throttled state frames: a hall-wide state is read once per process, and its frame built once per
kind of stream, for every socket whose events it covers."""

import asyncio

from displays import snapshots
from displays.consumers import refresh
from displays.streams import HallScreen, Kiosk
from hallops.core.actors import Actor
from hallops.sockets import SharedFrame, encode
from tests.displays.conftest import issue


def opened(kind, hall):
    stream = kind(Actor.anonymous(), hall=hall.hall.code)
    stream.load_hall()
    return stream


def test_it_reads_the_waiting_counts_once_and_builds_one_frame_per_kind(hall, monkeypatch):
    reads = []
    real = snapshots.waiting_by_service
    monkeypatch.setattr(snapshots, "waiting_by_service", lambda h: reads.append(h.pk) or real(h))  # counts, reads
    issue(hall.hall, hall.a)
    screens = [opened(HallScreen, hall) for _ in range(3)]
    kiosk = opened(Kiosk, hall)

    async def refresh_all(seen_seq):
        return await asyncio.gather(*(refresh.shared_frame(s, s.refresh_key(), seen_seq)
                                      for s in [*screens, kiosk]))

    frames = asyncio.run(refresh_all(1))
    assert reads == [hall.hall.pk]  # four sockets, one read
    *on_screens, on_kiosk = frames
    assert all(frame is on_screens[0] for frame in on_screens)  # one object, encoded once
    assert type(on_screens[0]) is SharedFrame and on_screens[0]["type"] == "waiting"
    assert on_kiosk["type"] == "services" and on_kiosk is not on_screens[0]
    assert {s["code"]: s["waiting"] for s in on_screens[0]["services"]} == {"biz": 1, "tax": 0}
    assert encode(on_screens[0]) == encode(SharedFrame(screens[0].refresh_frame(real(hall.hall))))

    # A socket that has seen a later event does not take a computation started before it.
    asyncio.run(refresh_all(1))  # another event loop, another process's worth of sockets: its own read
    assert len(reads) == 2

    async def later_event_seen():
        first = await refresh.shared_frame(screens[0], "services", 1)
        again = await refresh.shared_frame(screens[1], "services", 1)
        newer = await refresh.shared_frame(screens[2], "services", 2)
        return first, again, newer

    first, again, newer = asyncio.run(later_event_seen())
    assert first is again and newer is not first and len(reads) == 4
