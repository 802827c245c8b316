"""Priority classes (优先类别): which ones a citizen may choose at the kiosk, and upgrades by staff.

Classes that need proof (军人依法优先, 残疾人, 绿色通道) are not self-declared: the hall lists the
classes its kiosks offer, and window staff or the guide (导办) change a waiting ticket's class
after seeing the papers, with the reason on record.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from .. import events
from ..clock import now as clock_now
from ..errors import Conflict, Invalid
from ..models import Channel, Priority, Ticket, TicketStatus
from ..models.ticket import PRIORITY_RANK
from ..read.tickets import ticket_dict

# A ticket's class is never changed to "appointment": that one comes only from a checked-in booking.
STAFF_CLASSES = [p for p in Priority.values if p != Priority.APPOINTMENT]


def kiosk_priorities(hall) -> list[str]:
    """The classes the hall's kiosks offer, in the order of Priority; "normal" always among them."""
    allowed = set(hall.kiosk_priorities or []) | {Priority.NORMAL}
    return [p for p in STAFF_CLASSES if p in allowed]


def check_self_declared(hall, priority, channel):
    """A citizen taking a number alone (kiosk, online) may only pick what the hall allows there."""
    if channel in (Channel.KIOSK, Channel.ONLINE) and priority not in kiosk_priorities(hall):
        raise Invalid(_("该人群类别须由窗口人员或导办核验后设置"), code="priority_needs_proof")


def change_priority(ticket, priority, *, reason, actor=None, now=None) -> Ticket:
    """改为优先: staff or the guide set a waiting ticket's class, with a reason, keeping its place in time."""
    now = now or clock_now()
    reason = (reason or "").strip()
    if priority not in STAFF_CLASSES:
        raise Invalid(_("未知的优先类别：%(p)s") % {"p": priority}, code="invalid_priority")
    if not reason:
        raise Invalid(_("请填写变更原因（如已核验的证件）"), code="reason_required")
    with transaction.atomic(), events.batch():
        ticket = Ticket.objects.select_for_update(of=("self",)).select_related("service", "window").get(pk=ticket.pk)
        if ticket.status != TicketStatus.WAITING:
            raise Conflict(_("只能变更等候中的号"), code="not_waiting")
        if ticket.priority == Priority.APPOINTMENT:
            raise Conflict(_("预约号已按预约时段优先"), code="appointment_ticket")
        if ticket.priority == priority:
            raise Conflict(_("该号已是此类别"), code="priority_unchanged")
        before = ticket.priority
        ticket.priority, ticket.rank = priority, PRIORITY_RANK[priority]
        ticket.priority_reason = reason[:120]
        ticket.save(update_fields=["priority", "rank", "priority_reason"])
        events.record(ticket.hall_id, "ticket.priority_changed", {
            "ticket": ticket_dict(ticket), "from": before, "to": priority, "reason": ticket.priority_reason,
        }, actor, now)
    return ticket
