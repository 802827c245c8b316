"""Supervisor pages: the detection timeline (confirm / dismiss), rounds, notices, history, figures."""

from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hallops.core import actors, events
from hallops.core.errors import HallopsError
from hallops.core.lookups import hall_by_code, window_by_id
from hallops.core.models import Window, WindowState
from hallops.pages import or_404, page_actor, refuse

from .. import frames
from ..models import (
    Camera, Detection, DetectionKind, Finding, FindingCategory, Notice, PatrolRound, ReviewState, RoundStatus,
    SnapshotPhase,
)
from ..presence import announce_short_absence
from .access import REFUSED, supervised

DETECTION_TO_FINDING = {DetectionKind.OFF_POST: FindingCategory.OFF_POST,
                        DetectionKind.CROWDING: FindingCategory.WAITING_AREA_ORDER,
                        DetectionKind.CAMERA_DOWN: FindingCategory.DEVICES,
                        DetectionKind.CAMERA_FROZEN: FindingCategory.DEVICES}


@supervised()
def timeline(request, hall, actor):
    state = request.GET.get("state", "")
    qs = Detection.objects.filter(hall=hall).select_related("camera", "window", "reviewed_by") \
        .prefetch_related("snapshots")
    if state in ReviewState.values:
        qs = qs.filter(state=state)
    return render(request, "patrol/timeline.html", {
        "title": _("巡查事件"), "hall": hall, "detections": qs[:200], "state": state,
        "states": ReviewState.choices, "categories": FindingCategory.choices,
    })


def _evidence(detection):
    """The first picture after the event shows the empty seat; else the last one before it."""
    snaps = list(detection.snapshots.all())
    after = [s for s in snaps if s.phase == SnapshotPhase.AFTER]
    return after[0] if after else (snaps[-1] if snaps else None)


@require_POST
@supervised()
def review_detection(request, hall, actor, detection_id):
    det = get_object_or_404(Detection.objects.select_related("camera", "window"), hall=hall, pk=detection_id)
    action = request.POST.get("action")
    if action not in ("confirm", "dismiss"):
        return JsonResponse({"error": "invalid", "message": _("未知操作")}, status=422)
    with transaction.atomic():
        det.state = ReviewState.CONFIRMED if action == "confirm" else ReviewState.DISMISSED
        det.reviewed_by, det.reviewed_at = actor.user, timezone.now()
        det.review_note = request.POST.get("note", "")[:200]
        det.save(update_fields=["state", "reviewed_by", "reviewed_at", "review_note"])
        finding = None
        if action == "confirm" and request.POST.get("finding") == "1":
            category = request.POST.get("category") or DETECTION_TO_FINDING.get(det.kind, FindingCategory.OTHER)
            staff_id = det.details.get("staff_id") or (det.window.staff_id if det.window else None)
            finding = Finding.objects.create(
                hall=hall, detection=det, window=det.window, staff_id=staff_id, category=category,
                note=det.review_note or _("%(kind)s，持续约%(m)d分钟") % {
                    "kind": det.get_kind_display(), "m": round((det.duration_s or 0) / 60)},
                snapshot=_evidence(det), confirmed=True, created_by=actor.user,
                occurred_at=det.started_at, ended_at=det.cleared_at)
        events.record(hall.pk, "patrol.detection", {
            "id": det.pk, "kind": det.kind, "state": "reviewed", "review": det.state,
            "window": det.window.number if det.window else None, "finding": finding.pk if finding else None,
        }, actor)
    return redirect(_same_site(request, request.POST.get("next")) or f"/patrol/{hall.code}/timeline/")


def _same_site(request, url):
    """`next` only to a path of this site: a crafted form must not send a supervisor elsewhere."""
    if url and url.startswith("/") and url_has_allowed_host_and_scheme(url, allowed_hosts=None,
                                                                        require_https=request.is_secure()):
        return url
    return None


@supervised()
def rounds(request, hall, actor):
    qs = PatrolRound.objects.filter(hall=hall).select_related("assigned_to__staff") \
        .annotate(n_findings=Count("findings"))
    return render(request, "patrol/rounds.html", {"title": _("巡查轮次"), "hall": hall, "rounds": qs[:100]})


