"""Staff pages: the window console (叫号终端) and the lobby dashboard (大厅值班)."""

from datetime import date, datetime, timedelta

from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hallops.core import actors
from hallops.core.actions.priorities import STAFF_CLASSES
from hallops.core.clock import local_day
from hallops.core.clock import now as clock_now
from hallops.core.errors import Forbidden, HallopsError
from hallops.core.history import waiting_series
from hallops.core.lookups import hall_by_code
from hallops.core.models import ApplicantType, Priority, Role, Service, Window
from hallops.core.read.services import SERVICE_BRIEF, SERVICE_REF
from hallops.core.read.windows import WINDOW_BRIEF
from hallops.pages import hall_page, or_404, refuse

# What a lobby manager picks from when pausing a window (暂停原因); "其他" asks for a text.
PAUSE_REASONS = (gettext_lazy("午休轮岗"), gettext_lazy("临时外出"), gettext_lazy("业务培训"), gettext_lazy("设备故障"),
                 gettext_lazy("系统故障"))


def _console_staff(actor, hall_id):
    """Window staff, lobby managers and admins of the hall may open consoles (each action is checked again)."""
    actors.require_authenticated(actor)
    if actor.device is None and actor.role in (Role.WINDOW_STAFF, Role.LOBBY_MANAGER, Role.ADMIN) \
            and actor.in_hall(hall_id):
        return
    raise Forbidden(_("仅本大厅窗口人员可使用叫号终端"))


def _console_window(actor, window):
    _console_staff(actor, window.hall_id)
    actors.authorize_window(actor, window, signing_in=True)


@login_required
@hall_page(_console_staff)
def console_choose(request, hall, actor):
    windows = Window.objects.filter(hall=hall).select_related("zone", "staff__staff")
    mine = [w for w in windows if w.staff_id == request.user.pk]
    return render(request, "displays/console_choose.html",
                  {"title": _("叫号终端"), "hall": hall, "windows": windows, "mine": mine})


@login_required
@hall_page(_console_window, window=True)
def console(request, hall, window, actor):
    config = {
        "hall": hall.code,
        "window": window.pk,
        "me": request.user.pk,
        "socket": f"/ws/halls/{hall.code}/console/{window.pk}/",
        "choose_url": f"/halls/{hall.code}/console/",
        "services": [SERVICE_BRIEF.of(s) for s in Service.objects.filter(hall=hall, active=True)],
        "windows": [WINDOW_BRIEF.of(w) for w in Window.objects.filter(hall=hall).exclude(pk=window.pk)],
        "text": {
            "nobody": _("当前无人等候"),
            "none": _("无"),
            "confirm_finish": _("确定办结 {number}？"),
            "signed_in_other": _("该窗口由 {name} 签到"),
            "not_signed_in": _("您尚未在本窗口签到"),
            "minutes": _("{m} 分钟"),
            "designated": _("指定"),
            # What the message line says after each action (never a generic "done").
            "did": {
                "call_next": _("已叫号 {number}"), "call_number": _("已叫号 {number}"), "recall": _("已重呼 {number}"),
                "skip": _("已过号 {number}"), "start": _("开始办理 {number}"), "finish": _("已办结 {number}"),
                "transfer": _("已转移 {number}"), "pause": _("已暂停服务"), "resume": _("已恢复服务"),
                "open": _("窗口已开启"), "close": _("窗口已关闭"), "sign_in": _("已签到"), "sign_out": _("已签退"),
                "requeue": _("已重排 {number}"), "change_priority": _("{number} 已改为优先"),
                "short_absence": _("已报备短时离开 {minutes} 分钟"),
            },
            "confirm_close": _("确定关闭窗口？关闭后本窗口不再叫号。"),
            "confirm_sign_out": _("确定签退？签退后窗口关闭。"),
            "upgrade": _("优先"),
            "pause": _("暂停"), "resume": _("恢复"), "open": _("开启窗口"), "close": _("关闭窗口"),
            "call": _("叫"),
        },
        "states": {"closed": _("关闭"), "open": _("空闲"), "paused": _("暂停服务"), "serving": _("办理中")},
        "statuses": {"called": _("已叫号"), "serving": _("办理中")},
        # The badge follows the ticket while the window serves: 已叫号 until started, then 办理中.
        "ticket_states": {"called": _("已叫号"), "serving": _("办理中")},
        "priorities": {v: str(label) for v, label in Priority.choices},
    }
    pause_reasons = [_("临时离岗"), _("会议"), _("业务咨询"), _("系统故障"), _("用餐")]
    upgrade_classes = [(p, Priority(p).label) for p in STAFF_CLASSES if p != Priority.NORMAL]
    return render(request, "displays/console.html", {
        "title": _("叫号终端"), "hall": hall, "window": window, "config": config, "pause_reasons": pause_reasons,
        "absence_minutes": [5, 10, 15, 30], "upgrade_classes": upgrade_classes,
        "applicant_types": ApplicantType.choices,
    })


