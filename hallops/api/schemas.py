"""Request and response shapes; they are the OpenAPI document, so every field is typed.

Responses are the read side's dicts (hallops.core.read), and their schemas are built from the
same declarations (schema_of), so the API, the socket frames and the pages cannot drift apart.
"""

from functools import cache
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import BaseModel

from hallops.core.models import Channel, Priority
from hallops.core.read import projection
from hallops.core.read.appointments import BLOCK, BOOKING, SLOT
from hallops.core.read.load import LOAD, LOAD_SERVICE, LOAD_TOTALS, LOAD_WINDOW
from hallops.core.read.queue import WINDOW_DETAIL
from hallops.core.read.services import CATALOGUE_ROW
from hallops.core.read.tickets import ISSUED, TICKET, TRACK, WAITING_ROW
from hallops.core.read.windows import STAFF, WINDOW, WINDOW_BRIEF

BIGINT = 2**63 - 1  # larger ids cannot exist and would overflow the database driver
Id = Annotated[int, Field(ge=1, le=BIGINT)]
Code = Annotated[str, Field(min_length=1, max_length=60)]
# Times are passed through as the core's ISO 8601 strings, unchanged (load must equal hall_load).
Timestamp = Annotated[str, Field(json_schema_extra={"format": "date-time"})]



def _annotation(spec: projection.Field):
    kind = spec.type
    if kind is projection.Timestamp:
        kind = Timestamp
    elif kind is dict:
        kind = dict[str, Any]
    elif isinstance(kind, (projection.Projection, projection.Variant, projection.Record)):
        kind = schema_of(kind)
    if spec.many:
        kind = list[kind]
    return kind | None if spec.nullable else kind


@cache
def schema_of(shape) -> type[BaseModel]:
    """The response schema of a read shape: its fields, types and descriptions, named as the shape.

    A plain pydantic model, not a ninja Schema: the read side answers with dicts, which pydantic
    checks in its compiled core, where a Schema first wraps every nested object for attribute
    access (Django models). On the dashboard's load that wrapping was 37 objects and 340 attribute
    reads per reply, a tenth of the request (docs/performance.md)."""
    namespace = {name: Field(description=spec.description) for name, spec in shape.fields.items()}
    namespace["__annotations__"] = {name: _annotation(spec) for name, spec in shape.fields.items()}
    namespace["__module__"] = __name__
    return type(shape.name, (BaseModel,), namespace)


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


ServiceOut = schema_of(CATALOGUE_ROW)


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


IssuedOut = schema_of(ISSUED)
WindowBrief = schema_of(WINDOW_BRIEF)
TicketOut = schema_of(TICKET)
TrackOut = schema_of(TRACK)


class TicketReply(Schema):
    ticket: TicketOut | None


# --- Windows -----------------------------------------------------------------------------

StaffBrief = schema_of(STAFF)
WindowOut = schema_of(WINDOW)


class WindowReply(Schema):
    window: WindowOut


WaitingOut = schema_of(WAITING_ROW)
WindowDetailOut = schema_of(WINDOW_DETAIL)


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


class FinishIn(Schema):
    filing_number: str | None = Field(None, max_length=64, description="办件编号 of the business system")
    applicant_type: Literal["natural", "legal"] | None = Field(None, description="申请人类型: 自然人 / 法人")


class EvaluationIn(Schema):
    level: Annotated[int, Field(ge=1, le=5)] = Field(description="5 非常满意 … 1 非常不满意")
    ticket: str | None = Field(None, description="ticket id; default: the last ticket finished at the window")
    indicators: Annotated[dict[Annotated[str, Field(max_length=40)], int | str], Field(max_length=30)] = {}
    reasons: Annotated[list[Annotated[str, Field(max_length=40)]], Field(max_length=20)] = Field(
        [], description="for levels 1–2: codes from the configured list of reasons (GET /api/v1/evaluations/options/)")
    comment: str = Field("", max_length=500)


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


LoadWindow = schema_of(LOAD_WINDOW)
LoadService = schema_of(LOAD_SERVICE)
LoadTotals = schema_of(LOAD_TOTALS)
LoadOut = schema_of(LOAD)


class MeOut(Schema):
    kind: Literal["anonymous", "user", "device"]
    username: str | None = None
    role: str | None = None
    hall: str | None = None
    device: str | None = None
    device_kind: str | None = None
    window: int | None = None
    csrf_token: str | None = Field(None, description="for session callers: send it back as X-CSRFToken")


# --- Appointments (预约) ---------------------------------------------------------------------

PhoneText = Annotated[str, Field(min_length=1, max_length=20)]


SlotOut = schema_of(SLOT)


class BookingServiceOut(Schema):
    code: str
    name: str
    needs_id_number: bool = Field(description="the booking must give an ID number (身份证号)")
    materials: str


class BookingInfoOut(Schema):
    hall: str
    name: str
    days: list[str] = Field(description="days that may be booked now (YYYY-MM-DD), working days only")
    services: list[BookingServiceOut]
    cancel_minutes: int = Field(description="a booking may be cancelled up to this many minutes before its slot")


class BookIn(Schema):
    service: Code = Field(description="service (事项) code")
    slot_start: Timestamp = Field(description="the slot's start as listed by /slots/")
    name: Annotated[str, Field(min_length=1, max_length=40)]
    phone: PhoneText = Field(description="mainland mobile number, 11 digits")
    id_number: Annotated[str, Field(max_length=24)] | None = Field(None, description="身份证号, where the matter needs it")


AppointmentOut = schema_of(BOOKING)
BlockOut = schema_of(BLOCK)


class LiftIn(Schema):
    reason: Annotated[str, Field(min_length=1, max_length=200)]
