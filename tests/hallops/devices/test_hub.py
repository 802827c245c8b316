"""hallops.devices.hub: reports applied once, silent devices going offline, the gateway package staying Django-free."""

import subprocess
import sys
from datetime import timedelta

import pytest

from hallops.devices import hub
from hallops.devices.models import InboxMessage
from hallops.core import actions
from hallops.core.clock import now as clock_now
from hallops.core.models import Device, DeviceKind, Evaluation, HallEvent
from tests.factories import make_device, make_hall, make_service, open_window_with_staff


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def setup(db):
    hall = make_hall()
    service = make_service(hall, prefix="A")
    window, _ = open_window_with_staff(hall, [service])
    gateway = make_device(hall, DeviceKind.GATEWAY)
    pad = make_device(hall, DeviceKind.EVALUATION_PAD, window=window, url="virtual://p", gateway=gateway)
    actions.issue_ticket(hall, service)
    actions.call_next(window)
    actions.finish(window)
    return hall, gateway, pad


def test_a_pad_press_sent_twice_is_one_evaluation(setup):
    hall, gateway, pad = setup
    report = {"type": "report", "id": "r-1", "kind": "pad.press", "device": pad.pk, "level": 4}
    first = hub.apply_report(gateway, report)
    again = hub.apply_report(gateway, report)
    assert first["id"] == again["id"] == "r-1" and again.get("duplicate")
    assert Evaluation.objects.count() == 1 and InboxMessage.objects.count() == 1


def test_a_press_of_another_gateways_pad_is_not_applied(setup):
    hall, gateway, pad = setup
    other = make_device(hall, DeviceKind.GATEWAY)
    ack = hub.apply_report(other, {"type": "report", "id": "r-2", "kind": "pad.press", "device": pad.pk, "level": 5})
    assert ack["result"]["error"] == "unknown_pad" and Evaluation.objects.count() == 0


def test_a_device_silent_for_two_heartbeats_goes_offline_with_an_event(setup):
    hall, gateway, pad = setup
    Device.objects.filter(pk=pad.pk).update(online=True, heartbeat_s=10,
                                            last_seen=clock_now() - timedelta(seconds=25))
    assert hub.sweep() == 1
    pad.refresh_from_db()
    assert not pad.online and pad.status["problem"] == "offline"
    assert HallEvent.objects.filter(hall=hall, type="device.status").exists()


def test_a_device_heard_within_its_heartbeat_stays_online(setup):
    hall, gateway, pad = setup
    Device.objects.filter(pk=pad.pk).update(online=True, heartbeat_s=10, last_seen=clock_now() - timedelta(seconds=5))
    assert hub.sweep() == 0


def test_the_gateway_package_does_not_import_django():
    code = "import sys, devices.gateway, devices.gateway.client; print('django' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize("report", [
    {"kind": "pad.press", "device": "abc", "level": 4},
    {"kind": "pad.press", "device": 10**30, "level": 4},
    {"kind": "device.health", "devices": "not-a-list"},
    {"kind": "device.health", "devices": [{"id": {"x": 1}, "online": True}]},
    {"kind": "printer.status", "device": [1], "status": "on"},
])
def test_a_malformed_report_is_acknowledged_once_as_malformed_and_changes_nothing(setup, report):
    hall, gateway, pad = setup
    events_before = HallEvent.objects.count()
    report = {"type": "report", "id": "bad-1", **report}
    ack = hub.apply_report(gateway, report)
    # Acknowledged with an error (a device id past bigint is "malformed" on PostgreSQL, "unknown" on SQLite).
    assert (ack["type"], ack["id"]) == ("ack", "bad-1")
    assert ack["result"]["error"] in ({"malformed_report", "unknown_pad"} if report.get("device") == 10**30
                                      else {"malformed_report"})
    assert hub.apply_report(gateway, report)["duplicate"]  # sent again: acknowledged, not re-applied
    assert HallEvent.objects.count() == events_before and Evaluation.objects.count() == 0


def test_a_print_job_that_fails_because_the_printer_is_unreachable_marks_it_offline_at_once(setup):
    """Issue 11, fault 4: an unreachable printer reached the dashboard only at the health sweep (~60 s)."""
    from hallops.devices.models import CommandKind, DeviceCommand

    hall, gateway, pad = setup
    printer = make_device(hall, DeviceKind.PRINTER, url="tcp://192.0.2.1:9100", gateway=gateway)
    hub.set_health(printer, True, {"online": True})
    command = DeviceCommand.objects.create(device=printer, kind=CommandKind.PRINT,
                                           payload={"ticket": None, "number": "A001", "kiosk": None})
    before = HallEvent.objects.filter(type="device.status").count()
    hub.apply_ack(gateway, {"type": "ack", "id": str(command.pk), "ok": False,
                            "result": {"error": "printer_offline", "message": "connection refused", "status": None}})
    printer.refresh_from_db()
    assert printer.online is False and printer.status["problem"] == "offline"
    assert HallEvent.objects.filter(type="device.status").count() == before + 1
