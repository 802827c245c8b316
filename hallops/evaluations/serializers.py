"""One projection of a case, used by the API, the pages and the events.

`identity=False` is what window staff get: no rater's name or phone anywhere (GB/T 39734:
the rated staff never learn who rated them).
"""

from django.db.models import Prefetch

from hallops.core.read.projection import iso
from hallops.core.read.windows import window_brief

from . import workflow
from .models import Case, CaseStep


def cases_with_relations(qs=None):
    """The queryset every case list reads from: two statements, however many cases and steps."""
    qs = Case.objects.all() if qs is None else qs
    return qs.select_related("ticket", "window", "department", "service", "evaluation", "staff__staff").prefetch_related(
        Prefetch("steps", queryset=CaseStep.objects.select_related("by__staff").order_by("at", "pk")))


def _person(user):
    if user is None:
        return None
    profile = getattr(user, "staff", None)
    return {"username": user.get_username(), "name": profile.display_name if profile else user.get_username()}


def step_dict(s) -> dict:
    return {"step": s.step, "label": str(workflow.STEP_LABELS.get(s.step, s.step)), "by": _person(s.by),
            "at": iso(s.at), "note": s.note, "data": s.data, "picture": s.picture.url if s.picture else None}


def case_brief(case) -> dict:
    """What a hall event carries: enough for a dashboard to update, nothing about the rater."""
    return {"id": case.pk, "kind": case.kind, "status": case.status, "window": window_brief(case.window),
            "due": case.due.isoformat(), "follow_up_due": case.follow_up_due.isoformat()}


def case_dict(case, today, *, identity: bool) -> dict:
    e = case.evaluation
    body = {
        "id": case.pk, "kind": case.kind, "kind_label": case.get_kind_display(), "status": case.status,
        "status_label": case.get_status_display(), "opened_at": iso(case.opened_at),
        "follow_up_due": case.follow_up_due.isoformat(), "due": case.due.isoformat(),
        "overdue": workflow.is_overdue(case, today),
        "ticket": ({"id": str(case.ticket.pk), "number": case.ticket.number, "day": case.ticket.day.isoformat()}
                   if case.ticket else None),
        "window": window_brief(case.window),
        "department": {"code": case.department.code, "name": case.department.name} if case.department else None,
        "service": {"code": case.service.code, "name": case.service.name} if case.service else None,
        "staff": _person(case.staff),
        "external_number": case.external_number,
        "description": case.description,
        "evaluation": ({"level": e.level, "source": e.source, "reasons": e.reasons, "comment": e.comment,
                        "excluded": e.excluded, "rated_at": iso(e.created_at)} if e else None),
        "verdict": case.verdict, "satisfaction": case.satisfaction,
        "next_steps": list(workflow.allowed_steps(case.status)),
        "steps": [step_dict(s) for s in case.steps.all()],
    }
    if identity:
        name = case.contact_name or (e.contact_name if e else "")
        phone = case.contact_phone or (e.contact_phone if e else "")
        body["contact"] = {"name": name, "phone": phone}
    return body
