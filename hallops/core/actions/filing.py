"""办件编号 and applicant type of a finished visit: what provincial 好差评 platforms key a rating on.

Given at 办结, or later by the window's business system through the API (it often numbers the
matter only after the citizen has left).
"""

from django.db import transaction
from django.utils.translation import gettext as _

from .. import events
from ..clock import now as clock_now
from ..errors import Conflict, Invalid
from ..models import ApplicantType, Ticket, TicketStatus

FILING_NUMBER_MAX = 64


def filing_fields(filing_number=None, applicant_type=None) -> dict:
    """The checked fields to store; None leaves a field as it is."""
    out = {}
    if filing_number is not None:
        filing_number = str(filing_number).strip()
        if len(filing_number) > FILING_NUMBER_MAX or any(c.isspace() for c in filing_number):
            raise Invalid(_("办件编号不能含空格，且不超过%(n)d位") % {"n": FILING_NUMBER_MAX}, code="invalid_filing_number")
        out["filing_number"] = filing_number
    if applicant_type is not None and applicant_type != "":
        if applicant_type not in ApplicantType.values:
            raise Invalid(_("申请人类型须为自然人或法人"), code="invalid_applicant_type")
        out["applicant_type"] = applicant_type
    return out


def set_filing(ticket, *, filing_number=None, applicant_type=None, actor=None, now=None) -> Ticket:
    now = now or clock_now()
    fields = filing_fields(filing_number, applicant_type)
    if not fields:
        raise Invalid(_("请填写办件编号或申请人类型"), code="nothing_to_set")
    with transaction.atomic():
        ticket = Ticket.objects.select_for_update(of=("self",)).select_related("service", "window").get(pk=ticket.pk)
        if ticket.status != TicketStatus.DONE:
            raise Conflict(_("办结后才能登记办件编号"), code="not_finished")
        for k, v in fields.items():
            setattr(ticket, k, v)
        ticket.save(update_fields=list(fields))
        events.record(ticket.hall_id, "ticket.filed", {
            "ticket": {"id": str(ticket.pk), "number": ticket.number}, **fields,
        }, actor, now)
    return ticket
