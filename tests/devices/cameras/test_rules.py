import numpy as np

from devices.cameras import CameraHealthRule, CrowdingRule, OffPostRule, SnapshotRing


def run_off_post(rule, samples):
    events = []
    for at, open_, occupied, suppressed in samples:
        events += rule.update(at, open_, occupied, suppressed)
    return events


def test_off_post_is_raised_once_the_seat_is_empty_longer_than_the_threshold_and_cleared_on_return():
    rule = OffPostRule(threshold_s=10, camera_id="w3")
    samples = [(t, True, t < 5 or t >= 30, None) for t in range(0, 40)]
    events = run_off_post(rule, samples)
    assert [(e.state, e.at, e.started_at) for e in events] == [("raised", 16, 5), ("cleared", 30, 5)]
    cleared = events[1]
    assert cleared.kind == "off_post" and cleared.camera_id == "w3"
    assert cleared.details["duration_s"] == 25 and cleared.details["cleared_at"] == 30


def test_a_short_absence_is_not_off_post():
    rule = OffPostRule(threshold_s=10)
    assert run_off_post(rule, [(t, True, not (5 <= t < 14), None) for t in range(30)]) == []


def test_off_post_is_not_raised_while_suppressed_and_the_clock_restarts_when_suppression_ends():
    rule = OffPostRule(threshold_s=10)
    # Empty from t=0; a stand-in (替岗) covers t=0..20; the clock starts again at 20.
    samples = [(t, True, False, "stand-in" if t < 20 else None) for t in range(40)]
    events = run_off_post(rule, samples)
    assert [(e.state, e.at, e.started_at) for e in events] == [("raised", 31, 20)]


def test_a_closed_window_is_never_off_post_and_closing_clears_a_raised_one():
    rule = OffPostRule(threshold_s=5)
    assert run_off_post(rule, [(t, False, False, None) for t in range(20)]) == []
    events = run_off_post(rule, [(t, t < 30, False, None) for t in range(20, 35)])
    assert [(e.state, e.details.get("reason")) for e in events] == [("raised", None), ("cleared", "window_closed")]


def test_a_suppression_starting_during_off_post_clears_it_with_the_reason():
    rule = OffPostRule(threshold_s=5)
    events = run_off_post(rule, [(t, True, False, "lunch" if t >= 10 else None) for t in range(15)])
    assert events[-1].state == "cleared" and events[-1].details == {
        "reason": "suppressed", "suppressed": "lunch", "cleared_at": 10, "duration_s": 10}


def test_crowding_needs_k_consecutive_samples_over_the_threshold():
    rule = CrowdingRule(threshold=8, k=3)
    counts = [9, 9, 5, 9, 9, 9]
    events = [e for i, c in enumerate(counts) for e in rule.update(i, c)]
    assert [(e.state, e.at, e.started_at) for e in events] == [("raised", 5, 3)]


def test_crowding_clears_with_hysteresis_only():
    rule = CrowdingRule(threshold=8, k=2, hysteresis=2)
    counts = [9, 9, 8, 7, 8, 7, 6, 6]
    events = [e for i, c in enumerate(counts) for e in rule.update(i, c)]
    assert [(e.state, e.at) for e in events] == [("raised", 1), ("cleared", 7)]
    assert events[1].details["peak"] == 9


def test_crowding_when_people_far_outnumber_waiting_tickets():
    rule = CrowdingRule(threshold=30, ratio=1.5, margin=3, k=2)
    assert rule.update(0, 10, waiting=6) == [] and rule.update(1, 12, waiting=6) == []
    events = rule.update(2, 13, waiting=6) + rule.update(3, 13, waiting=6)
    assert [(e.state, e.details["reason"]) for e in events] == [("raised", "tickets_mismatch")]


def test_camera_down_after_silence_and_cleared_when_frames_return():
    rule = CameraHealthRule(down_after_s=5, camera_id="c1")
    assert rule.update(0, None) == []
    assert rule.update(4.9, None) == []
    down = rule.update(5, None)
    assert [(e.kind, e.state) for e in down] == [("camera_down", "raised")]
    assert rule.update(9, None) == []
    back = rule.update(10, 10)
    assert [(e.kind, e.state, e.started_at) for e in back] == [("camera_down", "cleared", 0)]
    assert rule.update(14, 10) == []
    assert [e.state for e in rule.update(15, 10)] == ["raised"]


def test_camera_frozen_is_raised_and_cleared_with_the_detector():
    rule = CameraHealthRule(down_after_s=5)
    assert [(e.kind, e.state) for e in rule.update(1, 1, frozen=True)] == [("camera_frozen", "raised")]
    assert rule.update(2, 2, frozen=True) == []
    assert [(e.kind, e.state) for e in rule.update(3, 3, frozen=False)] == [("camera_frozen", "cleared")]


def test_snapshot_ring_keeps_jpegs_before_and_after_an_event_and_forgets_old_ones():
    ring = SnapshotRing(seconds_before=3, seconds_after=2, interval_s=1)
    img = np.zeros((480, 640, 3), np.uint8)
    for i in range(40):
        ring.add(i * 0.5, img)  # twice the interval: every other frame is kept
    assert len(ring) <= 7
    shots = ring.around(17.0)
    assert [t for t, _ in shots] == [14.0, 15.0, 16.0, 17.0, 18.0, 19.0]
    assert all(jpeg[:2] == b"\xff\xd8" for _, jpeg in shots)