@supervised()
def round_walk(request, hall, actor, round_id):
    rnd = get_object_or_404(PatrolRound, hall=hall, pk=round_id)
    windows = Window.objects.filter(hall=hall).exclude(state=WindowState.CLOSED).select_related("staff__staff")
    cameras = {c.window_id: c for c in Camera.objects.filter(hall=hall, enabled=True, window__isnull=False)}
    found = {}
    for f in rnd.findings.select_related("snapshot"):
        found.setdefault(f.window_id, []).append(f)
    rows = [{"window": w, "camera": cameras.get(w.pk), "findings": found.get(w.pk, [])} for w in windows]
    return render(request, "patrol/round.html", {
        "title": _("巡查"), "hall": hall, "round": rnd, "rows": rows, "categories": FindingCategory.choices,
        "general": found.get(None, []),
    })


@require_POST
@supervised()
def round_action(request, hall, actor, round_id, action):
    rnd = get_object_or_404(PatrolRound, hall=hall, pk=round_id)
    now = timezone.now()
    if action == "start" and rnd.status in (RoundStatus.PLANNED, RoundStatus.MISSED):
        rnd.status, rnd.started_at = RoundStatus.IN_PROGRESS, now
        if rnd.assigned_to_id is None:
            rnd.assigned_to = actor.user
    elif action == "finish" and rnd.status == RoundStatus.IN_PROGRESS:
        rnd.status, rnd.finished_at = RoundStatus.DONE, now
    rnd.save()
    return redirect(f"/patrol/{hall.code}/rounds/{rnd.pk}/")


@require_POST
@supervised()
def round_finding(request, hall, actor, round_id):
    """One checklist entry: a category and note for a window, with a camera snapshot or an uploaded photo."""
    rnd = get_object_or_404(PatrolRound, hall=hall, pk=round_id)
    window = Window.objects.filter(hall=hall, pk=request.POST.get("window") or 0).first()
    category = request.POST.get("category")
    if category not in FindingCategory.values:
        return JsonResponse({"error": "invalid", "message": _("请选择问题类别")}, status=422)
    snap = None
    photo = request.FILES.get("photo")
    if photo is not None:
        suffix = "." + (photo.name.rsplit(".", 1)[-1].lower() if "." in photo.name else "jpg")
        snap = frames.save_snapshot(hall.pk, photo.read(), phase=SnapshotPhase.UPLOAD, suffix=suffix[:6])
    elif window is not None and request.POST.get("snapshot") == "1":
        camera = Camera.objects.filter(hall=hall, window=window, enabled=True).first()
        snap = frames.snapshot_of_camera(camera) if camera else None
    if rnd.status == RoundStatus.PLANNED:
        rnd.status, rnd.started_at = RoundStatus.IN_PROGRESS, timezone.now()
        rnd.save(update_fields=["status", "started_at"])
    Finding.objects.create(hall=hall, round=rnd, window=window, staff_id=window.staff_id if window else None,
                           category=category, note=request.POST.get("note", ""), snapshot=snap,
                           confirmed=request.POST.get("confirmed", "1") == "1", created_by=actor.user)
    return redirect(f"/patrol/{hall.code}/rounds/{rnd.pk}/#w{window.pk if window else ''}")


@supervised()
def notices(request, hall, actor):
    qs = Notice.objects.filter(hall=hall).annotate(n=Count("findings")).select_related("published_by")
    return render(request, "patrol/notices.html", {"title": _("通报"), "hall": hall, "notices": qs})


@supervised()
def notice_new(request, hall, actor):
    available = Finding.objects.filter(hall=hall, confirmed=True, notices__isnull=True) \
        .select_related("window", "staff__staff", "snapshot", "detection")
    if request.method == "POST":
        chosen = list(available.filter(pk__in=request.POST.getlist("findings")))
        title = request.POST.get("title", "").strip()
        if not chosen or not title:
            return render(request, "patrol/notice_new.html", {
                "title": _("新建通报"), "hall": hall, "findings": available,
                "error": _("请填写标题并至少选择一条已确认的巡查发现"), "form": request.POST}, status=422)
        notice = Notice.publish(hall, title=title, body=request.POST.get("body", ""), findings=chosen,
                                user=actor.user)
        return redirect(f"/patrol/{hall.code}/notices/{notice.pk}/")
    return render(request, "patrol/notice_new.html", {"title": _("新建通报"), "hall": hall, "findings": available})


