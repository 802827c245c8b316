"""Public pages: the landing page and a citizen's ticket tracking (the ticket's UUID is the secret)."""

import io

import segno
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hallops.core.actions import cancel_ticket
from hallops.core.errors import HallopsError
from hallops.core.lookups import ticket_by_id
from hallops.core.models import EvaluationLevel, Hall, Ticket
from hallops.core.read.tickets import latest_in_chain, track_url
from hallops.evaluations.ratings import phone_rating, rating_reasons
from hallops.pages import or_404

from .. import snapshots


def landing(request):
    return render(request, "displays/landing.html", {"title": _("政务服务大厅排队系统"), "halls": Hall.objects.all()})


# "快到您了" when this many people or fewer are ahead: time to walk back from the coffee machine.
NEAR_AHEAD = 3


def track(request, ticket_id, *, error=None, status=200):
    ticket = or_404(ticket_by_id, ticket_id)
    data = snapshots.ticket_tracking(ticket.pk)
    visit = latest_in_chain(ticket)
    rating = phone_rating(visit)
    config = {
        "socket": f"/ws/tickets/{ticket.pk}/",
        "statuses": {k: str(v) for k, v in Ticket._meta.get_field("status").choices},
        "near_ahead": NEAR_AHEAD,
        "text": {
            "ahead": _("前面还有 {n} 人"),
            "estimate": _("预计等候约 {m} 分钟"),
            "no_wait": _("无需等候"),
            "go_to": _("请到 {window} 号窗口办理"),
            "called": _("轮到您了！"),
            "pick_reason": _("请至少选择一项原因"),
            "thanks": _("感谢您的评价！"),
            "failed": _("评价未能提交：{message}"),
            "near": _("快到您了，前面还有 {n} 人，请回到大厅留意叫号"),
            "near_title": _("【快到了】{number}"),
            "called_title": _("【请到 {window} 号窗口】{number}"),
            "alerts_on": _("到号提醒已开启：快到时和叫到时，本页会响铃并弹出提示"),
            "notify_near": _("快到您了"),
        },
        # 好差评 from the phone: offered once the visit is finished, for the hall's configured period.
        "rating": rating,
        "rate_url": f"/api/v1/tickets/{visit.pk}/evaluation/",
        "bad_max": EvaluationLevel.DISSATISFIED,
        "csrf": get_token(request),
    }
    minutes = (data["estimated_wait_s"] + 59) // 60
    return render(request, "displays/track.html", {
        "title": _("排队进度"), "hall": ticket.hall, "data": data, "config": config, "rating": rating,
        "levels": EvaluationLevel.choices, "reasons": rating_reasons() if rating and rating["state"] == "open" else (),
        "estimate_m": (data["estimated_wait_s"] + 59) // 60,
        "title": _("排队进度"), "hall": ticket.hall, "data": data, "config": config,
        "estimate_m": minutes, "error": error,
        "near": data["ticket"]["status"] == "waiting" and data["ahead"] <= NEAR_AHEAD,
        "status_label": config["statuses"].get(data["ticket"]["status"], ""),
    }, status=status)


@require_POST
def track_cancel(request, ticket_id):
    """取消排队 from the citizen's phone: the ticket's unguessable id is the credential (CSRF-checked form)."""
    ticket = or_404(ticket_by_id, ticket_id)
    latest = snapshots.latest_of(ticket.pk)  # after a transfer the citizen holds the new ticket
    try:
        cancel_ticket(latest, actor="citizen:track")
    except HallopsError as e:
        return track(request, ticket_id, error=e.message, status=e.status)
    return redirect("track", ticket_id=ticket_id)


def qr_svg(request, ticket_id):
    ticket = or_404(ticket_by_id, ticket_id)
    buf = io.BytesIO()
    segno.make(track_url(ticket), error="m").save(buf, kind="svg", scale=8, border=2, dark="#000", light="#fff")
    response = HttpResponse(buf.getvalue(), content_type="image/svg+xml")
    response["Cache-Control"] = "public, max-age=86400"  # a ticket's URL never changes
    return response
