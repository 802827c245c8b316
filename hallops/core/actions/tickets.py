"""Issuing numbers (取号), appointment check-in, cancelling, and closing the day."""

from dataclasses import dataclass
from datetime import timedelta

from django.db import connection, transaction
from django.utils.translation import gettext as _

from .. import events, prepared
from ..clock import is_open, local_day
from ..clock import now as clock_now
from ..errors import Conflict, Invalid, NotFound
from ..estimates import quota_used
from ..models import (
    Appointment, Channel, DailyCounter, Priority, Ticket, TicketStatus, Window, WindowState,
)
from ..models.ticket import PRIORITY_RANK
from ..read.position import position
from ..read.tickets import ticket_dict
from .booking import mark_no_shows
from .priorities import check_self_declared
from .windows import set_window_state


@dataclass
class IssueResult:
    ticket: Ticket
    ahead: int
    estimated_wait_s: int


def format_number(prefix: str, seq: int) -> str:
    return f"{prefix}{seq:03d}"


def _counter_upsert() -> str:
    # Upsert and read in one statement; the row lock serialises numbering per prefix and day.
    table = DailyCounter._meta.db_table
    return (f"INSERT INTO {table} (hall_id, prefix, day, last) VALUES (%s, %s, %s, 1) "
            f"ON CONFLICT (hall_id, prefix, day) DO UPDATE SET last = {table}.last + 1 RETURNING last")


def _take_number(ticket, prefix) -> None:
    """Give the ticket the prefix's next number of its day and insert it.

    PostgreSQL does both in one statement (the number formatted as format_number does); SQLite,
    whose writers queue on BEGIN IMMEDIATE anyway, in two.
    """
    counter = [ticket.hall_id, prefix, ticket.day]
    if connection.vendor != "postgresql":
        with connection.cursor() as cur:
            cur.execute(_counter_upsert(), counter)
            ticket.number = format_number(prefix, cur.fetchone()[0])
        ticket.save(force_insert=True)
        return
    fields = [f for f in Ticket._meta.concrete_fields if f.attname != "number"]
    columns = ", ".join(f'"{f.column}"' for f in fields)
    values = [f.get_db_prep_save(getattr(ticket, f.attname), connection) for f in fields]
    number = "(SELECT %s || CASE WHEN last < 1000 THEN lpad(last::text, 3, '0') ELSE last::text END FROM c)"
    with prepared.cursor() as cur:
        cur.execute(
            f"WITH c AS ({_counter_upsert()}) INSERT INTO {Ticket._meta.db_table} ({columns}, number) "
            f"VALUES ({', '.join(['%s'] * len(fields))}, {number}) RETURNING number",
            [*counter, *values, prefix],
        )
        ticket.number = cur.fetchone()[0]
    ticket._state.adding, ticket._state.db = False, connection.alias


def issue_ticket(hall, service, *, priority=Priority.NORMAL, channel=Channel.KIOSK, actor=None,
                 now=None, appointment=None) -> IssueResult:
    """Take a number for a matter: A001 … A999, A1000, restarting at local midnight."""
    now = now or clock_now()
    if priority not in Priority.values:
        raise Invalid(_("未知的优先类别：%(p)s") % {"p": priority}, code="invalid_priority")
    if channel not in Channel.values:
        raise Invalid(_("未知的取号渠道：%(c)s") % {"c": channel}, code="invalid_channel")
    if service.hall_id != hall.pk or not service.active:
        raise NotFound(_("本大厅没有该事项"), code="service_not_found")
    if priority == Priority.APPOINTMENT and appointment is None:
        raise Invalid(_("预约号须凭预约码签到"), code="appointment_required")
    check_self_declared(hall, priority, channel)
    # An appointment was held to its own slot by check_in: the hall offered that slot, so its citizen
    # checks in and is served after normal closing (预约延时) while the kiosk stays closed to others.
    if appointment is None and not is_open(hall, now):
        raise Conflict(_("当前不在取号时间内"), code="hall_closed")
    day = local_day(now)
    rank, queue_at = PRIORITY_RANK[priority], (max(now, appointment.slot_start) if appointment else now)
    ticket = Ticket(
        hall=hall, service=service, day=day, priority=priority, rank=rank, channel=channel,
        status=TicketStatus.WAITING, queue_at=queue_at, issued_at=now, appointment=appointment,
    )
    # The place in line is read before taking the number: the prefix's counter row stays locked
    # until commit, and every kiosk issuing that prefix queues on it.
    place = position(ticket, hall=hall, now=now)
    ahead, wait = place.ahead, place.estimated_wait_s
    with transaction.atomic(), events.batch():
        _take_number(ticket, service.prefix)
        if service.daily_quota is not None:
            # Counted under the prefix lock taken above, so two kiosks cannot both take the last one;
            # over the quota, the whole transaction (number and ticket) rolls back. By hall and day
            # (the ticket_hall_day_status index), not by matter: a matter's history only grows.
            if quota_used(day, hall_id=hall.pk, service_id=service.pk).get(service.pk, 0) > service.daily_quota:
                raise Conflict(_("%(name)s今日号已取完") % {"name": service.name}, code="quota_exhausted")
        events.record(hall.pk, "ticket.issued", {"ticket": ticket_dict(ticket), "ahead": ahead,
                                                 "estimated_wait_s": wait}, actor, now, subject=ticket)
    return IssueResult(ticket, ahead, wait)


