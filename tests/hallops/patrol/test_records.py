"""Presence rules, review into findings, notices, rounds, retention and monthly figures."""

import os
from datetime import date, datetime, time, timedelta

from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from hallops.core.models import Role, WindowState
from hallops.patrol import frames
from hallops.patrol.models import (
    Detection, Finding, LunchRota, Notice, PatrolRound, ReviewState, Snapshot, SnapshotPhase, Suppression,
)
from hallops.patrol.presence import window_presence
from hallops.patrol.retention import purge_snapshots
from hallops.patrol.rounds import plan_rounds
from tests.factories import make_hall, make_staff

from .conftest import make_seat_camera

MONDAY_NOON = datetime(2026, 3, 2, 12, 10)


def test_presence_follows_window_state_stand_in_suppressions_and_the_lunch_rota(window):
    assert window_presence(window) == (True, None)
    window.state = WindowState.CLOSED
    assert window_presence(window) == (False, None)
    window.state, window.stand_in = WindowState.PAUSED, ""
    assert window_presence(window) == (True, None)  # a pause alone does not excuse an empty seat
    window.stand_in = "李四"
    assert window_presence(window) == (True, "stand_in")
    window.state, window.stand_in = WindowState.OPEN, ""
    noon = timezone.make_aware(MONDAY_NOON)
    LunchRota.objects.create(window=window, weekdays=[0, 1, 2, 3, 4], start=time(12, 0), end=time(12, 45))
    assert window_presence(window, noon) == (True, "lunch_rota")
    assert window_presence(window, noon + timedelta(minutes=30)) == (True, "lunch_rota")
    assert window_presence(window, noon + timedelta(minutes=30, days=5)) == (True, None)  # Saturday: no rota
    assert window_presence(window, noon + timedelta(hours=1)) == (True, None)


def test_staff_announce_a_short_absence_for_their_own_window_only(window):
    client = Client()
    client.force_login(window.staff)
    url = f"/patrol/{window.hall.code}/windows/{window.pk}/short-absence/"
    response = client.post(url, {"minutes": 5, "note": "取材料"})
    assert response.status_code == 201
    s = Suppression.objects.get()
    assert (s.kind, s.created_by, round((s.ends_at - s.starts_at).total_seconds())) == ("short_absence", window.staff, 300)
    assert window_presence(window) == (True, "short_absence")
    other = make_staff(window.hall)
    client.force_login(other)
    assert client.post(url, {"minutes": 5}).status_code == 403


def _detection(camera, **kw):
    now = timezone.now()
    return Detection.objects.create(hall=camera.hall, camera=camera, window=camera.window, kind="off_post",
                                    started_at=now - timedelta(minutes=5), raised_at=now, cleared_at=now,
                                    duration_s=300, details={"staff_id": camera.window.staff_id}, **kw)


def test_confirming_a_candidate_creates_a_finding_with_its_evidence_and_dismissing_does_not(window, supervisor):
    camera = make_seat_camera(window.hall, window)
    det, other = _detection(camera), _detection(camera)
    after = frames.save_snapshot(window.hall_id, b"jpg", camera=camera, detection=det, phase=SnapshotPhase.AFTER)
    client = Client()
    client.force_login(supervisor)
    base = f"/patrol/{window.hall.code}/detections"
    assert client.post(f"{base}/{det.pk}/review/", {"action": "confirm", "finding": "1"}).status_code == 302
    assert client.post(f"{base}/{other.pk}/review/", {"action": "dismiss", "note": "在柜台后取件"}).status_code == 302
    det.refresh_from_db()
    other.refresh_from_db()
    assert (det.state, det.reviewed_by) == (ReviewState.CONFIRMED, supervisor)
    assert (other.state, other.review_note) == (ReviewState.DISMISSED, "在柜台后取件")
    finding = Finding.objects.get()
    assert (finding.detection, finding.category, finding.staff, finding.snapshot, finding.confirmed) == \
           (det, "off_post", window.staff, after, True)


