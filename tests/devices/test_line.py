"""SerialLine against simulated displays and pads on real ptys and TCP sockets."""

import time

import pytest

from devices.led import DisplaySimulator, get_codec
from devices.line import SerialLine
from devices.pad import PadSimulator, get_pad_codec

# timeout_s leaves room for a loaded CI machine: a spurious timeout would show up as a retry.
FAST = dict(gap_s=0.005, timeout_s=0.2, retries=2, probe_interval_s=0.05, reopen_backoff_s=(0.05, 0.2))


def wait_for(predicate, timeout=3.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return predicate()


@pytest.fixture(params=["hallops-generic", "modbus-rtu"])
def bus(request):
    """Three displays on one pty and a line driving them."""
    sim = DisplaySimulator.on_pty(get_codec(request.param), [1, 2, 3]).start()
    events = []
    line = SerialLine(sim.url, request.param, on_health=events.append, **FAST).start()
    line.events = events
    yield sim, line
    line.stop()
    sim.stop()


def test_it_delivers_to_three_addresses_in_order_with_a_gap_between_frames():
    sim = DisplaySimulator.on_pty(get_codec("hallops-generic"), [1, 2, 3]).start()
    line = SerialLine(sim.url, "hallops-generic", gap_s=0.05, timeout_s=0.3).start()
    try:
        for address, text in [(1, "请A001到1号窗口"), (2, "请B002到2号窗口"), (3, "请C003到3号窗口"), (1, "暂停服务")]:
            line.show(address, text)
        assert line.wait_idle(5)
        heard = [(t, c.address, c.text) for t, c in sim.log]
        assert [(a, text) for _, a, text in heard] == [
            (1, "请A001到1号窗口"), (2, "请B002到2号窗口"), (3, "请C003到3号窗口"), (1, "暂停服务")]
        gaps = [b[0] - a[0] for a, b in zip(heard, heard[1:])]
        assert min(gaps) >= 0.045  # RS-485 turnaround kept between a reply and the next frame
        assert sim.shown == {1: "暂停服务", 2: "请B002到2号窗口", 3: "请C003到3号窗口"}
        h = line.health()
        assert h.state == "open" and h.frames_sent == 4 and h.retries == 0
        assert all(a.online for a in h.addresses.values())
    finally:
        line.stop()
        sim.stop()


def test_clear_blanks_a_display(bus):
    sim, line = bus
    line.show(2, "A001")
    line.clear(2)
    assert line.wait_idle(3)
    assert sim.shown[2] is None


def test_a_silent_address_goes_offline_after_retries_and_is_restored_when_it_answers(bus):
    sim, line = bus
    line.show(2, "请A001到2号窗口")
    assert line.wait_idle(3) and sim.shown[2] == "请A001到2号窗口"
    sim.offline.add(2)
    line.show(2, "请A002到2号窗口")
    assert line.wait_idle(3)
    h = line.health()
    assert h.addresses[2].online is False and h.addresses[2].in_sync is False
    assert h.addresses[2].last_error == "timeout"
    assert h.retries == 2 and sim.ignored >= 3  # first try plus two retries
    line.show(2, "请A003到2号窗口")  # while it is off: the newest text is what counts
    line.show(1, "请A004到1号窗口")  # the rest of the bus keeps working meanwhile
    assert line.wait_idle(3) and sim.shown[1] == "请A004到1号窗口"
    sim.offline.discard(2)
    assert wait_for(lambda: sim.shown[2] == "请A003到2号窗口")
    assert wait_for(lambda: line.health().addresses[2].online and line.health().addresses[2].in_sync)
    flips = [(e.old, e.new) for e in line.events if e.address == 2]
    assert flips == [(None, True), (True, False), (False, True)]


def test_a_display_that_naks_is_retried_and_later_resynchronised(bus):
    sim, line = bus
    sim.nak[3] = 5  # refuses the first try, both retries, and a couple more
    line.show(3, "请A009到3号窗口", blink=True)
    assert line.wait_idle(3)
    h = line.health().addresses[3]
    assert h.online is True and h.in_sync is False and h.last_error.startswith("NAK")
    assert wait_for(lambda: sim.shown.get(3) == "请A009到3号窗口")
    assert sim.state[3].blink is True
    assert wait_for(lambda: line.health().addresses[3].in_sync)


def test_a_corrupted_reply_is_retried(bus):
    sim, line = bus
    sim.corrupt[1] = 1
    line.show(1, "A001")
    assert line.wait_idle(3)
    h = line.health()
    assert h.retries == 1 and h.addresses[1].online and h.addresses[1].in_sync
    assert len(sim.commands(1, "show")) == 2


def test_replies_split_byte_by_byte_behind_noise_are_understood(bus):
    sim, line = bus
    sim.split, sim.noise = True, b"\x00\xaa\x13\xff"
    for a in (1, 2, 3):
        line.show(a, f"窗口{a}")
    assert line.wait_idle(5)
    assert line.health().retries == 0 and sim.shown == {1: "窗口1", 2: "窗口2", 3: "窗口3"}


def test_a_bare_pty_path_is_accepted_as_the_url():
    sim = DisplaySimulator.on_pty(get_codec("hallops-generic"), [1]).start()
    line = SerialLine(sim.url.removeprefix("serial://"), "hallops-generic", **FAST).start()
    try:
        line.show(1, "A001")
        assert line.wait_idle(3) and sim.shown[1] == "A001"
    finally:
        line.stop()
        sim.stop()


# -- evaluation pads --------------------------------------------------------------


@pytest.fixture
def pads():
    sim = PadSimulator.on_pty(get_pad_codec(), [11, 12], lost_acks=2).start()
    presses, events = [], []
    line = SerialLine(sim.url, "hallops-pad", on_press=presses.append, on_health=events.append, **FAST).start()
    line.poll_pads([11, 12], interval=0.01)
    yield sim, line, presses, events
    line.stop()
    sim.stop()


def test_each_press_arrives_once_even_when_the_pad_repeats_it(pads):
    sim, line, presses, _ = pads
    sim.press(11, 5)
    sim.press(12, 2)
    sim.press(11, 5)  # the same level again is a second press, with a new counter
    assert wait_for(lambda: sim.pending(11) == 0 and sim.pending(12) == 0)
    assert len([p for p in sim.sent_presses if p[0] == 11]) >= 6  # each sent (at least) three times
    assert sorted((p.address, p.level, p.counter) for p in presses) == [(11, 5, 0), (11, 5, 1), (12, 2, 0)]
    assert {p.label for p in presses} == {"非常满意", "不满意"}


def test_press_counters_wrap_around(pads):
    sim, line, presses, _ = pads
    sim._counter[11] = 254
    for level in (1, 2, 3):
        sim.press(11, level)
    assert wait_for(lambda: len(presses) == 3)
    time.sleep(0.1)
    assert [(p.level, p.counter) for p in presses] == [(1, 254), (2, 255), (3, 0)]


def test_a_prompt_lights_the_pad_and_tags_the_press_with_the_ticket(pads):
    sim, line, presses, _ = pads
    line.prompt(12, "A012")
    assert line.wait_idle(3) and sim.prompts[12] == "A012"
    sim.press(12, 4)
    assert wait_for(lambda: len(presses) == 1)
    assert (presses[0].ticket_number, presses[0].level, presses[0].label) == ("A012", 4, "满意")
    line.reset_pad(12)
    assert line.wait_idle(3) and sim.prompts[12] is None


def test_a_pad_that_stops_answering_goes_offline_and_comes_back(pads):
    sim, line, presses, events = pads
    assert wait_for(lambda: line.health().addresses[11].online is True)
    sim.offline.add(11)
    assert wait_for(lambda: line.health().addresses[11].online is False)
    sim.offline.discard(11)
    sim.press(11, 3)
    assert wait_for(lambda: [p.level for p in presses] == [3])
    assert line.health().addresses[11].online is True
    assert [(e.old, e.new) for e in events if e.address == 11] == [(None, True), (True, False), (False, True)]


# -- the port going away ------------------------------------------------------------


def _survives_cable_pull(sim, line, events):
    line.show(1, "A001")
    assert line.wait_idle(3) and sim.shown[1] == "A001"
    sim.disconnect()
    line.show(1, "A002")  # sent into a dead port
    assert wait_for(lambda: line.health().state == "failed")
    time.sleep(0.3)  # a few failed reopen attempts with backoff
    sim.reconnect()
    assert wait_for(lambda: sim.shown.get(1) == "A002", timeout=5)
    assert wait_for(lambda: line.health().state == "open")
    line.show(2, "B001")
    assert line.wait_idle(3) and sim.shown[2] == "B001"
    states = [e.new for e in events if e.address is None]
    assert states[0] == "open" and "failed" in states and states[-1] == "open"
    assert line.health().errors >= 1


def test_a_socket_peer_restarting_is_survived():
    sim = DisplaySimulator.on_tcp(get_codec("modbus-rtu"), [1, 2]).start()
    events = []
    line = SerialLine(sim.url, "modbus-rtu", on_health=events.append, **FAST).start()
    try:
        _survives_cable_pull(sim, line, events)
    finally:
        line.stop()
        sim.stop()


def test_a_pty_that_hangs_up_and_comes_back_is_survived(tmp_path):
    sim = DisplaySimulator.on_pty(get_codec("hallops-generic"), [1, 2], link=str(tmp_path / "ttyLED")).start()
    events = []
    line = SerialLine(sim.url, "hallops-generic", on_health=events.append, **FAST).start()
    try:
        _survives_cable_pull(sim, line, events)
    finally:
        line.stop()
        sim.stop()


def test_a_port_that_does_not_exist_yet_is_retried_until_it_appears(tmp_path):
    link = str(tmp_path / "ttyLATE")
    events = []
    line = SerialLine(f"serial://{link}", "hallops-generic", on_health=events.append, **FAST).start()
    try:
        line.show(1, "A001")
        assert wait_for(lambda: line.health().state == "failed")
        sim = DisplaySimulator.on_pty(get_codec("hallops-generic"), [1], link=link).start()
        try:
            assert wait_for(lambda: sim.shown.get(1) == "A001", timeout=5)
        finally:
            sim.stop()
    finally:
        line.stop()


def test_write_only_displays_are_sent_to_without_waiting_for_replies():
    from devices.led.generic import GenericCodec

    class WriteOnly(GenericCodec):
        expects_reply = False

    sim = DisplaySimulator.on_pty(get_codec("hallops-generic"), [1, 2]).start()
    sim.offline.add(2)  # nobody would notice: there is no reply to miss
    line = SerialLine(sim.url, WriteOnly(), **FAST).start()
    try:
        line.show(1, "A001")
        line.show(2, "A002")
        assert line.wait_idle(3)
        assert wait_for(lambda: sim.shown.get(1) == "A001")
        h = line.health()
        assert h.frames_sent == 2 and h.retries == 0 and h.addresses[2].online is None
    finally:
        line.stop()
        sim.stop()


def test_wait_idle_returns_while_pads_keep_being_polled(pads):
    sim, line, _, _ = pads
    time.sleep(0.05)
    line.prompt(11, "B007")
    assert line.wait_idle(1.0) and sim.prompts[11] == "B007"
    n = line.health().frames_sent
    assert wait_for(lambda: line.health().frames_sent > n + 5)  # polling carries on


def test_a_write_may_take_as_long_as_a_frame_needs_while_reads_still_poll():
    """Issue 11, fault 6: the write timeout was the 20 ms read poll, and a loaded pty failed a write."""
    from devices.line import WRITE_TIMEOUT_S

    sim = DisplaySimulator.on_pty(get_codec("hallops-generic"), [1]).start()
    line = SerialLine(sim.url, "hallops-generic", **FAST).start()
    try:
        line.show(1, "A001")
        assert line.wait_idle(3) and sim.shown[1] == "A001"
        port = line._port
        assert port.timeout <= 0.02 and port.write_timeout == WRITE_TIMEOUT_S >= 0.5
    finally:
        line.stop()
        sim.stop()
