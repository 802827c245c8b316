"""Calling (叫号) and everything that happens to a called ticket.

Which ticket call_next takes is the call order of hallops.core.order (priority classes, due
appointments, the window's preferences, transfers, starvation and the bound on every wait).

Choosing is one statement that probes the head of every queue the window may call and sorts the
heads, so its cost does not grow with the queue; it locks nothing. Only the ticket taken is then
claimed: on PostgreSQL with SELECT … FOR UPDATE SKIP LOCKED in the same statement, so two windows
never claim the same ticket, never wait for each other, and a window never skips a ticket another
one merely looked at; when the chosen ticket was taken meanwhile, the probe runs again without it.
SQLite serialises writers with BEGIN IMMEDIATE, so there the claim cannot lose.
"""

from datetime import timedelta

from django.db import connection, transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from .. import announcement, events, order
from ..clock import local_day
from ..clock import now as clock_now
from ..errors import Conflict, Invalid, NotFound
from ..models import Service, SkipPolicy, Ticket, TicketStatus, Window, WindowState
from ..models.ticket import ACTIVE_STATUSES
from ..read.services import SERVICE_REF
from ..read.tickets import ticket_dict
from ..read.windows import WINDOW_BRIEF, WINDOW_REF, window_dict
from .claims import FINISH_SET, change_current, claim_next
from .filing import filing_fields
from .windows import locked_window, set_window_state


def _mark_called(ticket, window, actor, now, *, designated=False):
    ticket.status = TicketStatus.CALLED
    ticket.called_at = now
    ticket.window = window
    ticket.staff_id = window.staff_id or getattr(getattr(actor, "user", None), "pk", None)
    ticket.save(update_fields=["status", "called_at", "window", "staff"])
    set_window_state(window, WindowState.SERVING, actor, now)
    _record_call(ticket, window, actor, now, designated=designated)
    return ticket


def _record_call(ticket, window, actor, now, *, designated=False):
    hall = window.hall
    payload = {
        "ticket": ticket_dict(ticket),
        "number": ticket.number,
        "service": SERVICE_REF.of(ticket.service),
        "window": WINDOW_BRIEF.of(window),
        "recall_count": ticket.recall_count,
        "designated": designated,
        "announcement": announcement.render(hall.announcement_template, number=ticket.number,
                                            window=window.number, service=ticket.service.name),
    }
    events.record(window.hall_id, "ticket.called", payload, actor, now)


def _current(window, *statuses):
    return (
        Ticket.objects.select_for_update(of=("self",)).select_related("service", "window")
        .filter(window=window, status__in=statuses or ACTIVE_STATUSES).order_by("-called_at").first()
    )


def _free_window(window, actor, now):
    """空闲 after the current ticket ended; written already on PostgreSQL by change_current."""
    set_window_state(window, WindowState.OPEN, actor, now, written=connection.vendor == "postgresql")


def _no_called_ticket():
    return Conflict(_("当前没有已叫的号"), code="no_called_ticket")


def _finish_current(window, actor, now, statuses, *, free_window=True, filing=None):
    filing = filing or {}
    extra = "".join(f', "{Ticket._meta.get_field(k).column}" = %s' for k in filing)
    ticket = change_current(
        window, FINISH_SET + extra,
        [now, now, *filing.values()], statuses, free_window_at=now if free_window else None)
    if ticket is not None:
        _record_finished(ticket, window, actor, now)
        if free_window:
            _free_window(window, actor, now)
    return ticket


def _record_finished(ticket, window, actor, now):
    events.record(window.hall_id, "ticket.finished", {
        "ticket": ticket_dict(ticket), "window": WINDOW_REF.of(window),
    }, actor, now)


