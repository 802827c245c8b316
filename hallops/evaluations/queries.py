"""Reading cases: the filtered list a supervisor, a lobby manager or window staff sees."""

from hallops.core.errors import Invalid
from django.utils.translation import gettext as _

from . import workflow
from .models import Case, CaseKind, CaseStatus
from .serializers import case_dict, cases_with_relations


def _bool(value):
    if value in (None, ""):
        return None
    if str(value).lower() in ("1", "true", "yes"):
        return True
    if str(value).lower() in ("0", "false", "no"):
        return False
    raise Invalid(_("overdue 须为 true 或 false"), code="invalid_filter")


def filtered_cases(hall, *, scope, user=None, kind=None, status=None, window=None, department=None,
                   overdue=None, today=None):
    """The case queryset for the filters (kind, status, window id, department code, overdue)."""
    qs = Case.objects.filter(hall=hall)
    if scope == "window":
        # Window staff: the cases of the window they are signed in at, nothing else.
        qs = qs.filter(window__staff_id=user.pk)
    if kind:
        if kind not in CaseKind.values:
            raise Invalid(_("未知的工单类型"), code="invalid_filter")
        qs = qs.filter(kind=kind)
    if status:
        if status not in CaseStatus.values:
            raise Invalid(_("未知的工单状态"), code="invalid_filter")
        qs = qs.filter(status=status)
    if window:
        try:
            qs = qs.filter(window_id=int(window))
        except (TypeError, ValueError):
            raise Invalid(_("窗口须为编号"), code="invalid_filter") from None
    if department:
        qs = qs.filter(department__code=department)
    flag = _bool(overdue)
    if flag is True:
        qs = qs.filter(workflow.overdue_q(today))
    elif flag is False:
        qs = qs.exclude(workflow.overdue_q(today))
    return qs


PER_PAGE = 50


def _page_number(value) -> int:
    if value in (None, ""):
        return 1
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if number < 1:
        raise Invalid(_("页码须为正整数"), code="invalid_page")
    return number


def case_page(hall, today, *, scope, user=None, page=1, per_page=None, **filters) -> dict:
    """One page of the filtered cases, newest first, with the count and the number of pages: a hall's
    cases only grow, and a list cut at a fixed length would hide the older ones without a word.
    A page past the last one gives the last one."""
    per_page = per_page or PER_PAGE
    qs = filtered_cases(hall, scope=scope, user=user, today=today, **filters).order_by("-opened_at", "-pk")
    count = qs.count()
    pages = max(1, -(-count // per_page))
    page = min(_page_number(page), pages)
    start = (page - 1) * per_page
    items = [case_dict(c, today, identity=scope == "hall")
             for c in cases_with_relations(qs[start:start + per_page])] if count else []
    return {"items": items, "count": count, "page": page, "pages": pages, "per_page": per_page}
