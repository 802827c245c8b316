"""预约: booking a slot, cancelling it, no-shows (爽约) and the blocks they bring, lifting a block.

Each function is one transaction that records its hall event. Payloads never carry the booking
code (it is what lets its holder cancel) nor the phone or ID number.
"""

import secrets
from datetime import timedelta

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils.translation import gettext as _

from .. import events, persons, slots
from ..clock import local_day
from ..clock import now as clock_now
from ..errors import Conflict, Invalid, NotFound
from ..models import Appointment, BookingBlock, SlotCounter
from ..read.appointments import APPOINTMENT, BLOCK
from ..read.projection import iso

ACTIVE = (Appointment.Status.BOOKED, Appointment.Status.CHECKED_IN)
# No 0/O or 1/I: the code is read aloud and typed at the kiosk.
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_LENGTH = 8


def appointment_dict(appt) -> dict:
    return APPOINTMENT.of(appt)


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def _take_place(service_id, start, capacity) -> bool:
    """Hold one place in the slot unless it is full: one conditional upsert, atomic under races."""
    table = SlotCounter._meta.db_table
    with connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO {table} (service_id, start, booked) VALUES (%s, %s, 1) "
            f"ON CONFLICT (service_id, start) DO UPDATE SET booked = {table}.booked + 1 "
            f"WHERE {table}.booked < %s RETURNING booked",
            [service_id, connection.ops.adapt_datetimefield_value(start), capacity],
        )
        return cur.fetchone() is not None


def _person_filter(phone_hash, id_hash) -> Q:
    q = Q(phone_hash=phone_hash)
    return q | Q(id_hash=id_hash) if id_hash else q


def active_block(hall, phone_hash, id_hash, now):
    return (BookingBlock.objects.filter(_person_filter(phone_hash, id_hash), hall=hall, until__gt=now,
                                        lifted_at__isnull=True).order_by("-until").first())


def book(hall, service, slot_start, *, name, phone, id_number=None, actor=None, now=None) -> Appointment:
    """Book a place in a slot for a citizen; returns the appointment with its code."""
    now = now or clock_now()
    if service.hall_id != hall.pk or not service.active:
        raise NotFound(_("本大厅没有该事项"), code="service_not_found")
    if not service.bookable:
        raise Conflict(_("该事项不提供预约"), code="service_not_bookable")
    name = (name or "").strip()
    if not name or len(name) > 40:
        raise Invalid(_("请填写姓名（不超过40字）"), code="invalid_name")
    phone = persons.normalize_phone(phone)
    id_number = (id_number or "").strip()
    if service.booking_needs_id and not id_number:
        raise Invalid(_("办理该事项须填写身份证号码"), code="id_number_required")
    id_number = persons.normalize_id_number(id_number) if id_number else None
    day = local_day(slot_start)
    if not slots.is_bookable_day(hall, day, now):
        raise Conflict(_("该日不可预约：可预约明天起%(n)d个工作日内") % {"n": hall.booking_days_ahead},
                       code="not_bookable_day")
    slot = slots.find_slot(service, slot_start)
    if slot is None:
        raise NotFound(_("该日没有这个预约时段"), code="slot_not_found")
    phone_hash = persons.person_hash("phone", phone)
    id_hash = persons.person_hash("id", id_number) if id_number else None
    block = active_block(hall, phone_hash, id_hash, now)
    if block is not None:
        raise Conflict(_("因多次预约未到，%(until)s 前不能网上预约，请现场取号")
                       % {"until": f"{local_day(block.until):%Y-%m-%d}"}, code="booking_blocked",
                       until=iso(block.until))
    duplicate = Conflict(_("您当天已预约该事项"), code="duplicate_booking")
    if Appointment.objects.filter(_person_filter(phone_hash, id_hash), service=service, day=day,
                                  status__in=ACTIVE).exists():
        raise duplicate
    with transaction.atomic():
        if not _take_place(service.pk, slot.start, slot.capacity):
            raise Conflict(_("该时段已约满，请选择其他时段"), code="slot_full")
        appt = Appointment(
            hall=hall, service=service, code=new_code(), citizen_name=name,
            citizen_phone=persons.mask_phone(phone), phone_hash=phone_hash,
            id_masked=persons.mask_id_number(id_number) if id_number else "", id_hash=id_hash,
            day=day, slot_start=slot.start, slot_end=slot.end, status=Appointment.Status.BOOKED, created_at=now,
        )
        try:
            with transaction.atomic():
                appt.save(force_insert=True)
        except IntegrityError:
            # The same person booking twice at once: the partial unique index refused the second.
            # (A code collision, 1 in 32^8, lands here too and is simply refused.)
            raise duplicate from None
        events.record(hall.pk, "appointment.booked", {"appointment": appointment_dict(appt)}, actor, now)
    return appt


def appointment_by_code(code: str) -> Appointment:
    appt = (Appointment.objects.select_related("service", "hall")
            .filter(code=(code or "").strip().upper()).first())
    if appt is None:
        raise NotFound(_("预约码不存在"), code="appointment_not_found")
    return appt


