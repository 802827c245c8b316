"""/halls/{hall}/cases/ and /cases/{id}/…: cases (工单). Each view finds, authorizes, calls one action."""

from django.utils.translation import gettext as _
from ninja import Router, Status

from hallops.core import actors
from hallops.core.clock import local_day
from hallops.core.clock import now as clock_now
from hallops.core.errors import Forbidden, Invalid, NotFound
from hallops.core.lookups import hall_by_code, ticket_by_id
from hallops.core.models import Department, Service, Window
from hallops.evaluations import cases as case_actions
from hallops.evaluations import pictures
from hallops.evaluations.models import Case
from hallops.evaluations.queries import case_page
from hallops.evaluations.serializers import case_dict, cases_with_relations

from .auth import actor_of
from .case_schemas import CaseIn, CaseList, CaseOut, StepIn
from .errors import error_responses
from .schemas import Id

hall_router = Router(tags=["cases"])
router = Router(tags=["cases"])


@hall_router.get("/{hall}/cases/", response={200: CaseList, **error_responses(401, 403, 404, 422)},
                 summary="工单: lobby managers and supervisors see all; window staff their window's, without the rater")
def list_cases(request, hall: str, kind: str = "", status: str = "", overdue: str = "", window: str = "",
               department: str = "", page: str = ""):
    hall = hall_by_code(hall)
    actor = actor_of(request)
    scope = actors.case_scope(actor, hall.pk)
    today = local_day(clock_now())
    return case_page(hall, today, scope=scope, user=actor.user, kind=kind, status=status, overdue=overdue,
                     window=window, department=department, page=page)


def _in_hall(model, of_hall, **lookup):
    if not any(v is not None for v in lookup.values()):
        return None
    obj = model.objects.filter(**lookup).first()
    if obj is None or getattr(obj, "hall_id", of_hall.pk) != of_hall.pk:
        raise Invalid(_("%(what)s不属于本大厅") % {"what": model._meta.verbose_name}, code="not_in_hall")
    return obj


@hall_router.post("/{hall}/cases/", response={201: CaseOut, **error_responses(401, 403, 404, 409, 422)},
                  summary="Open a 办不成事, 12345 or 帮办代办 case (bad-rating cases open by themselves)")
def open_case(request, hall: str, payload: CaseIn):
    hall = hall_by_code(hall)
    actor = actor_of(request)
    actors.authorize_open_case(actor, hall.pk)
    ticket = ticket_by_id(payload.ticket) if payload.ticket else None
    if ticket is not None and ticket.hall_id != hall.pk:
        raise Invalid(_("号票不属于本大厅"), code="not_in_hall")
    window = _in_hall(Window, hall, pk=payload.window)
    service = _in_hall(Service, hall, hall=hall, code=payload.service) if payload.service else None
    department = _in_hall(Department, hall, code=payload.department) if payload.department else None
    case = case_actions.open_case(
        hall, payload.kind, ticket=ticket, window=window, service=service, department=department,
        external_number=payload.external_number, description=payload.description,
        contact_name=payload.contact_name, contact_phone=payload.contact_phone, actor=actor)
    return Status(201, _reply(case, actor))


def _case_or_404(case_id) -> Case:
    case = Case.objects.select_related("hall").filter(pk=case_id).first()
    if case is None:
        raise NotFound(_("没有该工单"), code="case_not_found")
    return case


def _reply(case, actor):
    scope = actors.case_scope(actor, case.hall_id)
    case = cases_with_relations().get(pk=case.pk)
    return case_dict(case, local_day(clock_now()), identity=scope == "hall")


def _visible(actor, case):
    scope = actors.case_scope(actor, case.hall_id)
    if scope == "window" and (case.window is None or case.window.staff_id != actor.user.pk):
        raise Forbidden(_("只能查看本窗口的工单"))


@router.get("/{case_id}/", response={200: CaseOut, **error_responses(401, 403, 404)}, summary="One case")
def case_detail(request, case_id: Id):
    actor = actor_of(request)
    case = cases_with_relations().filter(pk=case_id).first()
    if case is None:
        raise NotFound(_("没有该工单"), code="case_not_found")
    _visible(actor, case)
    return case_dict(case, local_day(clock_now()), identity=actors.case_scope(actor, case.hall_id) == "hall")


@router.post("/{case_id}/steps/", response={200: CaseOut, **error_responses(401, 403, 404, 409, 422)},
             summary="Take the case's next step; out of order → 409 step_out_of_order (details.allowed)")
def take_step(request, case_id: Id, payload: StepIn):
    case = _case_or_404(case_id)
    actor = actor_of(request)
    actors.authorize_case_step(actor, case, payload.step)
    case = case_actions.take_step(
        case, payload.step, note=payload.note, verdict=payload.verdict, decision=payload.decision,
        result=payload.result, satisfaction=payload.satisfaction, picture=pictures.from_data_url(payload.picture), actor=actor)
    return _reply(case, actor)
