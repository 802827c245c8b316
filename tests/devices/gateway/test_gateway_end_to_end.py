"""The gateway against a real daphne (temp SQLite file), a TCP printer stand-in and pty display/pad simulators.

The GatewayClient reaches daphne through a small TCP proxy the tests stop and start (network loss);
daphne itself is killed with SIGKILL and restarted (server restart). The database is read with
plain sqlite3: the test process does not share Django's test database with the server.
"""

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

from devices.gateway import Drivers, GatewayClient
from devices.led import DisplaySimulator, get_codec
from devices.pad import PadSimulator, get_pad_codec
from devices.printer import SqliteJournal, decode_text, extract_qr_payloads
from devices.printer.standin import PrinterStandIn

ROOT = Path(__file__).resolve().parents[3]
PY = sys.executable
FAST_LINE = dict(gap_s=0.005, timeout_s=0.2, retries=2, probe_interval_s=0.1, reopen_backoff_s=(0.05, 0.2))

pytestmark = pytest.mark.slow


def wait_for(predicate, timeout=10.0, step=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    return predicate()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Proxy:
    """A TCP relay; stop() drops every connection and refuses new ones, like a cable pulled."""

    def __init__(self, target_port):
        self.target = target_port
        self.port = free_port()
        self.conns = []
        self.listener = None

    def start(self):
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", self.port))
        self.listener.listen(8)
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()
        return self

    def _accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target))
            except OSError:
                client.close()
                continue
            self.conns += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(a, b):
        try:
            while data := a.recv(65536):
                b.sendall(data)
        except OSError:
            pass
        for s in (a, b):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def stop(self):
        try:
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes accept() at once on Linux
        except OSError:
            pass
        self.listener.close()
        for c in self.conns:
            try:
                c.shutdown(socket.SHUT_RDWR)
                c.close()
            except OSError:
                pass
        self.conns = []


class Server:
    def __init__(self, db_path, port):
        self.port = port
        self.env = {**os.environ, "DATABASE_URL": f"sqlite:///{db_path}",
                    "HALLOPS_PUBLIC_URL": "http://hall.example", "DJANGO_SETTINGS_MODULE": "hallops.settings"}
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen(
            [str(Path(PY).parent / "daphne"), "-b", "127.0.0.1", "-p", str(self.port), "hallops.asgi:application"],
            cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

        def up():
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return True
            except OSError:
                return False

        assert wait_for(up, 20), "daphne did not start"

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(5)


@pytest.fixture(scope="module")
def rig(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("gateway")
    db = tmp / "hall.sqlite3"
    standin = PrinterStandIn().start()
    display = DisplaySimulator.on_pty(get_codec("hallops-generic"), [1], link=str(tmp / "display-bus")).start()
    pad = PadSimulator.on_pty(get_pad_codec("hallops-pad"), [1], link=str(tmp / "pad-bus")).start()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}",
           "HALLOPS_PUBLIC_URL": "http://hall.example"}
    out = subprocess.run([PY, str(Path(__file__).with_name("hall_setup.py")), standin.url,
                          f"{display.url}?baudrate=115200", pad.url], cwd=ROOT, env=env, capture_output=True,
                         text=True, check=True)
    info = json.loads(out.stdout.strip().splitlines()[-1])
    server = Server(db, free_port())
    server.start()
    proxy = Proxy(server.port).start()

    def drivers(state_dir, on_report):
        return Drivers(journal=SqliteJournal(state_dir / "journal.sqlite3"), virtual_dir=state_dir / "prints",
                       on_report=on_report, line_options=FAST_LINE, printer_options={"connect_timeout": 1.0})

    client = GatewayClient(f"ws://127.0.0.1:{proxy.port}", info["gateway"], tmp / "state", drivers,
                           backoff=(0.05, 0.3), heartbeat_s=0.5, ping_interval=1.0, ping_timeout=1.0).start()
    assert client.connected.wait(10)
    base = f"http://127.0.0.1:{server.port}/api/v1"
    rig = dict(info=info, db=db, standin=standin, display=display, pad=pad, server=server, proxy=proxy,
               client=client, base=base)
    yield rig
    client.stop()
    proxy.stop()
    server.kill()
    display.stop()
    pad.stop()
    standin.stop()


