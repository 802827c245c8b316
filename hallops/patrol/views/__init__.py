from .cameras import camera_live, camera_snapshot, capture_reference, grid, regions, snapshot_image  # noqa: F401
from .review import (  # noqa: F401
    figures, history, notice_detail, notice_new, notices, review_detection, round_action, round_finding, round_walk,
    rounds, short_absence, timeline,
)
