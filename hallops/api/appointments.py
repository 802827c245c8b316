"""预约 (online booking): the public booking endpoints and the lobby manager's blocks.

Booking, slots and cancelling need no login (a citizen's phone); they are rate limited per
client address and per phone (throttle.py). The booking code is the citizen's only credential.
"""

from datetime import date, datetime

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from hallops.core import actions, actors, slots
from hallops.core.actions.booking import appointment_by_code, block_dict
from hallops.core.clock import now as clock_now
from hallops.core.errors import Conflict, Invalid, NotFound
from hallops.core.lookups import hall_by_code
from hallops.core.models import BookingBlock, Service
from hallops.core.read.appointments import BOOKING

from .auth import actor_of
from .errors import error_responses
from .schemas import AppointmentOut, BlockOut, BookIn, BookingInfoOut, LiftIn, SlotOut
from .throttle import throttle

halls_router = Router(tags=["appointments"])
blocks_router = Router(tags=["appointments"])
router = Router(tags=["appointments"])
blocks_router = Router(tags=["appointments"])


def appointment_out(appt) -> dict:
    return BOOKING.of(appt)


def _bookable_service(hall, code) -> Service:
    service = Service.objects.filter(hall=hall, code=code, active=True, bookable=True).first()
    if service is None:
        raise NotFound(_("本大厅没有该可预约事项"), code="service_not_found")
    service.hall = hall  # the slot rules read the hall's calendar; no second query for it
    return service


@halls_router.get("/{hall}/booking/", response={200: BookingInfoOut, **error_responses(404, 429)}, auth=None,
                  summary="What may be booked: the bookable matters and days (public)")
def booking_info(request, hall: str):
    throttle(request, "slots")
    hall = hall_by_code(hall)
    services = Service.objects.filter(hall=hall, active=True, bookable=True)
    return {"hall": hall.code, "name": hall.name,
            "days": [d.isoformat() for d in slots.bookable_days(hall, clock_now())],
            "services": [{"code": s.code, "name": s.name, "needs_id_number": s.booking_needs_id,
                          "materials": s.materials} for s in services],
            "cancel_minutes": hall.booking_cancel_minutes}


class SlotsQuery(Schema):
    date: date


@halls_router.get("/{hall}/services/{code}/slots/",
                  response={200: list[SlotOut], **error_responses(404, 409, 422, 429)}, auth=None,
                  summary="A matter's slots on a day, with places booked and left (public)")
def list_slots(request, hall: str, code: str, q: Query[SlotsQuery]):
    throttle(request, "slots")
    hall = hall_by_code(hall)
    service = _bookable_service(hall, code)
    if not slots.is_bookable_day(hall, q.date, clock_now()):
        raise Conflict(_("该日不可预约：可预约明天起%(n)d个工作日内") % {"n": hall.booking_days_ahead},
                       code="not_bookable_day")
    return [s.as_dict() for s in slots.day_slots(service, q.date)]


def _slot_start(text: str) -> datetime:
    value = parse_datetime(text or "")
    if value is None or value.tzinfo is None:
        raise Invalid(_("slot_start 须为带时区的 ISO 8601 时间"), code="invalid_slot_start")
    return value


@halls_router.post("/{hall}/appointments/",
                   response={201: AppointmentOut, **error_responses(404, 409, 422, 429)}, auth=None,
                   summary="Book a slot (public, no login); 409 slot_full / duplicate_booking / "
                           "booking_blocked / not_bookable_day")
def book(request, hall: str, payload: BookIn):
    throttle(request, "booking", phone=payload.phone)
    hall = hall_by_code(hall)
    service = _bookable_service(hall, payload.service)
    appt = actions.book(hall, service, _slot_start(payload.slot_start), name=payload.name, phone=payload.phone,
                        id_number=payload.id_number, actor="citizen")
    return Status(201, appointment_out(appt))


@router.get("/{code}/", response={200: AppointmentOut, **error_responses(404, 429)}, auth=None,
            summary="A booking by its code (public; the code is the credential)")
def show(request, code: str):
    throttle(request, "cancel")
    return appointment_out(appointment_by_code(code))


@router.post("/{code}/cancel/", response={200: AppointmentOut, **error_responses(404, 409, 429)}, auth=None,
             summary="Cancel a booking up to the hall's cancel time before its slot (public)")
def cancel(request, code: str):
    throttle(request, "cancel")
    return appointment_out(actions.cancel_booking(code, actor="citizen"))


# --- Blocks after repeated no-shows: the lobby manager's view --------------------------------

@halls_router.get("/{hall}/booking-blocks/", response={200: list[BlockOut], **error_responses(401, 403, 404)},
                  summary="Citizens blocked from booking, active ones first (lobby managers)")
def list_blocks(request, hall: str):
    hall = hall_by_code(hall)
    actors.authorize_booking_blocks(actor_of(request), hall.pk)
    now = clock_now()
    rows = BookingBlock.objects.filter(hall=hall).select_related("lifted_by").order_by("-created_at")[:200]
    rows = sorted(rows, key=lambda b: not (b.lifted_at is None and b.until > now))
    return [block_dict(b) for b in rows]


@blocks_router.post("/{block_id}/lift/",
             response={200: BlockOut, **error_responses(401, 403, 404, 409, 422)},
             summary="Lift a block, with a reason (lobby managers of the hall)")
def lift(request, block_id: int, payload: LiftIn):
    block = BookingBlock.objects.filter(pk=block_id).first()
    if block is None:
        raise NotFound(_("没有该预约限制"), code="block_not_found")
    actor = actor_of(request)
    actors.authorize_booking_blocks(actor, block.hall_id)
    return block_dict(actions.lift_block(block, reason=payload.reason, user=actor.user, actor=actor))
