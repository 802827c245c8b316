"""Patrols a supervisor can trust (issue 12, items 14–16): console activity is presence, one episode is
one candidate, "before" pictures show the leaving, cameras report their health, and a notice says
when the off-post happened."""

from datetime import timedelta

from django.test import Client
from django.utils import timezone

from devices.cameras.rules import Detection as EngineDetection
from hallops.core import actions
from hallops.core.models import Device, DeviceKind, HallEvent
from hallops.patrol.models import Detection, Finding, Snapshot
from hallops.patrol.presence import CONSOLE_PRESENCE_S, window_presence
from hallops.patrol.runner import PatrolRunner
from tests.factories import make_device

from .conftest import SEAT_TRUTH, make_seat_camera
from .test_agent import SPEED


def test_calling_and_finishing_numbers_at_the_console_is_presence(window):
    now = timezone.now()
    assert window_presence(window, now) == (True, None)
    actions.issue_ticket(window.hall, window.window_services.first().service)
    actions.call_next(window, now=now)
    assert window_presence(window, now + timedelta(seconds=60)) == (True, "console_activity")
    # Long after the last action the camera decides again.
    assert window_presence(window, now + timedelta(seconds=CONSOLE_PRESENCE_S + 1)) == (True, None)


def _engine(camera, state, at, started):
    return EngineDetection("off_post", str(camera.pk), state, at, started, {})


def test_repeated_detections_of_one_episode_are_one_candidate(window):
    camera = make_seat_camera(window.hall, window, merge_gap_s=60)
    runner = PatrolRunner([camera], clock=lambda: 10_000.0)
    # Empty 100 s, back for 20 s, empty again 200 s: one episode. Then back for 10 minutes, empty again: another.
    for state, at, started in [("raised", 9000, 8900), ("cleared", 9100, 8900), ("raised", 9250, 9120),
                               ("cleared", 9400, 9120), ("raised", 9900, 9800), ("cleared", 9950, 9800)]:
        runner.on_detection(_engine(camera, state, at, started))
    first, second = Detection.objects.order_by("started_at")
    assert first.details["episodes"] == 2 and "episodes" not in second.details
    assert round(first.duration_s) == 500  # from the first leaving to the last return
    assert first.cleared_at is not None and second.cleared_at is not None
    raised = HallEvent.objects.filter(type="patrol.detection", payload__state="raised")
    assert [e.payload["id"] for e in raised.order_by("seq")] == [first.pk, first.pk, second.pk]


def test_before_pictures_show_the_moment_of_leaving_not_only_the_empty_chair(window):
    # The threshold (2.5 s) is longer than the ring's "before" (0.75 s): without the kept frames
    # every "before" picture would show the seat already empty for seconds.
    camera = make_seat_camera(window.hall, window, speed=SPEED, off_post_s=2.5, snapshot_before_s=0.75,
                              snapshot_after_s=0.5, snapshot_interval_s=0.25, down_after_s=30)
    with PatrolRunner([camera]) as runner:
        runner.run(SEAT_TRUTH["duration_s"] / SPEED + 0.5,
                   until=lambda: Snapshot.objects.filter(phase="after").exists())
    det = Detection.objects.get()
    before = list(det.snapshots.filter(phase="before").order_by("taken_at").values_list("taken_at", flat=True))
    assert before and before[0] <= det.started_at  # a frame from before the seat emptied
    assert before[-1] >= det.raised_at - timedelta(seconds=1)  # and the empty chair at the threshold


def test_the_agent_reports_each_camera_health_on_its_device(window):
    device = make_device(window.hall, DeviceKind.CAMERA, window=window)
    camera = make_seat_camera(window.hall, window, speed=SPEED, down_after_s=30)
    camera.device = device
    camera.save()
    with PatrolRunner([camera], health_every_s=0.2) as runner:
        runner.run(2.0, until=lambda: Device.objects.filter(pk=device.pk, online=True).exists())
        watched = Device.objects.get(pk=device.pk)
    assert watched.online and watched.last_seen is not None and watched.status["source"] == "live"
    stopped = Device.objects.get(pk=device.pk)
    assert not stopped.online and stopped.status["problem"] == "agent_stopped"
    # A change is an event (the dashboard hears it at once): ... online, then unwatched.
    changes = [e.payload["device"]["online"] for e in HallEvent.objects.filter(type="device.status").order_by("seq")]
    assert changes[-2:] == [True, False]


def test_a_notice_lists_when_the_off_post_happened_not_when_it_was_confirmed(window, supervisor):
    camera = make_seat_camera(window.hall, window)
    left = timezone.now() - timedelta(days=2, hours=3)
    det = Detection.objects.create(hall=window.hall, camera=camera, window=window, kind="off_post",
                                   started_at=left, raised_at=left + timedelta(minutes=2),
                                   cleared_at=left + timedelta(minutes=14), duration_s=840)
    client = Client()
    client.force_login(supervisor)
    base = f"/patrol/{window.hall.code}"
    client.post(f"{base}/detections/{det.pk}/review/", {"action": "confirm", "finding": "1"})
    finding = Finding.objects.get()
    assert (finding.occurred_at, finding.ended_at) == (det.started_at, det.cleared_at)
    client.post(f"{base}/notices/new/", {"title": "巡查通报", "body": "现通报如下", "findings": [finding.pk]})
    page = client.get(f"{base}/notices/{finding.notices.get().pk}/").content.decode()
    row = page[page.index('class="finding-row"'):]
    row = row[:row.index("</tr>")]
    local = timezone.localtime(left)
    assert f'{local:%Y-%m-%d %H:%M}–{timezone.localtime(det.cleared_at):%H:%M}' in row
    assert timezone.localtime(finding.created_at).strftime("%Y-%m-%d %H:%M") not in row
