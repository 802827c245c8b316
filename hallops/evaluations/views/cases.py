"""Case pages (工单): the list with its filters, one case with the form for its next step, opening one.

Views are thin: they parse the form, authorize through hallops.core.actors and call cases.py.
"""

from urllib.parse import urlencode

from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from hallops.core import actors
from hallops.core.clock import local_day
from hallops.core.clock import now as clock_now
from django.http import Http404

from hallops.core.errors import Forbidden, HallopsError
from hallops.core.models import Department, Window
from hallops.pages import hall_page, refuse

from .. import cases as case_actions
from .. import pictures, workflow
from ..models import Case, CaseKind, CaseStatus
from ..queries import case_page
from ..serializers import case_dict, cases_with_relations
REFUSED = "evaluations/refused.html"

FILTERS = ("kind", "status", "window", "department", "overdue")


def _today():
    return local_day(clock_now())


@hall_page(actors.case_scope, refused=REFUSED)
def case_list(request, hall, actor):
    scope = actors.case_scope(actor, hall.pk)
    today = _today()
    chosen = {k: request.GET.get(k, "") for k in FILTERS}
    error = None
    try:
        listing = case_page(hall, today, scope=scope, user=actor.user, page=request.GET.get("page"), **chosen)
    except HallopsError as e:
        listing, error = {"items": [], "count": 0, "page": 1, "pages": 1}, e.message
    filters = urlencode({k: v for k, v in chosen.items() if v})
    return render(request, "evaluations/cases.html", {
        "title": _("工单"), "hall": hall, "items": listing["items"], "listing": listing, "filters": filters,
        "chosen": chosen, "error": error,
        "scope": scope, "can_open": True,
        "kinds": CaseKind.choices, "statuses": CaseStatus.choices,
        "windows": Window.objects.filter(hall=hall).order_by("number").values("id", "number", "name"),
        "departments": Department.objects.filter(services__hall=hall).distinct().values("code", "name"),
        "open_kinds": [(k, label) for k, label in CaseKind.choices if k != CaseKind.BAD_RATING],
    })


@hall_page(actors.authorize_open_case, refused=REFUSED)
def case_new(request, hall, actor):
    if request.method != "POST":
        return redirect("evaluations:cases", hall=hall.code)
    window = Window.objects.filter(hall=hall, pk=request.POST.get("window") or None).first()
    try:
        case = case_actions.open_case(
            hall, request.POST.get("kind", ""), window=window, description=request.POST.get("description", ""),
            external_number=request.POST.get("external_number", ""), contact_name=request.POST.get("contact_name", ""),
            contact_phone=request.POST.get("contact_phone", ""), actor=actor)
    except HallopsError as e:
        return render(request, "evaluations/message.html", {"title": _("登记工单"), "hall": hall,
                                                             "message": e.message}, status=e.status)
    return redirect("evaluations:case", hall=hall.code, case_id=case.pk)


def _step_forms(case, actor):
    """The next steps this actor may take, each with what its form asks for."""
    out = []
    for step in workflow.allowed_steps(case.status):
        try:
            actors.authorize_case_step(actor, case, step)
        except HallopsError:
            continue
        out.append({
            "step": step, "label": workflow.STEP_LABELS[step],
            "note_required": step in workflow.NOTE_REQUIRED,
            "verdicts": [(v, workflow.VERDICTS[v]) for v in workflow.verdicts_for(case.kind)] if step == "verify" else (),
            "decisions": list(workflow.DECISIONS.items()) if step == "review" else (),
            "results": list(workflow.RESULTS.items()) if step == "follow_up" else (),
            "picture": step == "rectify",
        })
    return out


@hall_page(actors.case_scope, refused=REFUSED)
def case_detail(request, hall, actor, case_id):
    scope = actors.case_scope(actor, hall.pk)
    case = cases_with_relations(Case.objects.filter(hall=hall)).filter(pk=case_id).first()
    if case is None:
        raise Http404(_("没有该工单"))
    if scope == "window" and (case.window is None or case.window.staff_id != actor.user.pk):
        return refuse(request, Forbidden(_("只能查看本窗口的工单")), REFUSED)
    error, status = None, 200
    if request.method == "POST":
        step = request.POST.get("step", "")
        try:
            actors.authorize_case_step(actor, case, step)
        except HallopsError as e:
            return refuse(request, e, REFUSED)
        try:
            case_actions.take_step(
                case, step, note=request.POST.get("note", ""), verdict=request.POST.get("verdict") or None,
                decision=request.POST.get("decision") or None, result=request.POST.get("result") or None,
                satisfaction=request.POST.get("satisfaction") or None,
                picture=pictures.from_upload(request.FILES.get("picture")), actor=actor)
            return redirect("evaluations:case", hall=hall.code, case_id=case.pk)
        except HallopsError as e:
            error, status = e.message, e.status
            case = cases_with_relations().get(pk=case.pk)
    return render(request, "evaluations/case.html", {
        "title": _("工单 #%(id)d") % {"id": case.pk}, "hall": hall, "case": case_dict(case, _today(),
                                                                                       identity=scope == "hall"),
        "forms": _step_forms(case, actor), "error": error, "levels": range(1, 6),
    }, status=status)
