"""预约 pages for a citizen's phone (no login): book a slot, then show the code and its QR.

The pages only render; every rule is in hallops.core (slots, actions.booking) behind the API.
"""

import io

import segno
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from hallops.api.appointments import appointment_out
from hallops.core.lookups import hall_by_code
from hallops.core.models import Appointment
from hallops.pages import or_404


def book(request, hall):
    hall = or_404(hall_by_code, hall)
    config = {
        "hall": hall.code,
        "info_url": f"/api/v1/halls/{hall.code}/booking/",
        "slots_url": f"/api/v1/halls/{hall.code}/services/{{service}}/slots/?date={{date}}",
        "book_url": f"/api/v1/halls/{hall.code}/appointments/",
        "text": {
            "left": _("余 {n}"), "full": _("已满"), "no_slots": _("该日没有可预约的时段"),
            "no_services": _("本大厅暂无可预约事项"), "failed": _("网络异常，请重试"),
            "weekdays": [_("周一"), _("周二"), _("周三"), _("周四"), _("周五"), _("周六"), _("周日")],
        },
    }
    return render(request, "displays/book.html", {"title": _("预约取号"), "hall": hall, "config": config})


def _appointment(code):
    appt = Appointment.objects.select_related("hall", "service").filter(code=code.upper()).first()
    if appt is None:
        raise Http404(_("预约码不存在"))
    return appt


def booked(request, code):
    appt = _appointment(code)
    data = appointment_out(appt)
    config = {"cancel_url": f"/api/v1/appointments/{appt.code}/cancel/",
              "text": {"confirm": _("确定取消该预约？"), "cancelled": _("预约已取消"), "failed": _("网络异常，请重试")}}
    return render(request, "displays/booked.html", {
        "title": _("我的预约"), "hall": appt.hall, "appt": appt, "data": data, "config": config,
        "can_cancel": appt.status == Appointment.Status.BOOKED,
    })


def booked_qr(request, code):
    # The QR holds the code alone: a scanner at the kiosk types it and presses Enter.
    appt = _appointment(code)
    buf = io.BytesIO()
    segno.make(appt.code, error="m").save(buf, kind="svg", scale=8, border=2, dark="#000", light="#fff")
    response = HttpResponse(buf.getvalue(), content_type="image/svg+xml")
    response["Cache-Control"] = "private, max-age=86400"
    return response