@login_required
@hall_page(actors.authorize_dashboard)
def dashboard(request, hall, actor):
    config = {
        "hall": hall.code,
        "socket": f"/ws/halls/{hall.code}/dashboard/",
        "series_url": f"/halls/{hall.code}/dashboard/series.json",
        "can_manage": actors.can_manage_hall(actor, hall.pk),
        "blocks_url": f"/api/v1/halls/{hall.code}/booking-blocks/",
        "lift_url": "/api/v1/booking-blocks/{id}/lift/",
        "windows": [WINDOW_BRIEF.of(w) for w in Window.objects.filter(hall=hall)],
        "services": [SERVICE_REF.of(s) for s in Service.objects.filter(hall=hall, active=True)],
        "pause_reasons": [str(r) for r in PAUSE_REASONS],
        "ack_url": f"/api/v1/halls/{hall.code}/alerts/ack/",
        "staffing_url": f"/api/v1/halls/{hall.code}/staffing/",
        "states": {"closed": _("关闭"), "open": _("空闲"), "paused": _("暂停服务"), "serving": _("办理中")},
        "kinds": {"kiosk": _("取号机"), "printer": _("打印机"), "hall_screen": _("综合屏"),
                  "window_display": _("窗口屏"), "evaluation_pad": _("评价器"), "camera": _("摄像头"),
                  "gateway": _("设备网关")},
        "text": {
            "served": _("今日办结 {n}"),
            "avg": _("平均 {m} 分钟"),
            "idle": _("空闲 {m} 分钟"),
            "no_staff": _("无人签到"),
            "open": _("开启"), "pause": _("暂停"), "resume": _("恢复"), "close": _("关闭窗口"),
            "transfer": _("转移"),
            "pause_reason": _("暂停原因"),
            "transfer_to": _("转到"),
            "stand_in": _("替岗人员（可不填）"),
            "other_reason": _("其他原因"),
            "to_service": _("转到事项"), "to_window": _("或转到窗口"), "choose": _("请选择"),
            "cancel": _("取消"), "confirm": _("确定"),
            "ack": _("确认"), "acked": _("已确认 · {by} {at}"), "since": _("{at} 起 · 持续 {m} 分钟"),
            "last_week": _("上周同日"), "today": _("今日"),
            "what_if": _("假如开 {n} 个窗口：{sl}% 在目标时间内叫号，平均等候 {m} 分钟"),
            "what_if_never": _("假如开 {n} 个窗口：窗口不够，排队会越来越长"),
            "needed": _("需要 {n} 个 · 已开 {o} 个 · 等候 {w} 人"),
            "open_n": _("开 {n}"), "try": _("试算"),
            "filter": _("筛选设备"), "faults_only": _("只看故障"), "fault": _("故障"),
            "no_alerts": _("暂无告警"),
            "no_wait": _("无需等候"),
            "online": _("在线"), "offline": _("离线"), "disabled": _("停用"), "never": _("未上报"),
            "minutes": _("{m} 分钟"),
            "waiting": _("等候人数"),
            "t_waiting": _("等候"), "t_issued": _("今日取号"), "t_served": _("今日办结"),
            "t_open": _("开放窗口"), "t_paused": _("暂停窗口"),
            "no_data": _("今日尚无数据"),
            "bookings": _("预约 {n} · 已签到 {c} · 爽约 {x}"),
            "no_blocks": _("暂无限制预约的群众"),
            "blocked_until": _("{phone} 爽约 {n} 次，限制至 {until}"),
            "lift": _("解除"),
            "lift_reason": _("解除原因（将记录在案）"),
        },
    }
    return render(request, "displays/dashboard.html", {"title": _("大厅值班"), "hall": hall, "config": config})


@login_required
def dashboard_series(request, hall):
    hall_obj = or_404(hall_by_code, hall)
    try:
        actors.authorize_dashboard(actors.Actor(user=request.user), hall_obj.pk)
    except HallopsError as e:
        return refuse(request, e)
    day = local_day(clock_now())
    if request.GET.get("day"):
        try:
            day = date.fromisoformat(request.GET["day"])
        except ValueError:
            raise Http404(_("日期格式应为 YYYY-MM-DD")) from None
    try:
        bucket = max(1, min(120, int(request.GET.get("bucket", 10))))
    except ValueError:
        bucket = 10
    week_ago = day - timedelta(days=7)
    # The same weekday last week, moved onto this day's clock so both lines share the time axis.
    compare = [{"t": (datetime.fromisoformat(p["t"]) + timedelta(days=7)).isoformat(), "waiting": p["waiting"]}
               for p in waiting_series(hall_obj, week_ago, bucket)]
    return JsonResponse({"hall": hall_obj.code, "day": day.isoformat(), "bucket_minutes": bucket,
                         "points": waiting_series(hall_obj, day, bucket),
                         "compare_day": week_ago.isoformat(), "compare": compare})
