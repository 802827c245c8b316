"""/halls/{hall}/reports/: a day, week or month by hall, zone, matter, window or staff; JSON, CSV or XLSX."""

from django.http import HttpResponse
from ninja import Router

from hallops.core import actors
from hallops.core.lookups import hall_by_code
from hallops.reports.export import to_csv, to_xlsx
from hallops.reports.figures import report
from hallops.reports.params import parse

from .auth import actor_of
from .errors import error_responses

router = Router(tags=["reports"])

CONTENT_TYPES = {"csv": "text/csv; charset=utf-8",
                 "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@router.get("/{hall}/reports/", response={200: dict, **error_responses(401, 403, 404, 422)},
            summary="Report: ?period=day|week|month&date=YYYY-MM-DD&by=hall|zone|service|window|staff&format=json|csv|xlsx")
def hall_report(request, hall: str):
    h = hall_by_code(hall)
    actors.authorize_dashboard(actor_of(request), h.pk)
    p, by, fmt = parse(request.GET)
    data = report(h, p, by)
    if fmt == "json":
        return data
    body = to_csv(data) if fmt == "csv" else to_xlsx(data)
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{h.code}-{p.label}-{by}.{fmt}"'
    return response
