"""The demo halls as loaded: complete enough to demo, and working end to end with the queue engine."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from hallops.evaluations.ratings import record_evaluation
from hallops.core import actions
from hallops.core.errors import Conflict
from hallops.core.management.commands.load_demo import load_demo
from hallops.core.models import (
    Appointment, Department, Device, DeviceKind, Hall, Priority, Role, Service, StaffProfile, Window, WindowKind,
    WindowState,
)

from .conftest import MONDAY_10, PASSWORD


def test_the_district_centre_meets_the_demo_minimums(demo):
    hall = Hall.objects.get(code="demo")
    assert hall.name == "示范区政务服务中心" and hall.address and hall.latitude and hall.longitude
    assert hall.opening_hours["0"] == [["08:30", "12:00"], ["13:30", "17:30"]]
    assert "6" not in hall.opening_hours and hall.appointment_hours["5"] == [["09:00", "12:00"]]
    assert {z.name for z in hall.zones.all()} >= {"法人服务区", "自然人服务区", "不动产服务专区", "24小时自助区"}
    services = Service.objects.filter(hall=hall)
    assert services.count() >= 20
    assert Department.objects.filter(services__hall=hall).distinct().count() >= 6
    assert all(s.materials and s.expected_minutes for s in services)
    assert services.filter(daily_quota__isnull=False).exists() and services.filter(bookable=True).exists()
    # General-window matters share a prefix, so one number series covers the 综窗 queue.
    assert services.filter(prefix="A").count() >= 3
    windows = Window.objects.filter(hall=hall)
    assert windows.count() >= 12
    assert set(windows.values_list("kind", flat=True)) == set(WindowKind.values)
    assert windows.filter(kind=WindowKind.GENERAL).count() >= 4
    for w in windows:
        assert w.staff is not None and w.staff.staff.role == Role.WINDOW_STAFF, w
        assert w.window_services.exists(), w
        assert w.state == WindowState.OPEN
    assert StaffProfile.objects.filter(hall=hall, role=Role.LOBBY_MANAGER, user__username="lobby").exists()
    assert StaffProfile.objects.filter(hall=hall, role=Role.SUPERVISOR, user__username="supervisor").exists()
    assert get_user_model().objects.get(username="admin").is_superuser


def test_every_window_has_a_display_and_a_pad_and_each_kiosk_a_printer(demo):
    hall = Hall.objects.get(code="demo")
    devices = Device.objects.filter(hall=hall)
    for w in Window.objects.filter(hall=hall):
        assert devices.filter(window=w, kind=DeviceKind.WINDOW_DISPLAY, url__startswith="virtual://").exists()
        assert devices.filter(window=w, kind=DeviceKind.EVALUATION_PAD).exists()
    kiosks = devices.filter(kind=DeviceKind.KIOSK)
    assert kiosks.count() == 2
    for kiosk in kiosks:
        printer = devices.get(name=kiosk.options["printer"])
        assert printer.kind == DeviceKind.PRINTER and printer.url.startswith("virtual://")
        assert printer.gateway.kind == DeviceKind.GATEWAY
    assert devices.filter(kind=DeviceKind.HALL_SCREEN).count() == 1


def test_cameras_play_the_demo_videos_from_the_repository(demo, settings):
    cams = Device.objects.filter(hall__code="demo", kind=DeviceKind.CAMERA)
    videos = Path(settings.BASE_DIR) / "fixtures" / "videos"
    urls = {c.url for c in cams}
    assert urls == {(videos / "seat.avi").as_uri() + "?loop=1", (videos / "waiting.avi").as_uri() + "?loop=1"}
    assert cams.filter(window__isnull=False).exists() and cams.filter(window__isnull=True).exists()


def test_a_street_service_point_shares_the_deployment(demo):
    street = Hall.objects.get(code="demo-chengdong")
    assert "便民服务中心" in street.name
    windows = Window.objects.filter(hall=street)
    assert windows.count() == 3 and all(w.staff_id for w in windows)
    # Same matter code, different hall: each hall has its own row and its own queue.
    assert Service.objects.filter(code="sb-cb").count() == 2


def test_demo_users_log_in_with_the_demo_password(demo, client):
    for username in ("w01", "w14", "lobby", "supervisor", "admin", "b01"):
        assert client.login(username=username, password=PASSWORD), username
        client.logout()


def test_the_demo_hall_issues_calls_and_finishes_a_ticket(demo):
    hall = Hall.objects.get(code="demo")
    at = MONDAY_10 + timedelta(minutes=1)
    issued = actions.issue_ticket(hall, hall.services.get(code="qy-sl"), now=at).ticket
    assert issued.number == "A001"
    window = Window.objects.get(hall=hall, number="1")
    called = actions.call_next(window, now=at + timedelta(seconds=30))
    assert called.pk == issued.pk and called.window_id == window.pk
    actions.start(window, now=at + timedelta(minutes=1))
    done = actions.finish(window, now=at + timedelta(minutes=20))
    assert done.status == "done" and done.staff.username == "w01"
    evaluation, _ = record_evaluation(window, 5, now=at + timedelta(minutes=21))
    assert evaluation.ticket_id == issued.pk


def test_a_relative_appointment_checks_in_at_once(demo):
    hall = Hall.objects.get(code="demo")
    result = actions.check_in(hall, "YY1001", now=MONDAY_10 + timedelta(minutes=2))
    assert result.ticket.priority == Priority.APPOINTMENT and result.ticket.service.code == "qy-sl"


def test_a_later_appointment_is_refused_as_too_early(demo):
    with pytest.raises(Conflict) as e:
        actions.check_in(Hall.objects.get(code="demo"), "YY1004", now=MONDAY_10)
    assert e.value.code == "appointment_too_early"


def test_the_morning_appointment_is_at_half_past_nine_today(demo):
    appt = Appointment.objects.get(code="YY0930")
    assert appt.slot_start == MONDAY_10.replace(hour=9, minute=30)


def test_reloading_the_same_day_keeps_a_checked_in_appointment(demo):
    hall = Hall.objects.get(code="demo")
    ticket = actions.check_in(hall, "YY1001", now=MONDAY_10).ticket
    load_demo(now=MONDAY_10 + timedelta(hours=1))
    appt = Appointment.objects.get(code="YY1001")
    assert appt.status == Appointment.Status.CHECKED_IN and appt.ticket.pk == ticket.pk


def test_reloading_the_next_day_books_the_codes_again_and_keeps_yesterdays_ticket(demo):
    hall = Hall.objects.get(code="demo")
    old = actions.check_in(hall, "YY1001", now=MONDAY_10).ticket
    tuesday = MONDAY_10 + timedelta(days=1)
    load_demo(now=tuesday)
    appt = Appointment.objects.get(code="YY1001")
    assert appt.status == Appointment.Status.BOOKED and appt.slot_start.date() == tuesday.date()
    old.refresh_from_db()
    assert old.priority == Priority.APPOINTMENT and old.appointment is None
    assert actions.check_in(hall, "YY1001", now=tuesday).ticket.pk != old.pk