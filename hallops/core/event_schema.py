"""The shape of every hall event's payload, one schema per event type.

Like Zulip's zerver/lib/event_schema.py: screens, consoles, devices and third-party pages code
against these payloads, so each type is written down once, `events.record` checks each payload
against it, and the event table in docs/realtime.md is generated from it
(`manage.py event_docs`). Schemas are pydantic models (already here through django-ninja):
strict types, no unknown keys, so a renamed or added field shows at the first test that records it.

Adding an event type: add its model here and to EVENT_TYPES, then run `manage.py event_docs`.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .read import projection
from .read.appointments import APPOINTMENT, BLOCK
from .read.devices import DEVICE_STATUS
from .read.services import SERVICE_REF
from .read.tickets import TICKET
from .read.windows import STAFF, WINDOW, WINDOW_BRIEF, WINDOW_REF


class Shape(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


# --- parts shared by several events: the read side's projections, as strict models -------------

def shape(projection_or_variant) -> type[Shape]:
    """A strict model of a read shape (hallops.core.read): its fields, types and descriptions.

    Events carry the read side's dicts, so their parts are checked against the same declarations the
    API's schemas are built from (hallops.api.schemas.schema_of), never against a copy.
    """
    if projection_or_variant in _shapes:
        return _shapes[projection_or_variant]
    annotations, namespace = {}, {}
    for name, spec in projection_or_variant.fields.items():
        kind = spec.type
        if kind is projection.Timestamp:
            kind = str
        elif isinstance(kind, (projection.Projection, projection.Variant, projection.Record)):
            kind = shape(kind)
        if spec.many:
            kind = list[kind]
        annotations[name] = kind | None if spec.nullable else kind
        namespace[name] = Field(description=spec.description)
    doc = f"hallops.core.read: {projection_or_variant.name}"
    model = type(projection_or_variant.name, (Shape,),
                 {**namespace, "__annotations__": annotations, "__module__": __name__, "__doc__": doc})
    _shapes[projection_or_variant] = model
    return model


_shapes: dict = {}

Ticket = shape(TICKET)
Window = shape(WINDOW)
Staff = shape(STAFF)
WindowBrief = shape(WINDOW_BRIEF)
ServiceRef = shape(SERVICE_REF)
Device = shape(DEVICE_STATUS)
Appointment = shape(APPOINTMENT)
Block = shape(BLOCK)
WindowRef = shape(WINDOW_REF)


class TicketRef(Shape):
    id: str | None
    number: str | None


# --- one payload per event type -----------------------------------------------------------------

class TicketIssued(Shape):
    """取号: a new waiting ticket."""

    ticket: Ticket
    ahead: int = Field(description="people ahead in its queue when issued")
    estimated_wait_s: int


class TicketCalled(Shape):
    """叫号, also a recall (重呼)."""

    ticket: Ticket
    number: str
    service: ServiceRef
    window: WindowBrief
    recall_count: int = Field(description=">0 for a recall")
    designated: bool = Field(description="called by number, 叫特定号")
    announcement: str = Field(description="the hall's announcement template filled in: the text to speak")


class TicketChanged(Shape):
    """A ticket started (开始办理) or cancelled (取消)."""

    ticket: Ticket


class TicketSkipped(Shape):
    """过号: the called citizen did not come."""

    ticket: Ticket
    policy: str = Field(description="the hall's skip policy: requeue, tail or void")


class TicketPriorityChanged(Shape):
    """Staff or the guide changed a waiting ticket's priority class after checking proof."""

    ticket: Ticket
    from_: str = Field(alias="from", description="priority class before")
    to: str = Field(description="priority class after")
    reason: str = Field(description="what was verified")


class TicketFinished(Shape):
    """办结; the window's evaluation pad asks for a rating."""

    ticket: Ticket
    window: WindowRef


class TicketRequeued(Shape):
    """过号重排: a skipped ticket back in line."""

    ticket: Ticket
    places: int = Field(description="people it was put behind")
    policy: str = Field(description="requeue: behind the N-th waiting; tail: at the end")


class TicketTransferred(Shape):
    """转移: the old ticket ends, a new waiting one keeps the number and the place in line."""

    from_: Ticket = Field(alias="from", description="the old ticket (status transferred)")
    ticket: Ticket = Field(description="the new waiting ticket, same number")
    to_window: Window | None = Field(description="the window it was handed to")


class WindowState(Shape):
    """A window opened, paused, resumed, closed, started or ended serving, or its staff signed in or out."""

    window: Window


class Absence(Shape):
    id: int
    minutes: int
    starts_at: str
    ends_at: str
    note: str


class WindowShortAbsence(Shape):
    """Staff announced a short absence (暂离) from the console: no off-post alert meanwhile."""

    window: WindowRef
    absence: Absence


class EvaluationRecorded(Shape):
    """好差评 of a visit: from the window's pad or tablet, the citizen's phone (QR) or a paper form. Never the rater."""

    ticket: TicketRef
    window: WindowRef | None = Field(description="the window that served the visit")
    level: int = Field(description="1 (非常不满意) .. 5 (非常满意)")
    bad: bool = Field(description="a 差评: a case (工单) is opened with it")
    source: Literal["pad", "tablet", "qr", "paper"] = Field(description="the rating channel")


