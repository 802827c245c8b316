import cv2
import numpy as np

from devices.cameras import FrozenDetector, PeopleCounter, SeatModel, count_people, read_video_samples
from devices.cameras.analysis import crop_region, detect_faces, face_cascade, hog_people_detector


def test_this_cv2_build_ships_the_hog_people_detector_and_the_face_cascade():
    assert cv2.HOGDescriptor_getDefaultPeopleDetector().size > 3000
    hog = hog_people_detector()
    assert hog.getDescriptorSize() == 3780
    assert not face_cascade().empty()


def test_people_detection_runs_on_a_blank_frame_without_false_hits():
    blank = np.full((480, 640, 3), 128, np.uint8)
    assert count_people(blank, method="hog") == 0
    assert len(detect_faces(blank)) == 0


def test_regions_accept_relative_rects_and_polygons():
    frame = np.zeros((100, 200, 3), np.uint8)
    crop, mask = crop_region(frame, (0.25, 0.5, 0.75, 1.0))
    assert crop.shape[:2] == (50, 100) and mask.min() == 255
    crop, mask = crop_region(frame, [(0, 0), (1, 0), (0, 1)])
    assert crop.shape[:2] == (100, 200)
    assert 0.4 < np.count_nonzero(mask) / mask.size < 0.6


def test_seat_is_seen_occupied_exactly_while_the_figure_sits(seat_video, demo):
    path, truth = seat_video
    model = SeatModel.calibrate([cv2.imread(str(path.with_name("seat_empty.png")))], truth["seat_region"])
    wrong = []
    for frame in read_video_samples(path, fps=2):
        occupied, score = model.seat_occupied(frame.image)
        expected = not (truth["leave_at"] <= frame.ts < truth["return_at"])
        if occupied != expected:
            wrong.append((frame.ts, occupied, score))
    assert wrong == []


def test_seat_check_tolerates_a_lighting_change_but_not_a_person(demo):
    empty = demo.seat_frame(0.0, present=False, size=(640, 480))
    model = SeatModel.calibrate(empty, demo.SEAT_REGION)
    darker = np.clip(empty.astype(np.float32) * 0.88, 0, 255).astype(np.uint8)
    assert model.seat_occupied(darker)[0] is False
    seated = demo.seat_frame(0.0, present=True, size=(640, 480))
    occupied, score = model.seat_occupied(np.clip(seated.astype(np.float32) * 1.1, 0, 255).astype(np.uint8))
    assert occupied and score > model.high


def test_blob_count_follows_the_growing_crowd(waiting_video):
    path, truth = waiting_video
    counter = PeopleCounter(region=truth["waiting_region"],
                            background=cv2.imread(str(path.with_name("waiting_empty.png"))))
    expected = {c["t"]: c["count"] for c in truth["counts"]}
    got = {f.ts: counter.count(f.image) for f in read_video_samples(path, fps=1)}
    assert counter.last_method == "blobs"
    assert got == {t: expected[t] for t in got}
    assert max(got.values()) == 12 and min(got.values()) == 2


def test_hog_count_is_reused_between_nth_samples():
    counter = PeopleCounter(method="hog", hog_every=3)
    frame = np.full((240, 320, 3), 100, np.uint8)
    assert [counter.count(frame) for _ in range(4)] == [0, 0, 0, 0]
    assert counter._calls == 4


def test_frozen_after_identical_frames_for_longer_than_the_limit():
    rng = np.random.default_rng(1)
    still = rng.integers(0, 255, (240, 320, 3), dtype=np.uint8)
    det = FrozenDetector(freeze_s=3.0)
    assert [det.update(still, t) for t in (0, 1, 2, 2.9)] == [False] * 4
    assert det.update(still.copy(), 3.0) is True
    moving = still.copy()
    moving[:40] = 0
    assert det.update(moving, 3.5) is False


def test_sensor_noise_on_a_still_scene_is_not_frozen():
    rng = np.random.default_rng(2)
    scene = np.full((240, 320, 3), 120, np.int16)
    det = FrozenDetector(freeze_s=1.0)
    results = [det.update(np.clip(scene + rng.normal(0, 2, scene.shape), 0, 255).astype(np.uint8), t * 0.5)
               for t in range(10)]
    assert not any(results)


def test_only_every_nth_hog_count_is_fresh():
    counter = PeopleCounter(method="hog", hog_every=2)
    frame = np.full((240, 320, 3), 100, np.uint8)
    fresh = []
    for _ in range(4):
        counter.count(frame)
        fresh.append(counter.fresh)
    assert fresh == [True, False, True, False]
