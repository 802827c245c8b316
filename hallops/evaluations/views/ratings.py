"""The monthly ranking (月度排名) for supervisors, and typing in a paper rating form (纸质评价录入)."""

from datetime import date, timedelta

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hallops.core import actors
from hallops.core.clock import local_day
from hallops.core.clock import now as clock_now
from hallops.core.errors import HallopsError, Invalid, NotFound
from hallops.core.models import EvaluationLevel, Ticket, TicketStatus
from hallops.pages import hall_page, refuse

from .. import figures
from ..models import RatingReason
from ..ratings import rate

RANK_BY = {"window": gettext_lazy("窗口"), "staff": gettext_lazy("工作人员"), "service": gettext_lazy("事项"),
           "department": gettext_lazy("部门")}


def _month(value, today):
    try:
        first = date.fromisoformat(f"{value}-01") if value else today.replace(day=1)
    except ValueError:
        first = today.replace(day=1)
    last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return first, last


@hall_page(actors.authorize_figures, refused="evaluations/refused.html")
def ranking(request, hall, actor):
    today = local_day(clock_now())
    start, end = _month(request.GET.get("month", ""), today)
    by = request.GET.get("by", "window")
    by = by if by in RANK_BY else "window"
    data = figures.figures(hall, start, end, by, today)
    return render(request, "evaluations/ranking.html", {
        "title": _("好差评月度排名"), "hall": hall, "month": start.strftime("%Y-%m"), "by": by,
        "dimensions": [(k, str(v)) for k, v in RANK_BY.items()],
        "rows": figures.ranking(data["rows"]), "total": data["total"],
    })


def _staff_of_hall(actor, hall_id):
    actors.authorize_open_case(actor, hall_id)  # any staff member of the hall types forms in


@hall_page(_staff_of_hall, refused="evaluations/refused.html")
def paper_rating(request, hall, actor):
    today = local_day(clock_now())
    form = {"day": request.POST.get("day") or today.isoformat(), "number": request.POST.get("number", "").strip().upper()}
    message = error = None
    status = 200
    if request.method == "POST":
        try:
            try:
                day = date.fromisoformat(form["day"])
            except ValueError:
                raise Invalid(_("日期须为 YYYY-MM-DD"), code="invalid_date") from None
            ticket = (Ticket.objects.filter(hall=hall, day=day, number=form["number"], status=TicketStatus.DONE)
                      .select_related("hall").first())
            if ticket is None:
                raise NotFound(_("该日没有办结的这个号"), code="ticket_not_found")
            try:
                actors.authorize_paper_rating(actor, ticket)
            except HallopsError as e:
                return refuse(request, e, "evaluations/refused.html")
            e = rate(ticket, request.POST.get("level"), source="paper", reasons=request.POST.getlist("reasons"),
                     comment=request.POST.get("comment", ""), contact_name=request.POST.get("contact_name", ""),
                     contact_phone=request.POST.get("contact_phone", ""), entered_by=actor.user, actor=actor)
            message = _("已录入：%(number)s %(level)s") % {"number": ticket.number, "level": e.get_level_display()}
            form["number"] = ""
        except HallopsError as e:
            error, status = e.message, e.status
    return render(request, "evaluations/paper.html", {
        "title": _("纸质评价录入"), "hall": hall, "form": form, "message": message, "error": error,
        "levels": EvaluationLevel.choices, "reasons": RatingReason.objects.filter(active=True),
    }, status=status)
