"""好差评 configuration (reasons, indicator sets, regional policy) and cases (工单) with their steps."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class RatingReason(models.Model):
    """One entry of the configured list a citizen picks from for a bad rating (差评原因)."""

    code = models.SlugField(_("编码"), max_length=40, unique=True)
    text = models.CharField(_("原因"), max_length=80)
    order = models.PositiveIntegerField(_("排序"), default=0)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("差评原因")
        verbose_name_plural = _("差评原因")
        ordering = ["order", "code"]

    def __str__(self):
        return self.text


class IndicatorSet(models.Model):
    """The on-site indicators (整体满意度/服务效率/服务水平/服务态度) as versioned data: the national set
    changes by notice, not by release. Exactly one set is active; each rating records the version it used."""

    version = models.CharField(_("版本"), max_length=40, unique=True)
    items = models.JSONField(_("指标"), help_text=_('如 [{"code": "overall", "label": "整体满意度"}, …]'))
    active = models.BooleanField(_("当前使用"), default=False)

    class Meta:
        verbose_name = _("评价指标")
        verbose_name_plural = _("评价指标")
        ordering = ["-active", "version"]
        constraints = [models.UniqueConstraint(fields=["active"], condition=models.Q(active=True),
                                               name="one_active_indicator_set")]

    def __str__(self):
        return self.version


class RegionPolicy(models.Model):
    """Deadlines and the phone-rating period for a region (行政区划 code prefix; empty = everywhere).

    The longest prefix matching a hall's 12-digit region code applies; without any row the
    national defaults below hold (回访 1, 整改 15, 代办 3 working days).
    """

    region_prefix = models.CharField(
        _("行政区划代码前缀"), max_length=12, unique=True, blank=True,
        validators=[RegexValidator(r"^\d{0,12}$", _("只能是数字"))],
        help_text=_("如 43 为湖南省，4331 为湘西州；留空为全部地区"),
    )
    name = models.CharField(_("名称"), max_length=60, blank=True)
    follow_up_days = models.PositiveSmallIntegerField(_("回访时限（工作日）"), default=1)
    bad_rating_days = models.PositiveSmallIntegerField(_("差评整改时限（工作日）"), default=15)
    unresolved_days = models.PositiveSmallIntegerField(_("办不成事办结时限（工作日）"), default=15)
    hotline_days = models.PositiveSmallIntegerField(_("12345工单办结时限（工作日）"), default=15)
    assisted_days = models.PositiveSmallIntegerField(_("帮办代办时限（工作日）"), default=3)
    qr_rating_hours = models.PositiveIntegerField(_("扫码评价期限（小时）"), default=72,
                                                  help_text=_("办结后群众可用手机扫码评价的时长"))

    class Meta:
        verbose_name = _("地区时限设置")
        verbose_name_plural = _("地区时限设置")
        ordering = ["region_prefix"]

    def __str__(self):
        return self.name or self.region_prefix or str(_("全部地区"))


class CaseKind(models.TextChoices):
    BAD_RATING = "bad_rating", _("差评整改")
    UNRESOLVED = "unresolved", _("办不成事")
    HOTLINE = "hotline", _("12345转办")
    ASSISTED = "assisted", _("帮办代办")


class CaseStatus(models.TextChoices):
    ACCEPTED = "accepted", _("已受理")
    VERIFIED = "verified", _("已核实")
    DISPUTED = "disputed", _("核实为误评或恶意评价")
    APPEALED = "appealed", _("申诉待复核")
    EXCLUDED = "excluded", _("复核剔除")
    RECTIFIED = "rectified", _("已整改")
    ANSWERED = "answered", _("已反馈")
    FOLLOWED_UP = "followed_up", _("已回访")
    CLOSED = "closed", _("已办结")


class Case(models.Model):
    """工单: one model and one workflow for bad ratings, 办不成事, 12345 transfers and 帮办代办."""

    hall = models.ForeignKey("core.Hall", on_delete=models.CASCADE, related_name="cases", verbose_name=_("大厅"))
    kind = models.CharField(_("类型"), max_length=12, choices=CaseKind.choices)
    status = models.CharField(_("状态"), max_length=12, choices=CaseStatus.choices, default=CaseStatus.ACCEPTED)
    evaluation = models.OneToOneField(
        "core.Evaluation", on_delete=models.PROTECT, null=True, blank=True, related_name="case",
        verbose_name=_("评价"),
    )
    ticket = models.ForeignKey("core.Ticket", on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="cases", verbose_name=_("号票"))
    window = models.ForeignKey("core.Window", on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="cases", verbose_name=_("窗口"))
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("涉及人员"))
    service = models.ForeignKey("core.Service", on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="cases", verbose_name=_("事项"))
    department = models.ForeignKey("core.Department", on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="cases", verbose_name=_("部门"))
    external_number = models.CharField(_("外部工单号"), max_length=64, blank=True)
    description = models.TextField(_("诉求内容"), blank=True)
    # For the follow-up call only; shown to lobby managers and supervisors, never to staff.
    contact_name = models.CharField(_("联系人"), max_length=40, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    opened_at = models.DateTimeField(_("受理时间"))
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+", verbose_name=_("受理人"))
    # Local dates, inclusive: the case is overdue from the day after.
    due = models.DateField(_("办结时限"))
    follow_up_due = models.DateField(_("回访时限"))
    verdict = models.CharField(_("核实结论"), max_length=10, blank=True)
    satisfaction = models.PositiveSmallIntegerField(_("回访满意度"), null=True, blank=True)
    # Days of the milestones (local), kept on the row so figures and overdue counts are one grouped query.
    rectified_on = models.DateField(_("整改日期"), null=True, blank=True)
    followed_up_on = models.DateField(_("回访日期"), null=True, blank=True)
    closed_on = models.DateField(_("办结日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("工单")
        verbose_name_plural = _("工单")
        ordering = ["-opened_at"]
        indexes = [models.Index(fields=["hall", "status"], name="case_hall_status"),
                   models.Index(fields=["hall", "opened_at"], name="case_hall_opened")]
        constraints = [
            models.UniqueConstraint(fields=["hall", "external_number"], condition=~models.Q(external_number=""),
                                    name="case_external_number_once"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"


class CaseStep(models.Model):
    """One step of a case: who, when, a note, and what the step decided."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="steps", verbose_name=_("工单"))
    step = models.CharField(_("环节"), max_length=12)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                           related_name="+", verbose_name=_("办理人"))
    at = models.DateTimeField(_("时间"))
    note = models.TextField(_("说明"), blank=True)
    data = models.JSONField(_("结论"), default=dict, blank=True)
    picture = models.ImageField(_("图片"), upload_to="cases/%Y/%m/", blank=True)

    class Meta:
        verbose_name = _("工单环节")
        verbose_name_plural = _("工单环节")
        ordering = ["case", "at", "pk"]
