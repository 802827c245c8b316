"""Cases (工单): opening one, and taking it through its steps (see workflow.py for the order).

Each function is one transaction that writes the step row (who, when, note) and records a hall
event; the caller has authorized the actor through hallops.core.actors.
"""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from hallops.core import events
from hallops.core.clock import local_day
from hallops.core.clock import now as clock_now
from hallops.core.errors import Conflict, Invalid

from . import workflow as wf
from .models import Case, CaseKind, CaseStatus, CaseStep
from .policy import deadlines
from .serializers import case_brief

OPENED_BY_STAFF = (CaseKind.UNRESOLVED, CaseKind.HOTLINE, CaseKind.ASSISTED)


def _user(actor):
    return getattr(actor, "user", None)


def open_case(hall, kind, *, evaluation=None, ticket=None, window=None, service=None, department=None,
              external_number="", description="", contact_name="", contact_phone="", actor=None, now=None) -> Case:
    """Open a case; its deadlines are working days from today, by the hall's regional policy."""
    now = now or clock_now()
    if kind not in CaseKind.values:
        raise Invalid(_("未知的工单类型"), code="invalid_kind")
    if kind == CaseKind.BAD_RATING and evaluation is None:
        raise Invalid(_("差评工单由差评自动生成"), code="kind_not_allowed")
    external_number = (external_number or "").strip()
    if kind == CaseKind.HOTLINE and not external_number:
        raise Invalid(_("12345转办工单须填写热线工单号"), code="external_number_required")
    if ticket is not None:
        window = window or ticket.window
        service = service or ticket.service
    if service is not None:
        department = department or service.department
    due, follow_up_due = deadlines(hall, kind, local_day(now))
    with transaction.atomic():
        try:
            with transaction.atomic():
                case = Case.objects.create(
                    hall=hall, kind=kind, evaluation=evaluation, ticket=ticket, window=window,
                    staff_id=(ticket.staff_id if ticket is not None else (window.staff_id if window else None)),
                    service=service, department=department, external_number=external_number,
                    description=(description or "").strip(), contact_name=(contact_name or "").strip()[:40],
                    contact_phone=(contact_phone or "").strip()[:20], opened_at=now, opened_by=_user(actor),
                    due=due, follow_up_due=follow_up_due,
                )
        except IntegrityError:
            raise Conflict(_("该外部工单号已登记"), code="duplicate_external_number") from None
        CaseStep.objects.create(case=case, step=wf.ACCEPT, by=_user(actor), at=now, note=case.description)
        events.record(hall.pk, "case.opened", {"case": case_brief(case)}, actor, now)
    return case


def _require_note(step, note):
    if step in wf.NOTE_REQUIRED and not note:
        raise Invalid(_("请填写%(step)s说明") % {"step": wf.STEP_LABELS[step]}, code="note_required")


def _choice(value, options, code, message):
    if value not in options:
        raise Invalid(message, code=code, allowed=list(options))
    return value


def take_step(case, step, *, note="", verdict=None, decision=None, result=None, satisfaction=None,
              picture=None, actor=None, now=None) -> Case:
    """Apply one step. Out of order is a Conflict `step_out_of_order` naming the steps allowed now."""
    now = now or clock_now()
    if step not in wf.STEPS:
        raise Invalid(_("未知的环节"), code="invalid_step", allowed=list(wf.STEPS))
    if picture is not None and step != wf.RECTIFY:
        raise Invalid(_("只有整改环节可以附图片"), code="picture_not_allowed")
    note = (note or "").strip()
    with transaction.atomic():
        case = Case.objects.select_for_update(of=("self",)).select_related("window", "evaluation").get(pk=case.pk)
        allowed = wf.allowed_steps(case.status)
        if step not in allowed:
            raise Conflict(
                _("工单当前为“%(status)s”，不能进行“%(step)s”") % {"status": case.get_status_display(),
                                                            "step": wf.STEP_LABELS[step]},
                code="step_out_of_order", status=case.status, allowed=list(allowed))
        _require_note(step, note)
        data, today = {}, local_day(now)
        if step == wf.VERIFY:
            data["verdict"] = case.verdict = _choice(verdict, wf.verdicts_for(case.kind), "invalid_verdict",
                                                     _("核实结论须为属实、误评或恶意评价"))
            case.status = CaseStatus.VERIFIED if verdict == wf.VALID else CaseStatus.DISPUTED
        elif step == wf.APPEAL:
            case.status = CaseStatus.APPEALED
        elif step == wf.REVIEW:
            data["decision"] = _choice(decision, wf.DECISIONS, "invalid_decision", _("复核结论须为维持或剔除"))
            if decision == wf.EXCLUDE:
                case.status = CaseStatus.EXCLUDED
                case.evaluation.excluded = True
                case.evaluation.save(update_fields=["excluded"])
            else:
                case.status, case.verdict = CaseStatus.VERIFIED, wf.VALID
        elif step == wf.RECTIFY:
            case.status, case.rectified_on = CaseStatus.RECTIFIED, today
        elif step == wf.FEEDBACK:
            case.status = CaseStatus.ANSWERED
        elif step == wf.FOLLOW_UP:
            data["result"] = _choice(result, wf.RESULTS, "invalid_result", _("回访结果须为已联系或无法联系"))
            if result == wf.REACHED:
                try:
                    satisfaction = int(satisfaction)
                except (TypeError, ValueError):
                    satisfaction = 0
                if not 1 <= satisfaction <= 5:
                    raise Invalid(_("回访满意度须为 1 到 5"), code="invalid_satisfaction")
                data["satisfaction"] = case.satisfaction = satisfaction
            case.status, case.followed_up_on = CaseStatus.FOLLOWED_UP, today
        elif step == wf.CLOSE:
            case.status, case.closed_on = CaseStatus.CLOSED, today
        case.save()
        row = CaseStep(case=case, step=step, by=_user(actor), at=now, note=note, data=data)
        if picture is not None:
            row.picture.save(picture.name, picture, save=False)
        row.save()
        events.record(case.hall_id, "case.step", {"case": case_brief(case), "step": step, **data}, actor, now)
    return case