def check_in(hall, code: str, *, actor=None, now=None) -> IssueResult:
    """预约签到: turn a booked appointment into a ticket that is called before normal numbers once due."""
    now = now or clock_now()
    with transaction.atomic(), events.batch():
        appt = (
            Appointment.objects.select_for_update().select_related("service")
            .filter(hall=hall, code=code.strip().upper()).first()
        )
        if appt is None:
            raise NotFound(_("预约码不存在"), code="appointment_not_found")
        if appt.status != Appointment.Status.BOOKED:
            raise Conflict(_("该预约已签到或已取消"), code="appointment_used")
        if local_day(appt.slot_start) != local_day(now):
            raise Conflict(_("请在预约当天签到"), code="appointment_not_today")
        early = hall.appointment_early_minutes * 60
        if (appt.slot_start - now).total_seconds() > early:
            raise Conflict(_("签到过早，请在预约时段前%(m)d分钟内签到") % {"m": hall.appointment_early_minutes},
                           code="appointment_too_early")
        # Until the slot's end plus the grace period; after that it is a no-show (mark_no_shows).
        if now > appt.slot_end + timedelta(minutes=hall.no_show_grace_minutes):
            raise Conflict(_("已过预约时段，请普通取号"), code="appointment_missed")
        result = issue_ticket(hall, appt.service, priority=Priority.APPOINTMENT, channel=Channel.APPOINTMENT,
                              actor=actor, now=now, appointment=appt)
        appt.status, appt.closed_at = Appointment.Status.CHECKED_IN, now
        appt.save(update_fields=["status", "closed_at"])
    return result


def cancel_ticket(ticket, *, actor=None, now=None) -> Ticket:
    now = now or clock_now()
    with transaction.atomic(), events.batch():
        ticket = Ticket.objects.select_for_update(of=("self",)).select_related("service", "window").get(pk=ticket.pk)
        if ticket.status != TicketStatus.WAITING:
            raise Conflict(_("只能取消等候中的号"), code="not_waiting")
        ticket.status = TicketStatus.CANCELLED
        ticket.finished_at = now
        ticket.save(update_fields=["status", "finished_at"])
        events.record(ticket.hall_id, "ticket.cancelled", {"ticket": ticket_dict(ticket)}, actor, now)
    return ticket


def close_day(hall, *, actor=None, now=None) -> int:
    """日终: unserved tickets of past days expire (nothing is deleted); windows close and staff sign out;
    bookings past their slot and grace become no-shows."""
    now = now or clock_now()
    today = local_day(now)
    with transaction.atomic(), events.batch():
        mark_no_shows(hall, actor=actor, now=now)
        open_statuses = [TicketStatus.WAITING, TicketStatus.CALLED, TicketStatus.SERVING, TicketStatus.SKIPPED]
        expired = Ticket.objects.filter(hall=hall, day__lt=today, status__in=open_statuses).update(
            status=TicketStatus.EXPIRED
        )
        stale_windows = list(
            Window.objects.select_for_update().filter(hall=hall).exclude(state=WindowState.CLOSED, staff__isnull=True)
        )
        for w in stale_windows:
            if w.state_since and local_day(w.state_since) >= today:
                continue
            set_window_state(w, WindowState.CLOSED, actor, now, staff=None, pause_reason="", stand_in="")
        if expired:
            events.record(hall.pk, "tickets.expired", {"count": expired, "before": today.isoformat()}, actor, now)
    return expired
