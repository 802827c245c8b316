"""Public pages: the landing page and a citizen's ticket tracking (the ticket's UUID is the secret)."""

import io

import segno
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.utils.translation import gettext as _

from hallops.core.lookups import ticket_by_id
from hallops.core.models import EvaluationLevel, Hall, Ticket
from hallops.core.read.tickets import latest_in_chain, track_url
from hallops.evaluations.ratings import phone_rating, rating_reasons
from hallops.pages import or_404

from .. import snapshots


def landing(request):
    return render(request, "displays/landing.html", {"title": _("政务服务大厅排队系统"), "halls": Hall.objects.all()})


def track(request, ticket_id):
    ticket = or_404(ticket_by_id, ticket_id)
    data = snapshots.ticket_tracking(ticket.pk)
    visit = latest_in_chain(ticket)
    rating = phone_rating(visit)
    config = {
        "socket": f"/ws/tickets/{ticket.pk}/",
        "statuses": {k: str(v) for k, v in Ticket._meta.get_field("status").choices},
        "text": {
            "ahead": _("前面还有 {n} 人"),
            "estimate": _("预计等候约 {m} 分钟"),
            "go_to": _("请到 {window} 号窗口办理"),
            "called": _("轮到您了！"),
            "pick_reason": _("请至少选择一项原因"),
            "thanks": _("感谢您的评价！"),
            "failed": _("评价未能提交：{message}"),
        },
        # 好差评 from the phone: offered once the visit is finished, for the hall's configured period.
        "rating": rating,
        "rate_url": f"/api/v1/tickets/{visit.pk}/evaluation/",
        "bad_max": EvaluationLevel.DISSATISFIED,
        "csrf": get_token(request),
    }
    return render(request, "displays/track.html", {
        "title": _("排队进度"), "hall": ticket.hall, "data": data, "config": config, "rating": rating,
        "levels": EvaluationLevel.choices, "reasons": rating_reasons() if rating and rating["state"] == "open" else (),
        "estimate_m": (data["estimated_wait_s"] + 59) // 60,
        "status_label": config["statuses"].get(data["ticket"]["status"], ""),
    })


def qr_svg(request, ticket_id):
    ticket = or_404(ticket_by_id, ticket_id)
    buf = io.BytesIO()
    segno.make(track_url(ticket), error="m").save(buf, kind="svg", scale=8, border=2, dark="#000", light="#fff")
    response = HttpResponse(buf.getvalue(), content_type="image/svg+xml")
    response["Cache-Control"] = "public, max-age=86400"  # a ticket's URL never changes
    return response