def cancel_booking(code: str, *, actor=None, now=None) -> Appointment:
    """The citizen cancels, up to hall.booking_cancel_minutes before the slot; the place is freed."""
    now = now or clock_now()
    with transaction.atomic():
        appt = (Appointment.objects.select_for_update(of=("self",)).select_related("service", "hall")
                .filter(code=(code or "").strip().upper()).first())
        if appt is None:
            raise NotFound(_("预约码不存在"), code="appointment_not_found")
        if appt.status != Appointment.Status.BOOKED:
            raise Conflict(_("该预约已签到或已取消"), code="appointment_used")
        minutes = appt.hall.booking_cancel_minutes
        if now > appt.slot_start - timedelta(minutes=minutes):
            raise Conflict(_("预约时段开始前%(m)d分钟内不能取消") % {"m": minutes}, code="too_late_to_cancel")
        appt.status, appt.closed_at = Appointment.Status.CANCELLED, now
        appt.save(update_fields=["status", "closed_at"])
        SlotCounter.objects.filter(service_id=appt.service_id, start=appt.slot_start, booked__gt=0).update(
            booked=F("booked") - 1)
        events.record(appt.hall_id, "appointment.cancelled", {"appointment": appointment_dict(appt)}, actor, now)
    return appt



def mark_no_shows(hall, *, actor=None, now=None) -> int:
    """爽约: bookings not checked in by their slot's end plus the grace period.

    A person who reaches hall.no_show_limit no-shows within hall.no_show_window_days (counting only
    those after their last block began) is blocked from booking online for hall.booking_block_days.
    Harmless to run any time and twice (close_day and the sweep_no_shows command both do).
    """
    now = now or clock_now()
    cutoff = now - timedelta(minutes=hall.no_show_grace_minutes)
    with transaction.atomic():
        due = list(Appointment.objects.select_for_update().select_related("service")
                   .filter(hall=hall, status=Appointment.Status.BOOKED, slot_end__lt=cutoff))
        if not due:
            return 0
        Appointment.objects.filter(pk__in=[a.pk for a in due]).update(status=Appointment.Status.NO_SHOW,
                                                                       closed_at=now)
        for a in due:
            a.status = Appointment.Status.NO_SHOW
        events.record(hall.pk, "appointments.no_show",
                      {"appointments": [appointment_dict(a) for a in due], "count": len(due)}, actor, now)
        _block_repeat_no_shows(hall, [a for a in due if a.phone_hash], actor, now)
    return len(due)


def _block_repeat_no_shows(hall, due, actor, now):
    if not due:
        return
    phones = {a.phone_hash for a in due}
    ids = {a.id_hash for a in due if a.id_hash}
    person = Q(phone_hash__in=phones) | Q(id_hash__in=ids)
    # Two reads whatever the number of people: their blocks, and their no-shows in the window.
    since_block = {}
    for b in BookingBlock.objects.filter(person, hall=hall).values("phone_hash", "id_hash", "created_at"):
        for key in (b["phone_hash"], b["id_hash"]):
            if key and (key not in since_block or since_block[key] < b["created_at"]):
                since_block[key] = b["created_at"]
    window_start = now - timedelta(days=hall.no_show_window_days)
    history = list(Appointment.objects.filter(person, hall=hall, status=Appointment.Status.NO_SHOW,
                                              slot_end__gte=window_start)
                   .values_list("phone_hash", "id_hash", "slot_end"))

    def counted(key, column):
        after = since_block.get(key)
        return sum(1 for row in history if row[column] == key and (after is None or row[2] > after))

    new_blocks, blocked = [], set()
    for a in due:
        if a.phone_hash in blocked or (a.id_hash and a.id_hash in blocked):
            continue
        n = max(counted(a.phone_hash, 0), counted(a.id_hash, 1) if a.id_hash else 0)
        if n >= hall.no_show_limit:
            blocked.update(k for k in (a.phone_hash, a.id_hash) if k)
            new_blocks.append(BookingBlock(
                hall=hall, phone_hash=a.phone_hash, id_hash=a.id_hash, phone_masked=a.citizen_phone, no_shows=n,
                created_at=now, until=now + timedelta(days=hall.booking_block_days),
            ))
    for block in new_blocks:
        block.save(force_insert=True)
        events.record(hall.pk, "booking.blocked", {"block": block_dict(block)}, actor, now)


def block_dict(block) -> dict:
    return BLOCK.of(block)


def lift_block(block, *, reason: str, user=None, actor=None, now=None) -> BookingBlock:
    """A lobby manager lets a blocked citizen book again; who and why are kept on the block."""
    now = now or clock_now()
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(_("请填写解除原因"), code="reason_required")
    if len(reason) > 200:
        raise Invalid(_("解除原因不超过200字"), code="reason_too_long")
    with transaction.atomic():
        block = BookingBlock.objects.select_for_update(of=("self",)).select_related("lifted_by").get(pk=block.pk)
        if block.lifted_at is not None or block.until <= now:
            raise Conflict(_("该限制已解除或已到期"), code="block_not_active")
        block.lifted_at, block.lifted_by, block.lift_reason = now, user, reason
        block.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
        events.record(block.hall_id, "booking.unblocked", {"block": block_dict(block)}, actor, now)
    return block