def test_notices_are_numbered_per_hall_and_year_and_list_only_confirmed_findings(window, supervisor):
    hall, other_hall = window.hall, make_hall()
    confirmed = Finding.objects.create(hall=hall, window=window, category="phone", confirmed=True)
    unconfirmed = Finding.objects.create(hall=hall, window=window, category="eating", confirmed=False)
    jan = timezone.make_aware(datetime(2026, 1, 5, 10))
    first = Notice.publish(hall, title="一月通报", findings=[confirmed, unconfirmed], at=jan)
    second = Notice.publish(hall, title="二月通报", at=jan + timedelta(days=30))
    elsewhere = Notice.publish(other_hall, title="他厅", at=jan)
    next_year = Notice.publish(hall, title="新年", at=timezone.make_aware(datetime(2027, 1, 4, 10)))
    assert [first.number, second.number, elsewhere.number, next_year.number] == \
           ["2026-第1期", "2026-第2期", "2026-第1期", "2027-第1期"]
    assert list(first.findings.all()) == [confirmed]


def test_a_supervisor_builds_a_notice_from_confirmed_findings_with_their_evidence(window, supervisor):
    snap = frames.save_snapshot(window.hall_id, b"jpg", phase=SnapshotPhase.UPLOAD)
    finding = Finding.objects.create(hall=window.hall, window=window, category="off_post", note="离岗12分钟",
                                     snapshot=snap, confirmed=True)
    client = Client()
    client.force_login(supervisor)
    base = f"/patrol/{window.hall.code}/notices"
    assert "离岗12分钟" in client.get(f"{base}/new/").content.decode()
    response = client.post(f"{base}/new/", {"title": "巡查通报", "body": "现通报如下", "findings": [finding.pk]})
    notice = Notice.objects.get()
    assert response["Location"] == f"{base}/{notice.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert notice.number in page and "离岗12分钟" in page and f"/snapshots/{snap.pk}.jpg" in page
    assert "离岗12分钟" not in client.get(f"{base}/new/").content.decode()  # notified once


def test_plan_patrol_rounds_makes_at_least_two_rounds_at_distinct_random_times_within_opening_hours(hall):
    people = [make_staff(hall, username=f"sup{i}", role=Role.SUPERVISOR) for i in range(2)]
    monday = date(2026, 3, 2)
    call_command("plan_patrol_rounds", "--date", monday.isoformat(), "--hall", hall.code, "--seed", "7",
                 stdout=open(os.devnull, "w"))
    rounds = list(PatrolRound.objects.filter(hall=hall).order_by("scheduled_at"))
    assert len(rounds) >= 2
    local = [timezone.localtime(r.scheduled_at) for r in rounds]
    assert len({t.replace(second=0) for t in local}) == len(local)
    periods = hall.opening_hours[str(monday.weekday())]
    for t in local:
        assert t.date() == monday and any(a <= t.strftime("%H:%M") < b for a, b in periods), t
    assert [r.assigned_to for r in rounds] == people[:len(rounds)]  # round robin
    # A different seed gives other times; the same date is not planned twice.
    other = plan_rounds(hall, date(2026, 3, 3), seed=8)
    assert [timezone.localtime(r.scheduled_at).time() for r in other] != [t.time() for t in local]
    assert other[0].assigned_to == people[0]  # the rotation continues from the previous day
    assert len(plan_rounds(hall, monday, seed=9)) == len(rounds)
    assert plan_rounds(hall, date(2026, 3, 7), seed=1) == []  # Saturday: closed


