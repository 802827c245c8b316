"""A window (窗口) and the staff member at it, as every reader sees them."""

from .projection import Field, Projection, Timestamp


def _profile(user):
    return getattr(user, "staff", None)  # a user without a StaffProfile shows its username


STAFF = Projection(
    "StaffBrief",
    id=Field(int, "pk"),
    name=Field(str, lambda u: _profile(u).display_name if _profile(u) else u.get_username()),
    staff_no=Field(str, lambda u: _profile(u).staff_no if _profile(u) else ""),
    title=Field(str, lambda u: _profile(u).title if _profile(u) else ""),
    photo=Field(str, lambda u: _profile(u).photo.url if _profile(u) and _profile(u).photo else None, nullable=True),
)

# Read with select_related("zone", "staff__staff"): the staff card is part of every window.
WINDOW = Projection(
    "WindowOut",
    id=Field(int, "pk"),
    number=Field(str),
    name=Field(str),
    kind=Field(str),
    zone=Field(str, lambda w: w.zone.code if w.zone_id else None, nullable=True),
    state=Field(str),
    state_since=Field(Timestamp, lambda w: w.state_since.isoformat() if w.state_since else None, nullable=True),
    pause_reason=Field(str),
    stand_in=Field(str),
    staff=Field(STAFF, lambda w: STAFF.maybe(w.staff), nullable=True),
)

# Where to go: what a ticket, a device or a screen names of a window (read without the staff card).
WINDOW_BRIEF = WINDOW.variant("WindowBrief", "id", "number", "name")

# What an event names of the window it happened at.
WINDOW_REF = WINDOW.variant("WindowRef", "id", "number")

# The hall screen's row: which windows exist and whether they serve.
WINDOW_STATE = WINDOW.variant("WindowStateOut", "id", "number", "name", "state")

# The hall screen's grid: each window and the number it is calling or serving.
WINDOW_BOARD = WINDOW.variant(
    "WindowBoardOut", "id", "number", "name", "state",
    current=Field(str, nullable=True, description="number called or being served there, if any"),
)

WINDOW_SELECT = ("zone", "staff__staff")


def window_dict(window) -> dict:
    return WINDOW.of(window)


def window_brief(window):
    return WINDOW_BRIEF.maybe(window)


def staff_brief(user):
    return STAFF.maybe(user)
