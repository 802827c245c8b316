from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class EvaluationLevel(models.IntegerChoices):
    VERY_SATISFIED = 5, _("非常满意")
    SATISFIED = 4, _("满意")
    BASICALLY_SATISFIED = 3, _("基本满意")
    DISSATISFIED = 2, _("不满意")
    VERY_DISSATISFIED = 1, _("非常不满意")


class Evaluation(models.Model):
    """好差评: one rating per ticket (一事一评); 1 and 2 are bad ratings (差评)."""

    class Source(models.TextChoices):
        PAD = "pad", _("评价器")
        TABLET = "tablet", _("平板评价页")
        QR = "qr", _("扫码评价")
        PAPER = "paper", _("纸质评价")

    # GB/T 39734: the rater stays anonymous towards staff. The contact below is only for the
    # follow-up call (实名差评回访) and is shown to lobby managers and supervisors, never to staff.

    ticket = models.OneToOneField("core.Ticket", on_delete=models.PROTECT, related_name="evaluation", verbose_name=_("号票"))
    hall = models.ForeignKey("core.Hall", on_delete=models.CASCADE, related_name="evaluations", verbose_name=_("大厅"))
    window = models.ForeignKey(
        "core.Window", on_delete=models.SET_NULL, null=True, related_name="evaluations", verbose_name=_("窗口"),
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("办理人员"),
    )
    service = models.ForeignKey("core.Service", on_delete=models.PROTECT, related_name="evaluations", verbose_name=_("事项"))
    level = models.PositiveSmallIntegerField(_("评价等级"), choices=EvaluationLevel.choices)
    # Indicator scores (整体满意度/服务效率/...) are a national list kept as data, not columns.
    indicators = models.JSONField(_("分项评价"), default=dict, blank=True)
    source = models.CharField(_("评价渠道"), max_length=10, choices=Source.choices, default=Source.PAD)
    device = models.ForeignKey(
        "core.Device", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("评价设备"),
    )
    created_at = models.DateTimeField(_("评价时间"))
    indicator_version = models.CharField(_("评价指标版本"), max_length=40, blank=True)
    # Codes from the configured list of bad-rating reasons (差评原因), for levels 1–2 only.
    reasons = models.JSONField(_("差评原因"), default=list, blank=True)
    comment = models.CharField(_("评价意见"), max_length=500, blank=True)
    contact_name = models.CharField(_("评价人姓名"), max_length=40, blank=True)
    contact_phone = models.CharField(_("评价人电话"), max_length=20, blank=True)
    # A paper form typed in by staff: who typed it, never who was rated.
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("录入人员"),
    )
    # Set by a supervisor's review (复核) of an appeal: the rating stays on record but out of the figures.
    excluded = models.BooleanField(_("复核剔除"), default=False)

    class Meta:
        verbose_name = _("评价")
        verbose_name_plural = _("评价")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["hall", "created_at"], name="evaluation_hall_time")]

    @property
    def is_bad(self) -> bool:
        return self.level <= EvaluationLevel.DISSATISFIED
