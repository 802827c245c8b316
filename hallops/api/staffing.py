"""/halls/{hall}/staffing/: how many windows each group needs, now, today and tomorrow (Erlang C)."""

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from hallops.core import actors
from hallops.core.errors import Invalid
from hallops.core.lookups import hall_by_code
from hallops.staffing.advice import hall_staffing

from .auth import actor_of
from .errors import error_responses

router = Router(tags=["staffing"])


class StaffingQuery(Schema):
    what_if: list[str] = []  # "GROUPKEY:N", repeatable: the outcome with N open windows


def _what_if(items):
    out = {}
    for item in items:
        key, sep, n = item.rpartition(":")
        if not sep or not n.isdigit() or not 0 <= int(n) <= 500:
            raise Invalid(_("what_if 的格式为 分组:窗口数"), code="bad_what_if")
        out[key] = int(n)
    return out


@router.get("/{hall}/staffing/", response={200: dict, **error_responses(401, 403, 404, 422)},
            summary="Staffing advice per window group (lobby managers, supervisors)")
def staffing(request, hall: str, q: Query[StaffingQuery]):
    h = hall_by_code(hall)
    actors.authorize_dashboard(actor_of(request), h.pk)
    return hall_staffing(h, what_if=_what_if(q.what_if))