def q(rig, sql, *args):
    con = sqlite3.connect(rig["db"], timeout=10)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def post(rig, path, token, **body):
    r = requests.post(rig["base"] + path, json=body, headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert r.status_code < 300, r.text
    return r.json()


def issue(rig):
    return post(rig, f"/halls/{rig['info']['hall']}/tickets/", rig["info"]["kiosk"], service="sb")


def printed_count(rig, number):
    return decode_text(rig["standin"].printed_bytes()).count(number)


def command_statuses(rig, ticket_id):
    return [s for (s,) in q(rig, "SELECT status FROM devices_devicecommand WHERE ticket_id = ? ORDER BY \"order\"",
                            ticket_id.replace("-", ""))]


def test_a_kiosk_ticket_prints_once_with_its_number_and_tracking_qr(rig):
    t = issue(rig)
    assert wait_for(lambda: printed_count(rig, t["number"]) == 1)
    data = rig["standin"].printed_bytes()
    assert t["track_url"] in extract_qr_payloads(data)
    assert wait_for(lambda: command_statuses(rig, t["id"]) == ["done"])
    events = q(rig, "SELECT payload FROM core_hallevent WHERE type = 'print.result'")
    assert any(json.loads(p)["ticket"]["number"] == t["number"] and json.loads(p)["ok"] for (p,) in events)


def test_a_call_lights_the_window_display_and_a_pad_press_counts_once(rig):
    info, staff = rig["info"], rig["info"]["staff"]
    issue(rig)
    called = post(rig, f"/windows/{info['window']}/call-next/", staff)["ticket"]
    text = f"{called['number']} 请到3号窗口"
    assert wait_for(lambda: rig["display"].shown.get(1) == text)
    post(rig, f"/windows/{info['window']}/finish/", staff)
    assert wait_for(lambda: rig["pad"].prompts.get(1) == called["number"])
    rig["pad"].press(1, 5)
    assert wait_for(lambda: q(rig, "SELECT level, device_id FROM core_evaluation") == [(5, info["pad_id"])])
    assert wait_for(lambda: rig["client"].agent.store.pending_reports() == [])
    time.sleep(0.3)
    assert len(q(rig, "SELECT id FROM core_evaluation")) == 1


def test_commands_queued_while_the_network_is_down_run_once_after_it_returns(rig):
    rig["proxy"].stop()
    assert wait_for(lambda: not rig["client"].connected.is_set())
    t = issue(rig)  # the gateway is away: the command waits on the server
    assert wait_for(lambda: q(rig, "SELECT online FROM core_device WHERE name = 'gw-1'") == [(0,)])
    time.sleep(0.3)
    assert printed_count(rig, t["number"]) == 0
    rig["proxy"].start()
    assert wait_for(lambda: printed_count(rig, t["number"]) == 1)
    assert wait_for(lambda: command_statuses(rig, t["id"]) == ["done"])


def test_a_command_whose_ack_was_lost_is_acknowledged_again_without_printing_twice(rig):
    t = issue(rig)
    assert wait_for(lambda: command_statuses(rig, t["id"]) == ["done"])
    runs = rig["client"].agent.executions
    # The ack never arrived: the server still has the command as sent and resends it on reconnect.
    q(rig, "UPDATE devices_devicecommand SET status = 'sent' WHERE ticket_id = ?", t["id"].replace("-", ""))
    rig["proxy"].stop()
    rig["proxy"].start()
    assert wait_for(lambda: command_statuses(rig, t["id"]) == ["done"])
    assert rig["client"].agent.executions == runs
    assert printed_count(rig, t["number"]) == 1


def test_commands_pending_across_a_server_restart_run_once(rig):
    rig["proxy"].stop()
    tickets = [issue(rig) for _ in range(3)]
    rig["server"].kill()  # with those commands pending
    rig["server"].start()
    rig["proxy"].start()
    for t in tickets:
        assert wait_for(lambda t=t: printed_count(rig, t["number"]) == 1), t["number"]
        assert wait_for(lambda t=t: command_statuses(rig, t["id"]) == ["done"])


def test_pad_presses_made_offline_are_delivered_once_after_reconnecting(rig):
    info, staff = rig["info"], rig["info"]["staff"]
    issue(rig)
    post(rig, f"/windows/{info['window']}/call-next/", staff)
    done = post(rig, f"/windows/{info['window']}/finish/", staff)["ticket"]
    assert wait_for(lambda: rig["pad"].prompts.get(1) == done["number"])
    before = len(q(rig, "SELECT id FROM core_evaluation"))
    rig["proxy"].stop()
    rig["pad"].press(1, 2)
    assert wait_for(lambda: len(rig["client"].agent.store.pending_reports()) == 1)
    rig["proxy"].start()
    assert wait_for(lambda: len(q(rig, "SELECT id FROM core_evaluation")) == before + 1)
    assert wait_for(lambda: rig["client"].agent.store.pending_reports() == [])
    assert q(rig, "SELECT COUNT(*) FROM devices_inboxmessage WHERE kind = 'pad.press'")[0][0] == 2


def test_paper_out_still_issues_reports_the_failure_alerts_and_reprints_once_paper_is_back(rig):
    info = rig["info"]
    rig["standin"].set_paper_out()
    t = issue(rig)  # the ticket exists even though it cannot be printed
    assert wait_for(lambda: command_statuses(rig, t["id"]) == ["failed"])
    results = [json.loads(p) for (p,) in q(rig, "SELECT payload FROM core_hallevent WHERE type = 'print.result'")]
    failure = [r for r in results if r["ticket"]["id"] == t["id"]][-1]
    assert failure["ok"] is False and failure["error"] == "paper_out" and failure["kiosk"] is not None
    assert failure["message"] == "打印机缺纸"  # worded by the server from the code (hallops.devices.hub.PRINT_ERRORS)
    assert q(rig, "SELECT online FROM core_device WHERE id = ?", info["printer_id"]) == [(0,)]
    # The dashboard's alert: the printer has not been working for more than two heartbeats.
    script = ("from displays.snapshots import load_with_alerts; from hallops.core.models import Hall; import json; "
              "print(json.dumps([a.get('device', {}).get('name') for a in load_with_alerts(Hall.objects.get("
              "code='gw'))['alerts']]))")
    time.sleep(2.2)
    out = subprocess.run([PY, "manage.py", "shell", "-c", script], cwd=ROOT, env=rig["server"].env,
                         capture_output=True, text=True, check=True)
    assert "gw-printer" in json.loads(out.stdout.strip().splitlines()[-1])

    rig["standin"].set_ready()
    reprint = post(rig, f"/tickets/{t['id']}/reprint/", info["kiosk"])
    assert reprint["printer"] == "gw-printer"
    assert wait_for(lambda: printed_count(rig, t["number"]) == 1)
    assert wait_for(lambda: command_statuses(rig, t["id"]) == ["failed", "done"])
    assert wait_for(lambda: q(rig, "SELECT online FROM core_device WHERE id = ?", info["printer_id"]) == [(1,)])


def test_a_pad_that_stops_answering_goes_offline(rig):
    info = rig["info"]
    rig["pad"].offline.add(1)
    try:
        assert wait_for(lambda: q(rig, "SELECT online FROM core_device WHERE id = ?", info["pad_id"]) == [(0,)])
        kinds = [json.loads(p)["device"]["name"] for (p,) in
                 q(rig, "SELECT payload FROM core_hallevent WHERE type = 'device.status'")]
        assert "gw-pad" in kinds
    finally:
        rig["pad"].offline.discard(1)
    assert wait_for(lambda: q(rig, "SELECT online FROM core_device WHERE id = ?", info["pad_id"]) == [(1,)])