def _ready_to_call(window, actor, now):
    """Whether the window may call; 下一位 while a matter is being handled closes it first.

    A window is 空闲 exactly when it has no called or serving ticket (every action that ends its
    ticket frees it, and one is only called by an open window), so an open window skips the look.
    """
    if window.state not in (WindowState.OPEN, WindowState.SERVING):
        raise Conflict(_("窗口未开放，不能叫号"), code="window_not_open")
    if window.state == WindowState.SERVING:
        if _finish_current(window, actor, now, [TicketStatus.SERVING], free_window=False) is None:
            current = _current(window, TicketStatus.CALLED)
            if current is not None:
                raise Conflict(_("请先开始办理或过号当前号 %(n)s") % {"n": current.number}, code="ticket_in_progress")


def call_next(window, *, actor=None, now=None):
    """叫号: claim the next ticket for the window (hallops.core.order), or None when nobody waits."""
    now = now or clock_now()
    with transaction.atomic(), events.batch():
        window = locked_window(window)
        staff_id = window.staff_id or getattr(getattr(actor, "user", None), "pk", None)
        day, bounds = local_day(now), order.Bounds.of(window.hall, now)
        finished = None
        if window.state == WindowState.SERVING and connection.vendor == "postgresql":
            # 下一位: finish the matter being handled and claim the next in one statement.
            ticket, finished = claim_next(window, day, bounds, staff_id, finish_at=now)
            if finished is not None:
                _record_finished(finished, window, actor, now)
        if finished is None:
            _ready_to_call(window, actor, now)
            ticket, _ = claim_next(window, day, bounds, staff_id)
        if ticket is None:
            set_window_state(window, WindowState.OPEN, actor, now)  # 下一位 with nobody left
            return None
        ticket.status, ticket.called_at, ticket.window, ticket.staff_id = TicketStatus.CALLED, now, window, staff_id
        set_window_state(window, WindowState.SERVING, actor, now, written=connection.vendor == "postgresql")
        _record_call(ticket, window, actor, now)
        return ticket


def call_number(window, number: str, *, actor=None, now=None):
    """指定叫号: call a given waiting (or skipped) number of today."""
    now = now or clock_now()
    number = (number or "").strip().upper()
    if not number:
        raise Invalid(_("请输入号码"), code="number_required")
    with transaction.atomic(), events.batch():
        window = locked_window(window)
        _ready_to_call(window, actor, now)
        ticket = (
            Ticket.objects.select_for_update(of=("self",)).select_related("service")
            .filter(hall_id=window.hall_id, day=local_day(now), number=number)
            .exclude(status=TicketStatus.TRANSFERRED).first()
        )
        if ticket is None:
            raise NotFound(_("今日没有号码 %(n)s") % {"n": number}, code="ticket_not_found")
        if ticket.status not in (TicketStatus.WAITING, TicketStatus.SKIPPED):
            raise Conflict(_("%(n)s 当前不在等候") % {"n": number}, code="ticket_not_waiting")
        if ticket.status == TicketStatus.SKIPPED and window.hall.skip_policy == SkipPolicy.VOID:
            raise Conflict(_("本大厅过号作废，请重新取号"), code="skipped_void")
        if ticket.target_window_id and ticket.target_window_id != window.pk:
            raise Conflict(_("该号已转给%(w)s号窗口") % {"w": ticket.target_window.number}, code="transferred_elsewhere")
        serves = window.window_services.filter(service_id=ticket.service_id).exists()
        if not serves and ticket.target_window_id != window.pk:
            raise Conflict(_("本窗口不办理该事项"), code="service_not_served")
        return _mark_called(ticket, window, actor, now, designated=True)


def recall(window, *, actor=None, now=None):
    """重呼: announce the called number again, up to the hall's number of recalls."""
    now = now or clock_now()
    with transaction.atomic(), events.batch():
        window = locked_window(window)
        limit = window.hall.skip_recall_limit
        ticket = change_current(window, "recall_count = recall_count + 1", [], [TicketStatus.CALLED],
                                 unless=" AND recall_count < %s", unless_params=[limit])
        if ticket is None:
            if _current(window, TicketStatus.CALLED) is None:
                raise _no_called_ticket()
            raise Conflict(_("已重呼%(n)d次，请过号") % {"n": limit}, code="recall_limit")
        _record_call(ticket, window, actor, now)
        return ticket