def test_a_round_walk_records_findings_with_a_camera_snapshot_or_an_uploaded_photo(window, supervisor):
    from django.core.files.uploadedfile import SimpleUploadedFile

    make_seat_camera(window.hall, window)
    rnd = PatrolRound.objects.create(hall=window.hall, scheduled_at=timezone.now(), assigned_to=supervisor)
    client = Client()
    client.force_login(supervisor)
    base = f"/patrol/{window.hall.code}/rounds/{rnd.pk}"
    assert f"{window.number}号" in client.get(f"{base}/").content.decode()
    client.post(f"{base}/findings/", {"window": window.pk, "category": "phone", "note": "看手机", "snapshot": "1"})
    photo = SimpleUploadedFile("p.jpg", b"\xff\xd8photo", content_type="image/jpeg")
    client.post(f"{base}/findings/", {"category": "cleanliness", "note": "地面有水", "photo": photo})
    client.post(f"{base}/finish/")
    rnd.refresh_from_db()
    assert rnd.status == "done" and rnd.started_at and rnd.finished_at
    phone, floor = rnd.findings.order_by("created_at")
    assert (phone.window, phone.staff, phone.snapshot.phase, phone.snapshot.camera.window) == \
           (window, window.staff, "live", window)
    assert phone.snapshot.image.read()[:2] == b"\xff\xd8"
    assert (floor.window, floor.snapshot.phase, floor.snapshot.image.read()) == (None, "upload", b"\xff\xd8photo")


def test_purge_deletes_only_snapshots_older_than_the_retention_and_keeps_the_text(window, settings):
    settings.PATROL_RETENTION_DAYS = 30
    old_at, new_at = timezone.now() - timedelta(days=31), timezone.now() - timedelta(days=29)
    old = frames.save_snapshot(window.hall_id, b"old", taken_at=old_at)
    new = frames.save_snapshot(window.hall_id, b"new", taken_at=new_at)
    finding = Finding.objects.create(hall=window.hall, window=window, category="asleep", note="趴桌", snapshot=old,
                                     confirmed=True)
    old_path, new_path = old.image.path, new.image.path
    call_command("purge_snapshots", stdout=open(os.devnull, "w"))
    assert list(Snapshot.objects.all()) == [new]
    assert not os.path.exists(old_path) and os.path.exists(new_path)
    finding.refresh_from_db()
    assert (finding.note, finding.snapshot) == ("趴桌", None)
    assert purge_snapshots(days=28) == (1, 1)


def test_monthly_figures_count_off_post_minutes_without_dismissed_ones_and_findings(window, supervisor):
    camera = make_seat_camera(window.hall, window)
    _detection(camera), _detection(camera, state=ReviewState.CONFIRMED), _detection(camera, state=ReviewState.DISMISSED)
    Finding.objects.create(hall=window.hall, window=window, category="phone", confirmed=True)
    client = Client()
    client.force_login(supervisor)
    response = client.get(f"/patrol/{window.hall.code}/figures/")
    row = next(r for r in response.context["rows"] if r["window"] == window)
    assert (row["off_post_minutes"], row["off_post_count"], row["confirmed"], row["findings"]) == (10.0, 2, 1, 1)


def test_patrol_alerts_name_uncleared_detections_without_pictures(window):
    from hallops.patrol.alerts import patrol_alerts

    camera = make_seat_camera(window.hall, window)
    _detection(camera)  # cleared: no alert
    now = timezone.now()
    Detection.objects.create(hall=window.hall, camera=camera, window=window, kind="off_post", started_at=now,
                             raised_at=now)
    Detection.objects.create(hall=window.hall, camera=camera, kind="camera_down", started_at=now, raised_at=now,
                             state=ReviewState.DISMISSED)
    alerts = patrol_alerts(window.hall)
    assert [(a["kind"], a["window"]["number"]) for a in alerts] == [("patrol_off_post", "1")]
    assert "1号窗口" in alerts[0]["message"]


def test_patrol_rounds_follow_the_working_day_calendar(hall):
    """No rounds on 国庆; a 调休 Sunday gets rounds within the hours of the weekday it replaces."""
    assert plan_rounds(hall, date(2025, 10, 1), seed=1) == []  # Wednesday, National Day
    makeup = plan_rounds(hall, date(2025, 9, 28), seed=1)  # Sunday, a make-up working day
    assert len(makeup) >= 2
    periods = hall.opening_hours["0"]
    for r in makeup:
        t = timezone.localtime(r.scheduled_at)
        assert t.date() == date(2025, 9, 28) and any(a <= t.strftime("%H:%M") < b for a, b in periods), t
