"""Request and response shapes; they are the OpenAPI document, so every field is typed.

Responses are filled from the core's plain dicts (hallops.core.serializers); a schema only
names and types what the API promises, extra keys in a dict are dropped.
"""

from typing import Annotated, Any, Literal

from ninja import Field, Schema

from hallops.core.models import Channel, Priority

BIGINT = 2**63 - 1  # larger ids cannot exist and would overflow the database driver
Id = Annotated[int, Field(ge=1, le=BIGINT)]
Code = Annotated[str, Field(min_length=1, max_length=60)]
# Times are passed through as the core's ISO 8601 strings, unchanged (load must equal hall_load).
Timestamp = Annotated[str, Field(json_schema_extra={"format": "date-time"})]

PriorityName = Literal[tuple(Priority.values)]
# Appointment tickets come only from check-in, so the API does not offer that channel.
ChannelName = Literal[tuple(c for c in Channel.values if c != Channel.APPOINTMENT)]


# --- Halls and services ----------------------------------------------------------------

class HallOut(Schema):
    code: str
    name: str
    address: str
    latitude: float | None
    longitude: float | None
    open_now: bool = Field(description="whether the hall issues numbers now (opening hours)")
    opening_hours: dict[str, list[list[str]]] = Field(description='weekday (0 = Monday) → [["08:30", "12:00"], …]')


class ServiceOut(Schema):
    code: str
    name: str
    zone: str
    zone_name: str
    department: str | None = Field(description="department name (部门), if set")
    prefix: str
    waiting: int
    estimated_wait_s: int = Field(description="estimated wait for a number taken now, in seconds")
    open_windows: int = Field(description="open windows that serve this matter")
    open: bool = Field(description="the hall issues numbers now AND at least one open window serves the matter")
    bookable: bool
    materials: str = Field(description="一次性告知: materials to bring")
    daily_quota: int | None
    remaining_quota: int | None = Field(description="numbers left today; null when unlimited")


# --- Tickets ------------------------------------------------------------------------------

class IssueIn(Schema):
    service: Code = Field(description="service (事项) code")
    priority: PriorityName = "normal"
    channel: ChannelName | None = Field(None, description="default: kiosk for devices, staff for staff")


class PriorityChangeIn(Schema):
    priority: PriorityName = Field(description="the new class (not appointment)")
    reason: Annotated[str, Field(min_length=1, max_length=120)] = Field(
        description="what staff or the guide verified, e.g. 军官证已核验")


class CheckInIn(Schema):
    code: Annotated[str, Field(min_length=1, max_length=32)] = Field(description="appointment code (预约码)")


class IssuedOut(Schema):
    id: str
    number: str
    service: str
    service_name: str
    priority: str
    status: str
    ahead: int = Field(description="people waiting before this ticket for the same matter")
    estimated_wait_s: int
    issued_at: Timestamp
    track_url: str = Field(description="public tracking page (the QR code on the printed ticket)")


class WindowBrief(Schema):
    id: int
    number: str
    name: str


class TicketOut(Schema):
    id: str
    number: str
    service: str
    service_name: str
    priority: str
    channel: str
    status: str
    issued_at: Timestamp
    called_at: Timestamp | None
    started_at: Timestamp | None
    finished_at: Timestamp | None
    window: WindowBrief | None
    recall_count: int
    transferred_from: str | None


class TrackOut(Schema):
    id: str
    number: str
    service: str
    service_name: str
    status: str
    window: WindowBrief | None = Field(description="where to go, once called")
    ahead: int | None = Field(description="people ahead while waiting, else null")
    estimated_wait_s: int | None = Field(description="while waiting, else null")
    issued_at: Timestamp
    called_at: Timestamp | None


class TicketReply(Schema):
    ticket: TicketOut | None


# --- Windows -----------------------------------------------------------------------------

class StaffBrief(Schema):
    id: int
    name: str
    staff_no: str
    title: str
    photo: str | None


class WindowOut(Schema):
    id: int
    number: str
    name: str
    kind: str
    zone: str | None
    state: str
    state_since: Timestamp | None
    pause_reason: str
    stand_in: str
    staff: StaffBrief | None


class WindowReply(Schema):
    window: WindowOut


class WaitingOut(Schema):
    id: str
    number: str
    service: str
    priority: str
    waited_s: int
    transferred: bool = Field(description="transferred here (it comes before the window's own matters)")


class WindowDetailOut(WindowOut):
    services: list[str] = Field(description="codes of the matters served, in order of preference")
    current_ticket: TicketOut | None
    waiting: list[WaitingOut] = Field(description="waiting tickets this window may call, in queue order")
    waiting_count: int


class CallNumberIn(Schema):
    number: Annotated[str, Field(min_length=1, max_length=12)]


class TransferIn(Schema):
    service: Code | None = None
    window: Id | None = None


class PauseIn(Schema):
    reason: Annotated[str, Field(max_length=80)] = ""
    stand_in: Annotated[str, Field(max_length=40)] = ""


class SignInIn(Schema):
    user: Annotated[str, Field(min_length=1, max_length=150)] | None = Field(
        None, description="lobby managers only: the username to sign in")


class EvaluationIn(Schema):
    level: Annotated[int, Field(ge=1, le=5)] = Field(description="5 非常满意 … 1 非常不满意")
    ticket: str | None = Field(None, description="ticket id; default: the last ticket finished at the window")
    indicators: Annotated[dict[Annotated[str, Field(max_length=40)], int | str], Field(max_length=30)] = {}


class EvaluationOut(Schema):
    id: int
    ticket: str
    number: str
    window: int | None
    level: int
    bad: bool
    created_at: Timestamp
    created: bool = Field(description="false when this ticket was already rated (the first rating stands)")


# --- Live state ----------------------------------------------------------------------------

class EventsOut(Schema):
    events: list[dict[str, Any]] = Field(description='each {"type", "seq", "at", …payload}, oldest first')
    last_seq: int = Field(description="the hall's latest event number; fetch again while events[-1].seq < last_seq")


class LoadWindow(Schema):
    id: int
    number: str
    name: str
    kind: str
    zone: str
    state: str
    state_since: Timestamp | None
    idle_s: int | None
    pause_reason: str
    stand_in: str
    staff: StaffBrief | None
    current_ticket: TicketOut | None
    served_today: int
    avg_handle_s: int | None
    services: list[str]


class LoadService(Schema):
    code: str
    name: str
    prefix: str
    zone: str
    waiting: int
    longest_wait_s: int
    estimated_wait_s: int
    open_windows: int


class LoadTotals(Schema):
    waiting: int
    served_today: int
    issued_today: int
    windows_open: int
    windows_paused: int
    windows_total: int


class LoadOut(Schema):
    seq: int
    hall: str
    at: Timestamp
    windows: list[LoadWindow]
    services: list[LoadService]
    totals: LoadTotals


class MeOut(Schema):
    kind: Literal["anonymous", "user", "device"]
    username: str | None = None
    role: str | None = None
    hall: str | None = None
    device: str | None = None
    device_kind: str | None = None
    window: int | None = None
    csrf_token: str | None = Field(None, description="for session callers: send it back as X-CSRFToken")
