"""好差评 from every channel, once per visit (一次一评): the window's pad or tablet, the citizen's
phone through the ticket's tracking page (QR), and a paper form typed in by staff.

The first rating of a visit counts; a later one from any channel is refused with `already_rated`
(a repeat press on the same pad answers with the rating already made). A bad rating (1–2) opens
a case (工单) in the same transaction.
"""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from hallops.core import events
from hallops.core.clock import now as clock_now
from hallops.core.errors import Conflict, Invalid
from hallops.core.models import Evaluation, EvaluationLevel, Ticket, TicketStatus
from hallops.core.read.windows import WINDOW_REF

from .cases import open_case
from .models import CaseKind, IndicatorSet, RatingReason
from .policy import policy_for

Source = Evaluation.Source
# Channels with a screen or a form where the reasons list is shown; a five-key serial pad has none.
REASONS_REQUIRED = {Source.TABLET, Source.QR, Source.PAPER}
COMMENT_MAX = 500


class AlreadyRated(Conflict):
    code = "already_rated"

    def __init__(self, evaluation):
        super().__init__(_("本次办理已评价过，以第一次评价为准"), code=self.code)
        self.evaluation = evaluation


def parse_level(level) -> int:
    try:
        level = int(level)
    except (TypeError, ValueError):
        level = 0
    if level not in EvaluationLevel.values:
        raise Invalid(_("评价等级须为 1 到 5"), code="invalid_level")
    return level


def rating_reasons() -> list[dict]:
    """The configured reasons a bad rating picks from, as rating pages show them."""
    return [{"code": r.code, "text": r.text} for r in RatingReason.objects.filter(active=True)]


def active_indicators():
    return IndicatorSet.objects.filter(active=True).first()


def _check_indicators(indicators):
    if not indicators:
        return {}, ""
    if not isinstance(indicators, dict):
        raise Invalid(_("分项评价格式有误"), code="invalid_indicators")
    current = active_indicators()
    known = {i["code"] for i in current.items} if current else set()
    out = {}
    for code, value in indicators.items():
        if code not in known:
            raise Invalid(_("未知的评价指标：%(code)s") % {"code": code}, code="invalid_indicators")
        out[code] = parse_level(value)
    return out, current.version


def _check_reasons(level, reasons, source):
    reasons = list(dict.fromkeys(reasons or ()))
    if level > EvaluationLevel.DISSATISFIED:
        if reasons:
            raise Invalid(_("只有“不满意”和“非常不满意”需要选择原因"), code="reasons_only_for_bad")
        return []
    known = set(RatingReason.objects.filter(active=True, code__in=reasons).values_list("code", flat=True))
    unknown = [r for r in reasons if r not in known]
    if unknown:
        raise Invalid(_("未知的差评原因：%(codes)s") % {"codes": ", ".join(map(str, unknown))}, code="invalid_reasons")
    if not reasons and source in REASONS_REQUIRED:
        raise Invalid(_("请选择不满意的原因"), code="reasons_required")
    return reasons


def rate(ticket, level, *, source, indicators=None, reasons=(), comment="", contact_name="", contact_phone="",
         entered_by=None, device=None, actor=None, now=None):
    """Record the visit's rating. Raises AlreadyRated when the visit has one; returns the Evaluation."""
    now = now or clock_now()
    level = parse_level(level)
    if source not in Source.values:
        raise Invalid(_("未知的评价渠道"), code="invalid_source")
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise Invalid(_("评价意见不能超过%(n)d字") % {"n": COMMENT_MAX}, code="comment_too_long")
    indicators, version = _check_indicators(indicators)
    reasons = _check_reasons(level, reasons, source)
    with transaction.atomic():
        ticket = Ticket.objects.select_related("service", "window", "hall").get(pk=ticket.pk)
        if ticket.status != TicketStatus.DONE:
            raise Conflict(_("办结后才能评价"), code="not_rateable")
        existing = Evaluation.objects.filter(ticket=ticket).first()
        if existing is not None:
            raise AlreadyRated(existing)
        if source == Source.QR:
            hours = policy_for(ticket.hall).qr_rating_hours
            if now > ticket.finished_at + timedelta(hours=hours):  # as phone_rating() tells the page
                raise Conflict(_("已超过评价期限（办结后%(h)d小时内可评价）") % {"h": hours}, code="rating_period_over")
        try:
            with transaction.atomic():
                evaluation = Evaluation.objects.create(
                    ticket=ticket, hall_id=ticket.hall_id, window=ticket.window, staff_id=ticket.staff_id,
                    service_id=ticket.service_id, level=level, indicators=indicators, indicator_version=version,
                    source=source, device=device, created_at=now, reasons=reasons, comment=comment,
                    contact_name=(contact_name or "").strip()[:40], contact_phone=(contact_phone or "").strip()[:20],
                    entered_by=entered_by,
                )
        except IntegrityError:  # another channel rated the same visit at the same moment
            raise AlreadyRated(Evaluation.objects.get(ticket=ticket)) from None
        events.record(ticket.hall_id, "evaluation.recorded", {
            "ticket": {"id": str(ticket.pk), "number": ticket.number},
            "window": WINDOW_REF.of(ticket.window) if ticket.window else None,
            "level": level, "bad": evaluation.is_bad, "source": source,
        }, actor, now)
        if evaluation.is_bad:
            # 有评必有件: every bad rating becomes a case, in the rating's own transaction.
            open_case(ticket.hall, CaseKind.BAD_RATING, evaluation=evaluation, ticket=ticket, actor=actor, now=now)
    return evaluation


def phone_rating(ticket, now=None):
    """What the ticket's tracking page offers (one place for the period rule): None while the visit is
    not finished; else {"state": "open" | "rated" | "closed", "until": ISO time the period ends}."""
    if ticket.status != TicketStatus.DONE or ticket.finished_at is None:
        return None
    now = now or clock_now()
    until = ticket.finished_at + timedelta(hours=policy_for(ticket.hall).qr_rating_hours)
    if Evaluation.objects.filter(ticket=ticket).exists():
        state = "rated"
    else:
        state = "open" if now <= until else "closed"
    return {"state": state, "until": until.isoformat()}


def record_evaluation(window, level, *, ticket=None, source=Source.PAD, indicators=None, reasons=(), comment="",
                      device=None, actor=None, now=None):
    """The window's pad rates the ticket just finished there (or a given one of that window).

    Returns (evaluation, created); a repeat press answers with the first rating and created=False.
    """
    now = now or clock_now()
    parse_level(level)
    if ticket is None:
        ticket = (Ticket.objects.filter(window=window, status=TicketStatus.DONE)
                  .order_by("-finished_at").only("pk").first())
        if ticket is None:
            raise Conflict(_("本窗口还没有办结的号"), code="nothing_to_rate")
    elif ticket.window_id != window.pk or ticket.status != TicketStatus.DONE:
        raise Conflict(_("只能评价本窗口办结的号"), code="not_rateable")
    existing = Evaluation.objects.filter(ticket=ticket).first()
    if existing is not None:  # a repeat press, whatever it pressed, is answered with the first rating
        return existing, False
    try:
        return rate(ticket, level, source=source, indicators=indicators, reasons=reasons, comment=comment,
                    device=device, actor=actor, now=now), True
    except AlreadyRated as e:
        return e.evaluation, False
