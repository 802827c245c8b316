"""Video patrol (视频巡查) engine: camera sources, frame analysis, patrol rules, agent.

Plain Python + OpenCV, no Django: hallops/patrol constructs a ``PatrolAgent``
and stores the ``Detection`` events it reports.
"""

from .agent import CameraConfig, PatrolAgent, Thresholds
from .analysis import (
    FrozenDetector,
    PeopleCounter,
    SeatModel,
    count_people,
    crop_region,
    detect_faces,
    detect_people_hog,
    face_cascade,
    hog_people_detector,
)
from .rules import (
    CAMERA_DOWN,
    CAMERA_FROZEN,
    CROWDING,
    OFF_POST,
    CameraHealthRule,
    CrowdingRule,
    Detection,
    OffPostRule,
    SnapshotRing,
)
from .mjpeg import MJPEGStream
from .source import CameraSource, Frame, parse_camera_url, read_video_samples

__all__ = [
    "CAMERA_DOWN", "CAMERA_FROZEN", "CROWDING", "OFF_POST",
    "CameraConfig", "CameraHealthRule", "CameraSource", "CrowdingRule", "Detection", "Frame",
    "FrozenDetector", "MJPEGStream", "OffPostRule", "PatrolAgent", "PeopleCounter", "SeatModel",
    "SnapshotRing", "Thresholds", "count_people", "crop_region", "detect_faces", "detect_people_hog",
    "face_cascade", "hog_people_detector", "parse_camera_url", "read_video_samples",
]
