"""Video patrol (视频巡查) records: cameras and their regions, detections, snapshots,
suppressions of the off-post check, patrol rounds, findings, notices (通报) and the view log.

Detections come from the patrol agent (hallops.patrol.runner) and stay *candidates* until a
supervisor confirms or dismisses them; only confirmed findings enter a notice.
"""

from django.conf import settings
from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

REGION_KINDS = ("seat", "counter", "waiting")


class Camera(models.Model):
    hall = models.ForeignKey("core.Hall", on_delete=models.CASCADE, related_name="cameras", verbose_name=_("大厅"))
    name = models.CharField(_("名称"), max_length=60)
    url = models.CharField(
        _("视频地址"), max_length=300,
        help_text=_("rtsp://用户:密码@地址/流、http://地址/video.mjpg、视频文件路径（可加 ?loop=1&speed=4）或设备号 0"),
    )
    window = models.ForeignKey("core.Window", on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="cameras", verbose_name=_("窗口"))
    zone = models.ForeignKey("core.Zone", on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="cameras", verbose_name=_("专区"))
    device = models.OneToOneField("core.Device", on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="patrol_camera", verbose_name=_("对应设备"))
    fps = models.FloatField(_("采样帧率"), default=2.0)
    enabled = models.BooleanField(_("启用"), default=True)
    empty_seat_reference = models.ImageField(_("空座参考图"), upload_to="patrol/references/", blank=True)
    waiting_reference = models.ImageField(_("空等候区参考图"), upload_to="patrol/references/", blank=True,
                                          help_text=_("有参考图时按前景计数，否则用行人检测"))
    # {"seat": [[x, y], ...], "counter": [...], "waiting": [...]}, relative 0..1 so a resolution change keeps them.
    regions = models.JSONField(_("区域"), default=dict, blank=True)
    # Overrides of devices.cameras.Thresholds fields, e.g. {"off_post_s": 180}.
    thresholds = models.JSONField(_("阈值"), default=dict, blank=True)

    class Meta:
        verbose_name = _("摄像头")
        verbose_name_plural = _("摄像头")
        ordering = ["hall", "name"]
        constraints = [models.UniqueConstraint(fields=["hall", "name"], name="camera_name_per_hall")]

    def __str__(self):
        return self.name


class DetectionKind(models.TextChoices):
    OFF_POST = "off_post", _("离岗")
    CROWDING = "crowding", _("等候区拥挤")
    CAMERA_DOWN = "camera_down", _("摄像头离线")
    CAMERA_FROZEN = "camera_frozen", _("画面冻结")


class ReviewState(models.TextChoices):
    CANDIDATE = "candidate", _("待确认")
    CONFIRMED = "confirmed", _("已确认")
    DISMISSED = "dismissed", _("已排除")