def skip_allowed_at(ticket, hall):
    """When a called ticket may be skipped: the hall's grace period after the (first) call."""
    return ticket.called_at + timedelta(minutes=hall.skip_grace_minutes)


def skip(window, *, actor=None, now=None):
    """过号: the citizen did not come within the grace period; the window is free again."""
    now = now or clock_now()
    with transaction.atomic(), events.batch():
        window = locked_window(window)
        hall = window.hall
        ticket = change_current(window, "status = 'skipped'", [], [TicketStatus.CALLED],
                                 unless=" AND called_at <= %s",
                                 unless_params=[now - timedelta(minutes=hall.skip_grace_minutes)],
                                 free_window_at=now)
        if ticket is None:
            called = _current(window, TicketStatus.CALLED)
            if called is None:
                raise _no_called_ticket()
            allowed_at = skip_allowed_at(called, hall)
            wait_s = int((allowed_at - now).total_seconds()) + 1
            raise Conflict(_("叫号后%(m)d分钟内不能过号，还需等候%(s)d秒") % {"m": hall.skip_grace_minutes, "s": wait_s},
                           code="skip_too_early", retry_after_s=wait_s)
        events.record(window.hall_id, "ticket.skipped", {"ticket": ticket_dict(ticket), "policy": hall.skip_policy},
                      actor, now)
        _free_window(window, actor, now)
        return ticket


def requeues_used(ticket) -> int:
    """Requeues counted against the daily limit: per citizen where the citizen is known (an
    appointment names them by phone), else per ticket. A transfer carries its count on, so the
    transferred-away rows are left out."""
    appt = ticket.appointment
    if appt is None or not (appt.phone_hash or appt.citizen_phone):
        return ticket.requeue_count
    # Online bookings keep the phone masked (two citizens may share 138****1234) and keyed: compare
    # the keyed hash; bookings entered before that have only the phone as given.
    same = ({"appointment__phone_hash": appt.phone_hash} if appt.phone_hash
            else {"appointment__citizen_phone": appt.citizen_phone})
    used = (Ticket.objects.filter(hall_id=ticket.hall_id, day=ticket.day, **same)
            .exclude(status=TicketStatus.TRANSFERRED).aggregate(n=Sum("requeue_count"))["n"])
    return used or 0


def requeue(ticket, *, actor=None, now=None):
    """过号重排: a skipped citizen who comes back re-enters the line as the hall's policy says —
    a set number of places behind the head (requeue), at the tail (tail), or not at all (void)."""
    now = now or clock_now()
    with transaction.atomic(), events.batch():
        ticket = (Ticket.objects.select_for_update(of=("self",))
                  .select_related("service", "hall", "window", "appointment").get(pk=ticket.pk))
        hall = ticket.hall
        if ticket.status != TicketStatus.SKIPPED:
            raise Conflict(_("只有过号的号可以重排"), code="not_skipped")
        if hall.skip_policy == SkipPolicy.VOID:
            raise Conflict(_("本大厅过号作废，请重新取号"), code="skipped_void")
        if ticket.day != local_day(now):
            raise Conflict(_("过号已超过当日，请重新取号"), code="ticket_expired")
        if requeues_used(ticket) >= hall.skip_daily_limit:
            raise Conflict(_("过号重排次数已用完，请重新取号"), code="requeue_limit")
        ahead = []
        if hall.skip_policy == SkipPolicy.REQUEUE:
            ahead = list(
                Ticket.objects.filter(service_id=ticket.service_id, day=ticket.day, status=TicketStatus.WAITING,
                                      rank=ticket.rank, target_window__isnull=True)
                .order_by("queue_at").values_list("queue_at", flat=True)[: hall.skip_requeue_places]
            )
        # Just behind the N-th waiting ticket, or at the tail when fewer wait (or the policy says tail).
        ticket.queue_at = (ahead[-1] + timedelta(microseconds=1)) if ahead else now
        ticket.status = TicketStatus.WAITING
        ticket.requeue_count += 1
        ticket.window = None
        ticket.called_at = None
        ticket.save(update_fields=["queue_at", "status", "requeue_count", "window", "called_at"])
        events.record(hall.pk, "ticket.requeued", {"ticket": ticket_dict(ticket), "places": len(ahead),
                                                   "policy": hall.skip_policy}, actor, now)
        return ticket


