"""The virtual gateway (manage.py run_virtual_gateway) and the device sweeper (manage.py sweep_devices).

Both are loops in their own processes now, not threads started by importing a module or tasks inside
each gateway socket. The gateway's device workers write from their own threads, so these tests use
committed data (transactional_db).
"""

import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command

from hallops.core import actions
from hallops.core.actors import Actor
from hallops.core.clock import now as clock_now
from hallops.core.models import Device, DeviceKind, HallEvent
from hallops.devices import hub
from hallops.devices.models import CommandStatus, DeviceCommand
from hallops.devices.virtual import VirtualGateway
from tests.factories import make_device, make_hall, make_service, open_window_with_staff

ROOT = Path(__file__).resolve().parents[3]


def wait_for(predicate, timeout=10.0, step=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    return predicate()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def hall(transactional_db, tmp_path, settings):
    settings.HALLOPS = {**settings.HALLOPS, "VIRTUAL_PRINT_DIR": str(tmp_path / "prints")}
    hall = make_hall()
    service = make_service(hall, code="sb", prefix="A")
    window, staff = open_window_with_staff(hall, [service], number="3")
    gateway = make_device(hall, DeviceKind.GATEWAY, name="vgw")
    display = make_device(hall, DeviceKind.WINDOW_DISPLAY, window=window, url="virtual://d3", gateway=gateway)
    printer = make_device(hall, DeviceKind.PRINTER, url="virtual://pr1", gateway=gateway)
    kiosk = make_device(hall, DeviceKind.KIOSK, options={"printer": printer.name})
    hall.t = dict(service=service, window=window, gateway=gateway, display=display, printer=printer, kiosk=kiosk)
    return hall


@pytest.fixture
def vgw(hall, tmp_path):
    gateway = VirtualGateway(state_dir=tmp_path / "state", conn="virtual:test")
    yield gateway
    gateway.close()


def statuses(device):
    return list(DeviceCommand.objects.filter(device=device).order_by("order").values_list("status", flat=True))


def test_it_claims_a_gateway_of_virtual_devices_and_a_second_one_does_not(hall, vgw, tmp_path):
    vgw.scan()
    gw = Device.objects.get(pk=hall.t["gateway"].pk)
    assert gw.online and gw.status["conn"] == "virtual:test"
    assert HallEvent.objects.filter(hall=hall, type="device.status", payload__device__name="vgw").exists()
    other = VirtualGateway(state_dir=tmp_path / "other", conn="virtual:other")
    other.scan()
    assert other.served == {}
    assert Device.objects.get(pk=gw.pk).status["conn"] == "virtual:test"


def test_a_gateway_with_a_real_device_is_left_to_run_gateway(hall, vgw):
    Device.objects.filter(pk=hall.t["printer"].pk).update(url="tcp://192.0.2.1:9100")
    vgw.scan()
    assert vgw.served == {} and not Device.objects.get(pk=hall.t["gateway"].pk).online


def test_a_call_made_after_the_claim_reaches_the_virtual_display(hall, vgw):
    t = hall.t
    vgw.scan()
    actions.issue_ticket(hall, t["service"])
    actions.call_next(t["window"])
    vgw.pull()
    assert wait_for(lambda: statuses(t["display"])[-1:] == [CommandStatus.DONE])
    shown = vgw.served[t["gateway"].pk].drivers.displays[t["display"].pk].current
    assert shown == ("A001 请到3号窗口", False)


def test_closing_puts_the_claimed_gateway_and_its_devices_offline_again(hall, vgw):
    vgw.scan()
    vgw.heartbeat()
    assert Device.objects.get(pk=hall.t["display"].pk).online
    vgw.close()
    gw, display = (Device.objects.get(pk=d.pk) for d in (hall.t["gateway"], hall.t["display"]))
    assert not gw.online and not display.online


def test_the_command_prints_commands_queued_before_it_started_then_restores_and_gives_the_signals_back(hall, tmp_path):
    t = hall.t
    actions.issue_ticket(hall, t["service"], actor=Actor(device=t["kiosk"]))
    assert statuses(t["printer"]) == [CommandStatus.PENDING]
    before = signal.getsignal(signal.SIGTERM)
    out = io.StringIO()
    call_command("run_virtual_gateway", "--for-seconds", "1.5", "--poll", "0.1", "--state-dir", str(tmp_path / "s"),
                 stdout=out)
    assert statuses(t["printer"]) == [CommandStatus.DONE]
    assert list((tmp_path / "prints" / "pr1").glob("*.png")), "the virtual printer writes a preview"
    assert not Device.objects.get(pk=t["gateway"].pk).online  # restored on the way out
    assert signal.getsignal(signal.SIGTERM) is before
    assert "stopped" in out.getvalue()


def silent(device, seconds):
    Device.objects.filter(pk=device.pk).update(online=True, heartbeat_s=10, last_seen=clock_now() - timedelta(seconds=seconds))
    return Device.objects.select_related("window").get(pk=device.pk)


def test_sweep_devices_once_marks_a_silent_device_offline(hall):
    silent(hall.t["display"], 25)
    silent(hall.t["printer"], 5)
    out = io.StringIO()
    call_command("sweep_devices", "--once", stdout=out)
    assert "devices marked offline: 1" in out.getvalue()
    assert not Device.objects.get(pk=hall.t["display"].pk).online
    assert Device.objects.get(pk=hall.t["printer"].pk).online


def test_a_heartbeat_landing_between_the_sweeps_read_and_write_wins(hall):
    found = silent(hall.t["display"], 25)  # what the sweeper read
    hub.set_health(found, True)  # the device is heard meanwhile
    assert hub._mark_silent(found, clock_now()) is False
    assert Device.objects.get(pk=found.pk).online


def test_two_sweepers_record_one_event(hall):
    found = silent(hall.t["display"], 25)
    n = HallEvent.objects.filter(type="device.status").count()
    assert hub._mark_silent(found, clock_now()) is True
    assert hub._mark_silent(found, clock_now()) is False
    assert HallEvent.objects.filter(type="device.status").count() == n + 1


@pytest.mark.slow
def test_sigterm_stops_the_command_and_its_gateway_goes_offline(tmp_path):
    """The demo's own process: migrate and load the demo into a SQLite file, run, SIGTERM, read the file."""
    db = tmp_path / "demo.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "HALLOPS_VIRTUAL_PRINT_DIR": str(tmp_path / "prints"),
           "DJANGO_SETTINGS_MODULE": "hallops.settings"}
    env.pop("REDIS_URL", None)
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput"], cwd=ROOT, env=env, check=True, capture_output=True, timeout=300)
    subprocess.run([*manage, "load_demo", "--always-open"], cwd=ROOT, env=env, check=True, capture_output=True,
                   timeout=300)

    def gateway_online():
        con = sqlite3.connect(db, timeout=10)
        try:
            return con.execute("SELECT online, status FROM core_device WHERE name = 'demo-gateway'").fetchone()
        finally:
            con.close()

    proc = subprocess.Popen([*manage, "run_virtual_gateway", "--poll", "0.1", "--state-dir", str(tmp_path / "s")],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert wait_for(lambda: gateway_online()[0] == 1, timeout=30), proc.stderr.read() if proc.poll() else ""
        assert json.loads(gateway_online()[1])["conn"].startswith("virtual:")
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(15) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    assert gateway_online()[0] == 0
    assert "stopped" in proc.stdout.read()