class Detection(models.Model):
    hall = models.ForeignKey("core.Hall", on_delete=models.CASCADE, related_name="detections", verbose_name=_("大厅"))
    camera = models.ForeignKey(Camera, on_delete=models.CASCADE, related_name="detections", verbose_name=_("摄像头"))
    window = models.ForeignKey("core.Window", on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="detections", verbose_name=_("窗口"))
    kind = models.CharField(_("类型"), max_length=16, choices=DetectionKind.choices)
    state = models.CharField(_("状态"), max_length=12, choices=ReviewState.choices, default=ReviewState.CANDIDATE)
    started_at = models.DateTimeField(_("开始时间"), help_text=_("情况开始的时间，如座位变空的时刻"))
    raised_at = models.DateTimeField(_("告警时间"))
    cleared_at = models.DateTimeField(_("解除时间"), null=True, blank=True)
    duration_s = models.FloatField(_("持续（秒）"), null=True, blank=True)
    details = models.JSONField(_("详情"), default=dict, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("审核人"))
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    review_note = models.CharField(_("审核说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("检测记录")
        verbose_name_plural = _("检测记录")
        ordering = ["-raised_at"]
        indexes = [models.Index(fields=["hall", "raised_at"]), models.Index(fields=["camera", "kind", "cleared_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} {self.camera} {timezone.localtime(self.raised_at):%m-%d %H:%M}"


class SnapshotPhase(models.TextChoices):
    BEFORE = "before", _("事前")
    AFTER = "after", _("事后")
    LIVE = "live", _("现场抓拍")
    UPLOAD = "upload", _("上传照片")


def snapshot_path(instance, filename):
    at = timezone.localtime(instance.taken_at or timezone.now())
    return f"patrol/{at:%Y/%m/%d}/{filename}"


class Snapshot(models.Model):
    hall = models.ForeignKey("core.Hall", on_delete=models.CASCADE, related_name="snapshots", verbose_name=_("大厅"))
    camera = models.ForeignKey(Camera, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="snapshots", verbose_name=_("摄像头"))
    detection = models.ForeignKey(Detection, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="snapshots", verbose_name=_("检测记录"))
    taken_at = models.DateTimeField(_("拍摄时间"), default=timezone.now, db_index=True)
    phase = models.CharField(_("类别"), max_length=8, choices=SnapshotPhase.choices, default=SnapshotPhase.LIVE)
    image = models.FileField(_("图片"), upload_to=snapshot_path, max_length=200)

    class Meta:
        verbose_name = _("截图")
        verbose_name_plural = _("截图")
        ordering = ["taken_at"]

    def __str__(self):
        return f"{self.get_phase_display()} {timezone.localtime(self.taken_at):%m-%d %H:%M:%S}"


class SuppressionKind(models.TextChoices):
    STAND_IN = "stand_in", _("同岗替代")
    LUNCH_ROTA = "lunch_rota", _("午间AB岗")
    SHORT_ABSENCE = "short_absence", _("报备短时离开")


class Suppression(models.Model):
    """A time range in which an empty seat at the window is not off post."""

    window = models.ForeignKey("core.Window", on_delete=models.CASCADE, related_name="suppressions",
                               verbose_name=_("窗口"))
    kind = models.CharField(_("类型"), max_length=16, choices=SuppressionKind.choices)
    starts_at = models.DateTimeField(_("开始"))
    ends_at = models.DateTimeField(_("结束"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("报备人"))
    created_at = models.DateTimeField(_("报备时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("离岗豁免")
        verbose_name_plural = _("离岗豁免")
        ordering = ["-starts_at"]

    def __str__(self):
        return f"{self.window} {self.get_kind_display()}"


class LunchRota(models.Model):
    """午间AB岗: a recurring time range per window in which its seat may be empty."""

    window = models.ForeignKey("core.Window", on_delete=models.CASCADE, related_name="lunch_rotas",
                               verbose_name=_("窗口"))
    weekdays = models.JSONField(_("星期"), default=list, help_text=_("0=周一 … 6=周日，如 [0,1,2,3,4]"))
    start = models.TimeField(_("开始"))
    end = models.TimeField(_("结束"))
    note = models.CharField(_("说明"), max_length=80, blank=True, help_text=_("如 A岗 12:00–12:45"))

    class Meta:
        verbose_name = _("午间AB岗")
        verbose_name_plural = _("午间AB岗")
        ordering = ["window", "start"]

    def __str__(self):
        return f"{self.window} {self.start:%H:%M}–{self.end:%H:%M}"


class RoundStatus(models.TextChoices):
    PLANNED = "planned", _("待巡查")
    IN_PROGRESS = "in_progress", _("巡查中")
    DONE = "done", _("已完成")
    MISSED = "missed", _("未巡查")


class PatrolRound(models.Model):
    hall = models.ForeignKey("core.Hall", on_delete=models.CASCADE, related_name="patrol_rounds", verbose_name=_("大厅"))
    scheduled_at = models.DateTimeField(_("计划时间"))
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="patrol_rounds", verbose_name=_("督查人员"))
    status = models.CharField(_("状态"), max_length=12, choices=RoundStatus.choices, default=RoundStatus.PLANNED)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("巡查轮次")
        verbose_name_plural = _("巡查轮次")
        ordering = ["-scheduled_at"]

    def __str__(self):
        return f"{timezone.localtime(self.scheduled_at):%Y-%m-%d %H:%M} {self.get_status_display()}"


class FindingCategory(models.TextChoices):
    OFF_POST = "off_post", _("离岗脱岗")
    PHONE = "phone", _("玩手机")
    ASLEEP = "asleep", _("睡岗")
    EATING = "eating", _("吃东西")
    DRESS = "dress", _("着装不规范")
    WAITING_AREA_ORDER = "waiting_area_order", _("等候区秩序")
    DEVICES = "devices", _("设备故障")
    CLEANLINESS = "cleanliness", _("环境卫生")
    OTHER = "other", _("其他")


class Finding(models.Model):
    hall = models.ForeignKey("core.Hall", on_delete=models.CASCADE, related_name="findings", verbose_name=_("大厅"))
    round = models.ForeignKey(PatrolRound, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="findings", verbose_name=_("巡查轮次"))
    detection = models.ForeignKey(Detection, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="findings", verbose_name=_("检测记录"))
    window = models.ForeignKey("core.Window", on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="findings", verbose_name=_("窗口"))
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="patrol_findings", verbose_name=_("当事人员"))
    category = models.CharField(_("问题类别"), max_length=20, choices=FindingCategory.choices)
    note = models.TextField(_("情况说明"), blank=True)
    snapshot = models.ForeignKey(Snapshot, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="findings", verbose_name=_("证据截图"))
    confirmed = models.BooleanField(_("已确认"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("记录人"))
    created_at = models.DateTimeField(_("记录时间"), default=timezone.now)
    # When it happened (a video detection: when the seat emptied), which a notice must state, not
    # when a supervisor got round to confirming it. Empty for findings noted on the spot.
    occurred_at = models.DateTimeField(_("发生时间"), null=True, blank=True)
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("巡查发现")
        verbose_name_plural = _("巡查发现")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_category_display()} {self.window or ''}"

    @property
    def happened_at(self):
        return self.occurred_at or self.created_at


class Notice(models.Model):
    """通报: numbered per hall and year, e.g. "2026-第3期"."""

    hall = models.ForeignKey("core.Hall", on_delete=models.CASCADE, related_name="notices", verbose_name=_("大厅"))
    year = models.PositiveIntegerField(_("年度"))
    seq = models.PositiveIntegerField(_("期数"))
    number = models.CharField(_("编号"), max_length=20)
    title = models.CharField(_("标题"), max_length=120)
    body = models.TextField(_("正文"), blank=True)
    findings = models.ManyToManyField(Finding, related_name="notices", blank=True, verbose_name=_("巡查发现"))
    published_at = models.DateTimeField(_("发布时间"))
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("发布人"))

    class Meta:
        verbose_name = _("通报")
        verbose_name_plural = _("通报")
        ordering = ["-year", "-seq"]
        constraints = [models.UniqueConstraint(fields=["hall", "year", "seq"], name="notice_seq_per_hall_year")]

    def __str__(self):
        return f"{self.number} {self.title}"

    @classmethod
    def publish(cls, hall, *, title, body="", findings=(), user=None, at=None) -> "Notice":
        """Create the next notice of the hall's year; only confirmed findings may be listed."""
        at = at or timezone.now()
        year = timezone.localtime(at).year
        with transaction.atomic():
            # The hall row lock (a no-op on SQLite, whose IMMEDIATE transactions already serialise
            # writers) keeps two supervisors from taking the same number; the constraint backs it.
            type(hall).objects.select_for_update().filter(pk=hall.pk).first()
            last = cls.objects.filter(hall=hall, year=year).aggregate(m=Max("seq"))["m"] or 0
            seq = last + 1
            notice = cls.objects.create(hall=hall, year=year, seq=seq, number=f"{year}-第{seq}期", title=title,
                                        body=body, published_at=at, published_by=user)
            notice.findings.set([f for f in findings if f.confirmed])
        return notice


class ViewAction(models.TextChoices):
    VIEW_LIVE = "view_live", _("查看实时画面")
    VIEW_SNAPSHOT = "view_snapshot", _("查看截图")
    VIEW_RECORDING = "view_recording", _("查看录像")


class ViewLog(models.Model):
    """Every look at a camera picture, for the privacy audit."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+", verbose_name=_("查看人"))
    camera = models.ForeignKey(Camera, on_delete=models.SET_NULL, null=True, blank=True, related_name="view_logs",
                               verbose_name=_("摄像头"))
    snapshot = models.ForeignKey(Snapshot, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="view_logs", verbose_name=_("截图"))
    action = models.CharField(_("操作"), max_length=16, choices=ViewAction.choices)
    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    ip = models.GenericIPAddressField(_("IP"), null=True, blank=True)

    class Meta:
        verbose_name = _("查看记录")
        verbose_name_plural = _("查看记录")
        ordering = ["-at"]

    def __str__(self):
        return f"{self.user} {self.get_action_display()} {self.at:%Y-%m-%d %H:%M}"
