"""好差评: one rating per ticket, from the window's evaluation pad."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from .. import events
from ..clock import now as clock_now
from ..errors import Conflict, Invalid
from ..models import Evaluation, EvaluationLevel, Ticket, TicketStatus
from ..read.windows import WINDOW_REF


def record_evaluation(window, level, *, ticket=None, source=Evaluation.Source.PAD, indicators=None,
                      device=None, actor=None, now=None):
    """Rate the ticket just finished at the window (or a given one). A repeat press does not count twice.

    Returns (evaluation, created).
    """
    now = now or clock_now()
    try:
        level = int(level)
    except (TypeError, ValueError):
        level = 0
    if level not in EvaluationLevel.values:
        raise Invalid(_("评价等级须为 1 到 5"), code="invalid_level")
    with transaction.atomic():
        if ticket is None:
            ticket = (
                Ticket.objects.filter(window=window, status=TicketStatus.DONE)
                .order_by("-finished_at").select_related("service").first()
            )
            if ticket is None:
                raise Conflict(_("本窗口还没有办结的号"), code="nothing_to_rate")
        elif ticket.window_id != window.pk or ticket.status != TicketStatus.DONE:
            raise Conflict(_("只能评价本窗口办结的号"), code="not_rateable")
        existing = Evaluation.objects.filter(ticket=ticket).first()
        if existing is not None:
            return existing, False
        try:
            with transaction.atomic():
                evaluation = Evaluation.objects.create(
                    ticket=ticket, hall_id=ticket.hall_id, window=window, staff_id=ticket.staff_id,
                    service_id=ticket.service_id, level=level, indicators=indicators or {}, source=source,
                    device=device, created_at=now,
                )
        except IntegrityError:  # a concurrent press of the same pad won the race
            return Evaluation.objects.get(ticket=ticket), False
        events.record(ticket.hall_id, "evaluation.recorded", {
            "ticket": {"id": str(ticket.pk), "number": ticket.number},
            "window": WINDOW_REF.of(window),
            "level": level, "bad": evaluation.is_bad,
        }, actor, now)
    return evaluation, True
