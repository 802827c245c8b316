from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .. import announcement


class SkipPolicy(models.TextChoices):
    REQUEUE = "requeue", _("过号重排（后移若干位）")
    TAIL = "tail", _("排到队尾")
    VOID = "void", _("作废，须重新取号")


def default_kiosk_priorities():
    # Classes a citizen may choose alone; those that need proof are set by staff (upgrade_priority).
    return ["normal", "elderly", "pregnant"]


def default_opening_hours():
    # weekday (0 = Monday) -> list of [start, end] local times; weekends closed.
    day = [["08:30", "12:00"], ["13:30", "17:30"]]
    return {str(d): day for d in range(5)}


class Hall(models.Model):
    """A service hall (政务服务中心 / 便民服务中心); one deployment serves many."""

    code = models.SlugField(_("编码"), max_length=40, unique=True, help_text=_("用于网址，如 xicheng"))
    name = models.CharField(_("名称"), max_length=120)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    opening_hours = models.JSONField(
        _("开放时间"), default=default_opening_hours,
        help_text=_('按星期（0=周一）列出时段，如 {"0": [["08:30","12:00"],["13:30","17:30"]]}'),
    )
    appointment_hours = models.JSONField(
        _("预约延时时段"), default=dict, blank=True,
        help_text=_("开放时间之外仅接待预约群众的时段，格式同上"),
    )
    enforce_hours = models.BooleanField(_("按开放时间取号"), default=True)
    region_code = models.CharField(
        _("行政区划代码"), max_length=12, blank=True,
        help_text=_("12 位行政区划代码，用于工作日历、省级平台报送"),
    )
    makeup_day_hours_weekday = models.PositiveSmallIntegerField(
        _("调休上班日按星期几开放"), default=0,
        help_text=_("调休上班的周末按这一天（0=周一）的开放时间接待；可在工作日历中逐日调整"),
    )
    notice = models.TextField(_("大厅公告"), blank=True)
    announcement_template = models.CharField(
        _("叫号播报模板"), max_length=120, default="请{number}号到{window}号窗口办理"
    )
    # 过号 rules: no national rule exists, so every hall sets its own.
    skip_recall_limit = models.PositiveIntegerField(
        _("重呼次数上限"), default=2, help_text=_("叫号后最多再呼叫几次"),
    )
    skip_grace_minutes = models.PositiveIntegerField(
        _("过号宽限（分钟）"), default=0, help_text=_("叫号后经过该时长才能过号，给群众走到窗口的时间"),
    )
    skip_policy = models.CharField(
        _("过号处理方式"), max_length=12, choices=SkipPolicy.choices, default=SkipPolicy.REQUEUE,
    )
    skip_requeue_places = models.PositiveIntegerField(_("过号重排后移位数"), default=3)
    skip_daily_limit = models.PositiveIntegerField(
        _("每日过号重排次数上限"), default=2,
        help_text=_("按号计；预约群众按人计（同一手机号当日所有号合计）"),
    )
    kiosk_priorities = models.JSONField(
        _("取号机可选人群类别"), default=default_kiosk_priorities, blank=True,
        help_text=_("需凭证件的类别（军人、残疾人、绿色通道）由窗口人员或导办改为优先"),
    )
    announce_times = models.PositiveSmallIntegerField(
        _("每次叫号播报遍数"), default=2, validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    starvation_minutes = models.PositiveIntegerField(
        _("超长等候优先（分钟）"), default=45,
        help_text=_("等候超过该时长的号不再受窗口事项顺序限制"),
    )
    # The bound on every ticket's wait: past it a ticket overtakes priority classes too (hallops.core.order).
    max_wait_minutes = models.PositiveIntegerField(
        _("最长等候（分钟）"), default=60,
        help_text=_("等候超过该时长的号先于优先类别和预约叫号，按排队先后"),
    )
    long_wait_alert_minutes = models.PositiveIntegerField(_("等候超时告警（分钟）"), default=30)
    # The dashboard colours a matter yellow or red when its longest or estimated wait passes these.
    wait_yellow_minutes = models.PositiveIntegerField(_("等候黄色提示（分钟）"), default=15)
    wait_red_minutes = models.PositiveIntegerField(_("等候红色提示（分钟）"), default=30)
    idle_alert_minutes = models.PositiveIntegerField(_("窗口空闲告警（分钟）"), default=5)
    pause_alert_minutes = models.PositiveIntegerField(_("暂停过久告警（分钟）"), default=20)
    appointment_early_minutes = models.PositiveIntegerField(_("预约提前签到（分钟）"), default=30)
    # 预约 rules (docs/appointments.md).
    booking_days_ahead = models.PositiveIntegerField(_("可提前预约工作日数"), default=5)
    booking_cancel_minutes = models.PositiveIntegerField(_("最晚取消（时段开始前分钟）"), default=120)
    no_show_grace_minutes = models.PositiveIntegerField(_("爽约宽限（时段结束后分钟）"), default=15)
    no_show_limit = models.PositiveIntegerField(_("爽约次数上限"), default=3)
    no_show_window_days = models.PositiveIntegerField(_("爽约统计天数"), default=30)
    booking_block_days = models.PositiveIntegerField(_("爽约后限制预约天数"), default=30)

    class Meta:
        verbose_name = _("大厅")
        verbose_name_plural = _("大厅")
        ordering = ["code"]

    def __str__(self):
        return self.name

    def clean(self):
        # Checked where it is edited (admin, forms, full_clean): a bad template is refused here,
        # and announcement.render falls back to the default for one saved before this check.
        wrong = announcement.problems(self.announcement_template)
        if wrong:
            raise ValidationError({"announcement_template": wrong})


class EventSequence(models.Model):
    """The last event number of a hall; its row lock makes the sequence gap-free.

    Kept apart from Hall so that saving a hall in the admin never rewinds it.
    """

    hall = models.OneToOneField(Hall, on_delete=models.CASCADE, primary_key=True, related_name="sequence")
    last = models.BigIntegerField(default=0)


class Zone(models.Model):
    """专区: 法人服务区, 自然人服务区, 不动产服务专区, 24小时自助区 ..."""

    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="zones", verbose_name=_("大厅"))
    code = models.SlugField(_("编码"), max_length=40)
    name = models.CharField(_("名称"), max_length=80)
    order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("专区")
        verbose_name_plural = _("专区")
        ordering = ["hall", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["hall", "code"], name="zone_code_per_hall")]

    def __str__(self):
        return self.name


class Department(models.Model):
    """The department (部门) responsible for a matter, e.g. 市场监管局."""

    code = models.SlugField(_("编码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=80)

    class Meta:
        verbose_name = _("部门")
        verbose_name_plural = _("部门")
        ordering = ["code"]

    def __str__(self):
        return self.name
