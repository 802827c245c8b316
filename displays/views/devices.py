"""Pages shown by the hall's browser devices: kiosk, hall screen, window screen, evaluation pad."""

import re

from django.conf import settings
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _

from devices.voice import MissingTokenError, VoicePackError, announcement_text, clip_urls
from hallops.core import actors, announcement
from hallops.core.actions import kiosk_priorities
from hallops.core.models import EvaluationLevel, Priority, Service, Window, Zone
from hallops.devices.adapters import printer_for_kiosk
from hallops.evaluations.ratings import rating_reasons
from hallops.devices.hub import PRINT_ERRORS
from hallops.pages import hall_page

NUMBER_RE = re.compile(r"^[A-Z]{1,2}\d{1,6}$")
KIOSK_IDLE_S = 30
KIOSK_ELDERLY_IDLE_S = 90


def _page(request, template, title, config, **extra):
    return render(request, template, {"title": title, "config": config, **extra})


def _kiosk_options(actor) -> dict:
    """A kiosk's own settings (Device.options): its home language and idle times."""
    options = (actor.device.options or {}) if actor.device else {}
    languages = {code for code, _name in settings.LANGUAGES}
    language = options.get("language") if options.get("language") in languages else settings.LANGUAGE_CODE
    return {
        "home_language": language,
        "idle_s": int(options.get("idle_s") or KIOSK_IDLE_S),
        # 长辈模式: more time to read, walk over, find glasses.
        "elderly_idle_s": int(options.get("elderly_idle_s") or KIOSK_ELDERLY_IDLE_S),
    }


@hall_page(actors.authorize_kiosk_screen, device_cookie=True)
def kiosk(request, hall, actor):
    config = {
        "hall": hall.code,
        "socket": f"/ws/halls/{hall.code}/kiosk/",
        "issue_url": f"/api/v1/halls/{hall.code}/tickets/",
        "check_in_url": f"/api/v1/halls/{hall.code}/check-in/",
        "qr_url": "/t/{id}/qr.svg",
        "reprint_url": "/api/v1/tickets/{id}/reprint/",
        # Whether a ticket printer is bound decides if the page waits for a print result.
        "has_printer": bool(actor.device and printer_for_kiosk(actor.device)),
        "print_wait_s": 10,
        **_kiosk_options(actor),
        "set_language_url": reverse("set_language"),
        "elderly_page_size": 4,
        "zones": [{"code": z.code, "name": z.name} for z in Zone.objects.filter(hall=hall)],
        # Only what the hall lets citizens choose alone; classes that need proof are set by staff.
        "priorities": [{"value": v, "label": str(Priority(v).label)} for v in kiosk_priorities(hall)],
        "text": {
            "waiting": _("等候 {n} 人"),
            "estimate": _("预计等候约 {m} 分钟"),
            "no_wait": _("无需等候"),
            "closed": _("暂无窗口办理"),
            "quota_used_up": _("今日号已取完"),
            "remaining": _("今日余号 {n}"),
            "taking": _("正在取号…"),
            "failed": _("取号失败"),
            "ahead": _("您前面还有 {n} 人"),
            "print_ok": _("号票已打印，请取票"),
            "print_failed": _("号票打印失败：{message}。请记下号码或扫码查看"),
            "printing": _("正在打印号票…"),
            "print_timeout": _("打印机无响应"),
            "reprint": _("补打号票"),
            # The printer's error in the page's language, whatever language the event was recorded in.
            "print_errors": {code: str(text) for code, text in PRINT_ERRORS.items()},
            "materials": _("请携带以下材料（一次性告知）"),
            "no_materials": _("本事项无需准备材料"),
            "guide": _("办事指南"),
            "department": _("办理部门：{name}"),
            "handling": _("一般办理约 {m} 分钟"),
            "kinds": {k: str(v) for k, v in Service.Kind.choices},
            "more": _("下一页"),
            "less": _("上一页"),
            "page": _("第 {n} / {total} 页"),
            "say_zone": _("请选择办事专区"),
            "say_service": _("请选择要办理的事项"),
            "say_priority": _("请看清所需材料，然后按取号"),
            "say_ticket": _("您的号码是 {number}，请留意叫号"),
            "say_checkin": _("请输入预约码"),
        },
    }
    return _page(request, "displays/kiosk.html", _("取号机"), config, hall=hall)


