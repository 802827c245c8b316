"""PatrolAgent driven by the synthetic videos with the file timeline as the clock."""

import numpy as np

from devices.cameras import CameraConfig, PatrolAgent, Thresholds, read_video_samples


def seat_agent(path, truth, threshold_s, window_state, snapshots=None):
    events = []
    cfg = CameraConfig(
        id="window-3", url=str(path), fps=2, seat_region=truth["seat_region"],
        empty_seat_reference=path.with_name("seat_empty.png"),
        window_state_provider=window_state, thresholds=Thresholds(off_post_s=threshold_s, snapshot_after_s=2))
    on_snapshot = (lambda det, shots: snapshots.append((det, shots))) if snapshots is not None else None
    agent = PatrolAgent([cfg], events.append, on_snapshot=on_snapshot)
    for frame in read_video_samples(path, fps=2):
        agent.step("window-3", frame, now=frame.ts)
    return events


def test_off_post_is_raised_after_the_seat_is_empty_past_the_threshold_and_cleared_on_return(seat_video):
    path, truth = seat_video  # leaves at 4 s, returns at 12 s, sampled every 0.5 s
    snapshots = []
    events = seat_agent(path, truth, 3.0, lambda: (True, None), snapshots)
    off = [e for e in events if e.kind == "off_post"]
    assert [e.state for e in off] == ["raised", "cleared"]
    raised, cleared = off
    assert abs(raised.started_at - truth["leave_at"]) <= 0.5
    assert truth["leave_at"] + 3.0 < raised.at <= truth["leave_at"] + 3.0 + 1.0
    assert abs(cleared.at - truth["return_at"]) <= 0.5
    assert abs(cleared.details["duration_s"] - (truth["return_at"] - truth["leave_at"])) <= 1.0
    assert [e for e in events if e.kind != "off_post"] == []
    # Snapshots around the raise: from before it (the empty seat) to after it.
    (det, shots), = snapshots
    assert det is raised
    times = [t for t, _ in shots]
    assert min(times) < raised.at < max(times) and all(j[:2] == b"\xff\xd8" for _, j in shots)


def test_off_post_is_not_raised_while_a_stand_in_covers_the_window(seat_video):
    path, truth = seat_video
    events = seat_agent(path, truth, 3.0, lambda: (True, "stand-in 替岗"))
    assert events == []


def test_off_post_is_not_raised_while_the_window_is_closed(seat_video):
    path, truth = seat_video
    assert seat_agent(path, truth, 3.0, lambda: (False, None)) == []


def test_crowding_is_raised_when_the_crowd_grows_past_the_threshold(waiting_video):
    path, truth = waiting_video  # 2 -> 12 people over 15 s, one sample a second
    events = []
    cfg = CameraConfig(id="hall-east", url=str(path), fps=1, waiting_region=truth["waiting_region"],
                       waiting_background=path.with_name("waiting_empty.png"),
                       waiting_tickets_provider=lambda: 20,
                       thresholds=Thresholds(crowd_count=8, crowd_samples=2, crowd_ratio=None))
    agent = PatrolAgent([cfg], events.append)
    for frame in read_video_samples(path, fps=1):
        agent.step("hall-east", frame, now=frame.ts)
    first_over = min(c["t"] for c in truth["counts"] if c["count"] > 8)
    assert [(e.kind, e.state) for e in events] == [("crowding", "raised")]
    assert events[0].started_at == first_over and events[0].at == first_over + 1
    assert events[0].details["count"] > 8 and events[0].details["waiting"] == 20
    assert agent.status()["hall-east"]["people"] == 12


def test_a_frozen_picture_raises_camera_frozen_and_pauses_the_seat_rule(seat_video):
    path, truth = seat_video
    events = []
    cfg = CameraConfig(id="w1", url=str(path), seat_region=truth["seat_region"],
                       empty_seat_reference=path.with_name("seat_empty.png"),
                       window_state_provider=lambda: (True, None),
                       thresholds=Thresholds(off_post_s=2, frozen_after_s=3, down_after_s=5))
    agent = PatrolAgent([cfg], events.append)
    stuck = next(iter(read_video_samples(path, fps=2))).image  # an occupied seat, frozen
    for i in range(20):
        agent.step("w1", stuck.copy(), now=i * 0.5)
    assert [(e.kind, e.state, e.at) for e in events] == [("camera_frozen", "raised", 3.0)]


def test_silence_raises_camera_down_and_a_new_frame_clears_it():
    events = []
    agent = PatrolAgent([CameraConfig(id="c", url="rtsp://example.invalid/1",
                                      thresholds=Thresholds(down_after_s=4))], events.append)
    frame = np.random.default_rng(0).integers(0, 255, (120, 160, 3), dtype=np.uint8)
    agent.step("c", frame, now=0)
    for t in (1, 2, 3, 4, 5):
        agent.step("c", None, now=t)
    agent.step("c", frame[::-1].copy(), now=6)
    assert [(e.kind, e.state, e.at) for e in events] == [("camera_down", "raised", 4), ("camera_down", "cleared", 6)]