def start(window, *, actor=None, now=None):
    """开始办理."""
    now = now or clock_now()
    with transaction.atomic(), events.batch():
        window = locked_window(window)
        ticket = change_current(window, "status = 'serving', started_at = %s", [now], [TicketStatus.CALLED])
        if ticket is None:
            raise _no_called_ticket()
        events.record(window.hall_id, "ticket.started", {"ticket": ticket_dict(ticket)}, actor, now)
        return ticket


def finish(window, *, filing_number=None, applicant_type=None, actor=None, now=None):
    """办结: the matter is done; the window's evaluation pad asks the citizen to rate it.

    The business system's 办件编号 and the applicant type may be given here or later (set_filing).
    """
    now = now or clock_now()
    filing = filing_fields(filing_number, applicant_type)
    with transaction.atomic(), events.batch():
        window = locked_window(window)
        ticket = _finish_current(window, actor, now, list(ACTIVE_STATUSES), filing=filing)
        if ticket is None:
            raise Conflict(_("当前没有办理中的号"), code="no_active_ticket")
        return ticket


def transfer_targets(hall_id, *, service_code=None, window_id=None):
    """The matter and/or window a transfer names, looked up inside the hall (None where not named)."""
    service = to_window = None
    if service_code is not None:
        service = Service.objects.filter(hall_id=hall_id, code=service_code).first()
        if service is None:
            raise Invalid(_("事项不属于本大厅"), code="service_not_found")
    if window_id is not None:
        to_window = Window.objects.filter(hall_id=hall_id, pk=window_id).first()
        if to_window is None:
            raise Invalid(_("窗口不属于本大厅"), code="window_not_found")
    return service, to_window


def transfer(window, *, service=None, to_window=None, actor=None, now=None):
    """转移: hand the current citizen to another matter or window, keeping their original place in line."""
    now = now or clock_now()
    if service is None and to_window is None:
        raise Invalid(_("请指定转往的事项或窗口"), code="transfer_target_required")
    with transaction.atomic(), events.batch():
        window = locked_window(window)
        ticket = _current(window)
        if ticket is None:
            raise Conflict(_("当前没有办理中的号"), code="no_active_ticket")
        target_service = service or ticket.service
        if target_service.hall_id != window.hall_id:
            raise Invalid(_("事项不属于本大厅"), code="service_not_found")
        if to_window is not None:
            if to_window.hall_id != window.hall_id:
                raise Invalid(_("窗口不属于本大厅"), code="window_not_found")
            if to_window.pk == window.pk:
                raise Invalid(_("不能转给本窗口"), code="transfer_to_self")
        ticket.status = TicketStatus.TRANSFERRED
        ticket.finished_at = now
        ticket.save(update_fields=["status", "finished_at"])
        moved = Ticket.objects.create(
            hall_id=ticket.hall_id, service=target_service, day=ticket.day, number=ticket.number,
            priority=ticket.priority, rank=ticket.rank, channel=ticket.channel, status=TicketStatus.WAITING,
            queue_at=min(ticket.queue_at, ticket.issued_at), issued_at=ticket.issued_at,
            target_window=to_window, transferred_from=ticket, requeue_count=ticket.requeue_count,
        )
        events.record(window.hall_id, "ticket.transferred", {
            "from": ticket_dict(ticket), "ticket": ticket_dict(moved),
            "to_window": window_dict(to_window) if to_window else None,
        }, actor, now)
        set_window_state(window, WindowState.OPEN, actor, now)
        return moved


def chain(ticket):
    """The chain of transfers that led to this ticket, oldest first."""
    out = [ticket]
    while out[0].transferred_from_id:
        out.insert(0, Ticket.objects.get(pk=out[0].transferred_from_id))
    return out

