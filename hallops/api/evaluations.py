"""好差评 over HTTP: a visit's rating from the citizen's phone or a paper form, 办件编号, the
provincial export, figures and rankings, and the options a rating page shows."""

from datetime import date, timedelta

from django.http import StreamingHttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from hallops.core import actions, actors
from hallops.core.clock import local_day
from hallops.core.clock import now as clock_now
from hallops.core.errors import Invalid
from hallops.core.lookups import hall_by_code, ticket_by_id
from hallops.core.models import Evaluation, EvaluationLevel
from hallops.core.read.tickets import latest_in_chain
from hallops.evaluations import export, figures
from hallops.evaluations.models import RatingReason
from hallops.evaluations.ratings import active_indicators, rate

from .auth import OPTIONAL_AUTH, actor_of
from .case_schemas import ExportRow, FiguresOut, FilingIn, FilingOut, OptionsOut, TicketRatingIn, TicketRatingOut
from .errors import error_responses

ticket_router = Router(tags=["evaluations"])
hall_router = Router(tags=["evaluations"])
router = Router(tags=["evaluations"])
MAX_RANGE_DAYS = 366
FROM = Query("", alias="from", description="first local day, YYYY-MM-DD (default: the 1st of the month of `to`)")
TO = Query("", description="last local day, YYYY-MM-DD (default: today)")


@ticket_router.post("/{ticket_id}/evaluation/", auth=OPTIONAL_AUTH,
                    response={201: TicketRatingOut, **error_responses(401, 403, 404, 409, 422)},
                    summary="Rate a visit: source qr (public, from the ticket's page) or paper (staff typing a form in)")
def rate_ticket(request, ticket_id: str, payload: TicketRatingIn):
    # The QR keeps naming the first ticket of a visit; after a transfer the visit ended on its successor.
    ticket = latest_in_chain(ticket_by_id(ticket_id))
    actor = actor_of(request)
    entered_by = None
    if payload.source == Evaluation.Source.PAPER:
        actors.authorize_paper_rating(actor, ticket)
        entered_by = actor.user
    e = rate(ticket, payload.level, source=payload.source, indicators=payload.indicators, reasons=payload.reasons,
             comment=payload.comment, contact_name=payload.contact_name, contact_phone=payload.contact_phone,
             entered_by=entered_by, actor=actor)
    case = getattr(e, "case", None) if e.is_bad else None
    return Status(201, {"id": e.pk, "ticket": str(ticket.pk), "number": ticket.number, "level": e.level,
                        "bad": e.is_bad, "source": e.source, "created_at": e.created_at.isoformat(),
                        "case": case.pk if case else None})


@ticket_router.post("/{ticket_id}/filing/", response={200: FilingOut, **error_responses(401, 403, 404, 409, 422)},
                    summary="Set the visit's 办件编号 and/or applicant type (the window's business system)")
def set_filing(request, ticket_id: str, payload: FilingIn):
    ticket = ticket_by_id(ticket_id)
    actor = actor_of(request)
    actors.authorize_filing(actor, ticket)
    t = actions.set_filing(ticket, filing_number=payload.filing_number, applicant_type=payload.applicant_type,
                           actor=actor)
    return {"ticket": str(t.pk), "number": t.number, "filing_number": t.filing_number,
            "applicant_type": t.applicant_type}


@router.get("/options/", response=OptionsOut, auth=None,
            summary="What a rating page offers: the five levels, the reasons for 1–2, the indicator set in use")
def options(request):
    current = active_indicators()
    return {
        "levels": [{"level": v, "label": str(label)} for v, label in EvaluationLevel.choices],
        "reasons": [{"code": r.code, "name": r.text} for r in RatingReason.objects.filter(active=True)],
        "indicators": {"version": current.version, "items": current.items} if current else None,
    }


def parse_day(value, default) -> date:
    if not value:
        return default
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise Invalid(_("日期须为 YYYY-MM-DD"), code="invalid_date") from None


def date_range(start, end, today):
    end = parse_day(end, today)
    start = parse_day(start, end.replace(day=1))
    if start > end:
        raise Invalid(_("开始日期晚于结束日期"), code="invalid_date")
    if (end - start).days >= MAX_RANGE_DAYS:
        raise Invalid(_("一次最多查询 %(n)d 天") % {"n": MAX_RANGE_DAYS}, code="range_too_long")
    return start, end


def month_range(month: str, today):
    try:
        first = date.fromisoformat(f"{month}-01") if month else today.replace(day=1)
    except ValueError:
        raise Invalid(_("月份须为 YYYY-MM"), code="invalid_date") from None
    last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return first, last


EXPORT_CONTENT = {"200": {"content": {
    "application/x-ndjson": {"schema": {"$ref": "#/components/schemas/ExportRow"}},
    "text/csv": {"schema": {"type": "string"}}}}}


@hall_router.get("/{hall}/evaluations/export/", response={200: ExportRow, **error_responses(401, 403, 404, 422)},
                 openapi_extra={"responses": EXPORT_CONTENT},
                 summary="Provincial export, one rating per line: jsonl (default) or csv; from/to are local dates")
def export_ratings(request, hall: str, format: str = "jsonl", from_: str = FROM, to: str = TO):
    hall = hall_by_code(hall)
    actors.authorize_figures(actor_of(request), hall.pk)
    start, end = date_range(from_, to, local_day(clock_now()))
    if format not in ("jsonl", "csv"):
        raise Invalid(_("format 须为 jsonl 或 csv"), code="invalid_format")
    lines = export.jsonl_lines if format == "jsonl" else export.csv_lines
    content_type = "application/x-ndjson" if format == "jsonl" else "text/csv"
    response = StreamingHttpResponse(lines(hall, start, end), content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{hall.code}-{start}-{end}.{format}"'
    return response


BY = "window|staff|service|department|day|month"


@hall_router.get("/{hall}/evaluations/figures/", by_alias=True,
                 response={200: FiguresOut, **error_responses(401, 403, 404, 422)},
                 summary=f"评价率, 好评率, 差评率, 整改率, 回访率 and overdue cases, by {BY}; from/to local dates")
def hall_figures(request, hall: str, by: str = "window", from_: str = FROM, to: str = TO):
    hall = hall_by_code(hall)
    actors.authorize_figures(actor_of(request), hall.pk)
    if by not in figures.DIMENSIONS:
        raise Invalid(_("by 须为 %(options)s") % {"options": BY}, code="invalid_dimension")
    today = local_day(clock_now())
    start, end = date_range(from_, to, today)
    return figures.figures(hall, start, end, by, today)


@hall_router.get("/{hall}/evaluations/ranking/", by_alias=True,
                 response={200: FiguresOut, **error_responses(401, 403, 404, 422)},
                 summary="月度排名 of windows or staff for a month (YYYY-MM): best 好评率 first")
def ranking(request, hall: str, month: str = "", by: str = "window"):
    hall = hall_by_code(hall)
    actors.authorize_figures(actor_of(request), hall.pk)
    if by not in ("window", "staff", "service", "department"):
        raise Invalid(_("by 须为 window、staff、service 或 department"), code="invalid_dimension")
    today = local_day(clock_now())
    start, end = month_range(month, today)
    data = figures.figures(hall, start, end, by, today)
    data["rows"] = figures.ranking(data["rows"])
    return data
