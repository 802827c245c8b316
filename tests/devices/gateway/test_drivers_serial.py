"""The gateway's serial buses report device health directly, and only what is known (issue 11, fault 3)."""

import time

from devices.gateway.drivers import Drivers, split_bus_url
from devices.led import DisplaySimulator, get_codec

FAST = {"gap_s": 0.005, "timeout_s": 0.2, "retries": 1, "probe_interval_s": 0.05, "reopen_backoff_s": (0.05, 0.2)}


def wait_for(predicate, timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()


def test_a_serial_bus_url_keeps_its_form_and_its_options():
    assert split_bus_url("serial:///dev/ttyUSB0?baudrate=9600&address=3", {}, "window_display") == \
        ("serial:///dev/ttyUSB0?baudrate=9600", 3, "hallops-generic")
    assert split_bus_url("/dev/pts/7", {"address": 2}, "window_display")[0] == "serial:///dev/pts/7"


def health_rows(reports, device_id):
    return [row for kind, fields in reports if kind == "device.health" for row in fields["devices"]
            if row["id"] == device_id]


def test_a_display_that_answers_is_reported_online_by_its_line_and_one_never_heard_from_is_not():
    sim = DisplaySimulator.on_pty(get_codec("hallops-generic"), [1]).start()
    reports = []
    drivers = Drivers(on_report=lambda kind, **fields: reports.append((kind, fields)), line_options=FAST)
    try:
        drivers.configure([
            {"id": 7, "name": "led-1", "kind": "window_display", "url": f"{sim.url}?address=1"},
            {"id": 8, "name": "led-2", "kind": "window_display", "url": f"{sim.url}?address=2"},  # nobody there
        ])
        # Before anything was sent, nothing is known: no row says online or offline.
        assert [r for r in drivers.health() if r["id"] in (7, 8)] == []
        drivers.execute({"id": "c1", "device": 7, "kind": "show", "payload": {"text": "A001"}})
        drivers.execute({"id": "c2", "device": 8, "kind": "show", "payload": {"text": "A002"}})
        # The line's own health change reaches the report, without waiting for a health sweep.
        assert wait_for(lambda: any(r["online"] for r in health_rows(reports, 7)))
        assert wait_for(lambda: any(r["online"] is False for r in health_rows(reports, 8)))
        rows = {r["id"]: r for r in drivers.health()}
        assert rows[7]["online"] is True and rows[7]["status"]["detail"] == "ok"
        assert rows[8]["online"] is False
    finally:
        drivers.close()
        sim.stop()
