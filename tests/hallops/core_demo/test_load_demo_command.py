"""manage.py load_demo run again over the loaded demo: its options, summary, and the device tokens it prints."""

import json
import os
import stat
from io import StringIO

import pytest
from django.core.management import call_command

from hallops.core import actions
from hallops.core.errors import Conflict
from hallops.core.management.commands.load_demo import load_demo
from hallops.core.models import ApiToken, Appointment, Hall

from .conftest import MONDAY_10, PASSWORD

def run(*args):
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def test_password_option_sets_another_password(demo, client):
    run("--password", "other-pass-1")
    assert not client.login(username="w01", password=PASSWORD)
    assert client.login(username="w01", password="other-pass-1")


def test_opening_hours_are_enforced_unless_always_open(demo):
    evening = MONDAY_10.replace(hour=21)
    load_demo(now=MONDAY_10)
    hall = Hall.objects.get(code="demo")
    service = hall.services.get(code="sbk-bh")
    with pytest.raises(Conflict) as e:
        actions.issue_ticket(hall, service, now=evening)
    assert e.value.code == "hall_closed"
    load_demo(now=MONDAY_10, always_open=True)
    hall.refresh_from_db()
    assert actions.issue_ticket(hall, service, now=evening).ticket.number == "C001"


def test_a_slot_late_at_night_stays_within_the_day(demo):
    late = MONDAY_10.replace(hour=23, minute=50)
    load_demo(now=late, always_open=True)
    appt = Appointment.objects.get(code="YY1003")  # "in 20 minutes" would be tomorrow
    assert appt.slot_end.date() == late.date() and appt.slot_start < appt.slot_end
    assert actions.check_in(Hall.objects.get(code="demo"), "YY1003", now=late).ticket.day == late.date()


def test_summary_lists_logins_and_appointment_codes(demo):
    out = run("--always-open")
    for text in ("示范区政务服务中心", "w01", "lobby", "supervisor", "admin", "YY1001", "hallops-demo"):
        assert text in out


def test_tokens_are_printed_once_written_owner_only_and_work(demo, tmp_path):
    path = tmp_path / "demo-tokens.json"
    out = run("--tokens", "--tokens-file", str(path))
    data = json.loads(path.read_text(encoding="utf-8"))
    kinds = {d["kind"] for d in data["devices"]}
    assert {"kiosk", "hall_screen"} <= kinds
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    for d in data["devices"]:
        assert d["token"] in out
        assert ApiToken.objects.lookup(d["token"]).device.name == d["device"]
    kiosk = next(d for d in data["devices"] if d["device"] == "demo-kiosk-1")
    assert kiosk["url"].endswith(f"/halls/demo/kiosk/?token={kiosk['token']}")
    # Tokens are stored hashed: the raw value is nowhere in the database.
    assert not ApiToken.objects.filter(key_hash=data["devices"][0]["token"]).exists()


def test_issuing_tokens_again_revokes_the_previous_ones(demo, tmp_path):
    path = tmp_path / "t.json"
    run("--tokens", "--tokens-file", str(path))
    first = json.loads(path.read_text())["devices"]
    run("--tokens", "--tokens-file", str(path))
    assert all(ApiToken.objects.lookup(d["token"]) is None for d in first)
    assert all(ApiToken.objects.lookup(d["token"]) for d in json.loads(path.read_text())["devices"])