@supervised()
def notice_detail(request, hall, actor, notice_id):
    notice = get_object_or_404(Notice.objects.select_related("published_by"), hall=hall, pk=notice_id)
    findings = notice.findings.select_related("window", "staff__staff", "snapshot", "detection")
    return render(request, "patrol/notice.html", {"title": notice.number, "hall": hall, "notice": notice,
                                                  "findings": findings})


@supervised()
def history(request, hall, actor):
    """Findings and detections of one window or one staff member (or the whole hall)."""
    findings = Finding.objects.filter(hall=hall).select_related("window", "staff__staff", "snapshot", "round")
    detections = Detection.objects.filter(hall=hall, kind=DetectionKind.OFF_POST).select_related("window")
    window = Window.objects.filter(hall=hall, pk=request.GET.get("window") or 0).first()
    staff = get_user_model().objects.filter(staff__hall=hall, pk=request.GET.get("staff") or 0).first()
    if window:
        findings, detections = findings.filter(window=window), detections.filter(window=window)
    if staff:
        findings = findings.filter(staff=staff)
        detections = detections.filter(details__staff_id=staff.pk)
    return render(request, "patrol/history.html", {
        "title": _("巡查记录"), "hall": hall, "window": window, "person": staff,
        "findings": findings[:300], "detections": detections[:300],
        "windows": Window.objects.filter(hall=hall),
        "people": get_user_model().objects.filter(staff__hall=hall).select_related("staff").order_by("username"),
    })


def month_range(month: str | None):
    today = timezone.localdate()
    try:
        first = datetime.strptime(month, "%Y-%m").date() if month else today.replace(day=1)
    except ValueError:
        first = today.replace(day=1)
    nxt = (first + timedelta(days=32)).replace(day=1)
    tz = timezone.get_current_timezone()
    return first, timezone.make_aware(datetime.combine(first, datetime.min.time()), tz), \
        timezone.make_aware(datetime.combine(nxt, datetime.min.time()), tz)


def monthly_figures(hall, month: str | None = None):
    """Per window: off-post minutes (candidates and confirmed, not dismissed) and findings in the month."""
    first, start, end = month_range(month)
    off = Detection.objects.filter(hall=hall, kind=DetectionKind.OFF_POST, raised_at__gte=start, raised_at__lt=end) \
        .exclude(state=ReviewState.DISMISSED).values("window_id") \
        .annotate(seconds=Sum("duration_s"), n=Count("id"), confirmed=Count("id", filter=Q(state=ReviewState.CONFIRMED)))
    off = {r["window_id"]: r for r in off}
    found = dict(Finding.objects.filter(hall=hall, confirmed=True, created_at__gte=start, created_at__lt=end)
                 .values_list("window_id").annotate(n=Count("id")))
    rows = []
    for w in Window.objects.filter(hall=hall):
        o = off.get(w.pk, {})
        rows.append({"window": w, "off_post_minutes": round((o.get("seconds") or 0) / 60, 1),
                     "off_post_count": o.get("n", 0), "confirmed": o.get("confirmed", 0),
                     "findings": found.get(w.pk, 0)})
    return first, rows


@supervised()
def figures(request, hall, actor):
    first, rows = monthly_figures(hall, request.GET.get("month"))
    return render(request, "patrol/figures.html", {"title": _("月度统计"), "hall": hall, "rows": rows,
                                                   "month": first.strftime("%Y-%m")})


@require_POST
def short_absence(request, hall, window_id):
    """报备短时离开, from the window console: the window's own staff (or a lobby manager)."""
    window = or_404(window_by_id, window_id, hall=or_404(hall_by_code, hall))
    try:
        actor = page_actor(request)
        actors.authorize_window(actor, window)
    except HallopsError as e:
        return JsonResponse(e.as_dict(), status=e.status) if request.user.is_authenticated else refuse(request, e, REFUSED)
    try:
        minutes = int(request.POST.get("minutes", 10))
    except ValueError:
        return JsonResponse({"error": "invalid", "message": _("分钟数无效")}, status=422)
    s = announce_short_absence(window, minutes, note=request.POST.get("note", ""), user=actor.user)
    return JsonResponse({"id": s.pk, "window": window.number, "starts_at": s.starts_at.isoformat(),
                         "ends_at": s.ends_at.isoformat()}, status=201)