@hall_page(actors.authorize_hall_screen, device_cookie=True)
def hall_screen(request, hall, actor):
    config = {
        "hall": hall.code,
        "socket": f"/ws/halls/{hall.code}/display/",
        "announce_url": f"/halls/{hall.code}/announce/",
        "text": {
            "to_window": _("请到 {window} 号窗口"),
            "recall": _("再次呼叫"),
            "waiting": _("{n} 人等候"),
            "sound_off": _("点击屏幕开启语音播报"),
            "window_no": _("{window}号"),
            "idle": _("空闲"),
            "paused": _("暂停服务"),
            "page": _("第 {n} / {total} 页"),
        },
    }
    return _page(request, "displays/screen.html", _("综合屏"), config, hall=hall)


@hall_page(actors.authorize_window_screen, window=True, device_cookie=True)
def window_screen(request, hall, window, actor):
    config = {
        "hall": hall.code,
        "window": window.pk,
        "socket": f"/ws/halls/{hall.code}/windows/{window.pk}/",
        "text": {
            "paused": _("暂停服务"),
            "closed": _("窗口关闭"),
            "idle": _("欢迎办理"),
            "serving": _("正在办理"),
            "calling": _("请到本窗口办理"),
            "staff_no": _("工号"),
        },
    }
    return _page(request, "displays/window_screen.html", _("窗口屏"), config, hall=hall, window=window)


@hall_page(actors.authorize_pad_screen, window=True, device_cookie=True)
def pad(request, hall, window, actor):
    config = {
        "hall": hall.code,
        "window": window.pk,
        "socket": f"/ws/halls/{hall.code}/pad/{window.pk}/",
        "thanks_s": 8,
        "ask_s": 60,  # unanswered: back to idle
        "levels": [{"level": v, "label": str(label)} for v, label in EvaluationLevel.choices],
        # Levels 1–2 ask why, from the configured list (差评原因), with an optional comment.
        "bad_max": EvaluationLevel.DISSATISFIED,
        "reasons": rating_reasons(),
        "text": {
            "reasons": _("请选择不满意的原因（可多选）"),
            "comment": _("您的意见（可选）"),
            "submit": _("提交评价"),
            "back": _("返回"),
            "pick_reason": _("请至少选择一项原因"),
            "prompt": _("请对本次服务作出评价"),
            "thanks": _("感谢您的评价！"),
            "failed": _("评价未能提交：{message}"),
            "staff_no": _("工号"),
        },
    }
    return _page(request, "displays/pad.html", _("评价器"), config, hall=hall, window=window)


@hall_page(actors.authorize_hall_screen)
def announce(request, hall, actor):
    """What the hall screen says for one call: the text (reading rules applied) and the voice-pack clips."""
    number = request.GET.get("number", "").strip().upper()
    window = Window.objects.filter(hall=hall, number=request.GET.get("window", "").strip()).first()
    if not NUMBER_RE.match(number) or window is None:
        raise Http404(_("没有这个号或窗口"))
    recall = request.GET.get("recall", "0") not in ("", "0", "false")
    # A template saved before templates were checked at edit time is read as the default one.
    template = hall.announcement_template if not announcement.problems(hall.announcement_template) else ""
    text = announcement_text(template, number=number, window=window.number, recall=recall)
    try:
        clips = clip_urls(static("voice/default/"), text)
    except (MissingTokenError, VoicePackError):
        clips = []  # the page then relies on speech synthesis alone
    return JsonResponse({"text": text, "clips": clips})