class TicketFiled(Shape):
    """办件编号 and/or applicant type set for a finished visit (by the window's business system)."""

    ticket: TicketRef
    filing_number: str | None = Field(default=None, description="办件编号, when set")
    applicant_type: Literal["natural", "legal"] | None = Field(default=None, description="申请人类型, when set")


class CaseBrief(Shape):
    id: int
    kind: Literal["bad_rating", "unresolved", "hotline", "assisted"]
    status: str = Field(description="accepted, verified, disputed, appealed, excluded, rectified, answered, "
                                    "followed_up or closed")
    window: WindowBrief | None
    due: str = Field(description="整改/办结 deadline, local ISO date")
    follow_up_due: str = Field(description="回访 deadline, local ISO date")


class CaseOpened(Shape):
    """A case (工单) opened: by a bad rating, or by staff for 办不成事, 12345 or 代办. No rater identity."""

    case: CaseBrief


class CaseStep(Shape):
    """A case took a step (核实, 申诉, 复核, 整改, 反馈, 回访, 办结); the step's decision when it has one."""

    case: CaseBrief
    step: Literal["verify", "appeal", "review", "rectify", "feedback", "follow_up", "close"]
    verdict: Literal["valid", "mistaken", "malicious"] | None = Field(default=None, description="verify only")
    decision: Literal["uphold", "exclude"] | None = Field(default=None, description="review only")
    result: Literal["reached", "unreachable"] | None = Field(default=None, description="follow_up only")
    satisfaction: int | None = Field(default=None, description="follow_up only, when reached: 1..5")


class TicketsExpired(Shape):
    """close_day: the day's unserved tickets expired."""

    count: int
    before: str = Field(description="the local day (ISO date) they were issued before")


class PrinterRef(Shape):
    id: int
    name: str


class PrintResult(Shape):
    """A printer's answer to a print job, relayed by the gateway."""

    ticket: TicketRef
    printer: PrinterRef
    kiosk: int | None = Field(description="the kiosk device whose ticket it is")
    command: str = Field(description="the DeviceCommand id")
    ok: bool
    error: str | None = Field(description="code: paper_out, printer_offline, expired, …")
    message: str = Field(description="server wording of the error")
    detail: str = Field(description="the gateway's text")
    reprint: bool


class DeviceStatus(Shape):
    """A gateway-driven device came online, went offline or reported a problem."""

    device: Device


class PatrolDetection(Shape):
    """视频巡查: a detection raised or cleared by a camera, or reviewed by a supervisor. No images."""

    id: int
    kind: str
    state: Literal["raised", "cleared", "reviewed"]
    review: str = Field(description="candidate, confirmed or dismissed")
    window: str | None = Field(description="window number")
    camera: int | None = Field(default=None, description="raised/cleared only")
    camera_name: str | None = Field(default=None, description="raised/cleared only")
    duration_s: float | None = Field(default=None, description="raised/cleared only")
    finding: int | None = Field(default=None, description="reviewed only: the finding it became")


class AppointmentChanged(Shape):
    """预约: a citizen booked a slot, or cancelled it. Never the booking code, phone or ID number."""

    appointment: Appointment


class AppointmentsNoShow(Shape):
    """爽约: bookings not checked in by their slot's end plus the grace period (sweep or close_day)."""

    appointments: list[Appointment]
    count: int


class BookingBlockChanged(Shape):
    """Online booking blocked after repeated no-shows, or a lobby manager lifted the block (with a reason)."""

    block: Block


class AlertAcknowledged(Shape):
    """A lobby manager took on a dashboard alert (确认); every dashboard shows who and when."""

    key: str = Field(description="the alert's key: kind, subject and start")
    by: str = Field(description="name of who acknowledged it")
    at: str


# Every event type, in the order the docs list them.
EVENT_TYPES: dict[str, type[Shape]] = {
    "ticket.issued": TicketIssued,
    "ticket.called": TicketCalled,
    "ticket.started": TicketChanged,
    "ticket.finished": TicketFinished,
    "ticket.skipped": TicketSkipped,
    "ticket.cancelled": TicketChanged,
    "ticket.requeued": TicketRequeued,
    "ticket.priority_changed": TicketPriorityChanged,
    "ticket.transferred": TicketTransferred,
    "window.state": WindowState,
    "window.short_absence": WindowShortAbsence,
    "ticket.filed": TicketFiled,
    "evaluation.recorded": EvaluationRecorded,
    "case.opened": CaseOpened,
    "case.step": CaseStep,
    "tickets.expired": TicketsExpired,
    "appointment.booked": AppointmentChanged,
    "appointment.cancelled": AppointmentChanged,
    "appointments.no_show": AppointmentsNoShow,
    "booking.blocked": BookingBlockChanged,
    "booking.unblocked": BookingBlockChanged,
    "print.result": PrintResult,
    "device.status": DeviceStatus,
    "patrol.detection": PatrolDetection,
    "alert.acknowledged": AlertAcknowledged,
}


class EventSchemaError(ValueError):
    """A payload that does not match its event type's schema (or a type with no schema)."""


def check(type: str, payload: dict) -> None:
    """Raise EventSchemaError unless `payload` is exactly what `type` promises."""
    schema = EVENT_TYPES.get(type)
    if schema is None:
        raise EventSchemaError(f"no schema for event type {type!r}; add it to hallops/core/event_schema.py")
    try:
        schema.model_validate(payload)
    except ValidationError as e:
        raise EventSchemaError(f"{type} payload does not match its schema: {e}") from None
