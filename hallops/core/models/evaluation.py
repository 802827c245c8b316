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

    class Meta:
        verbose_name = _("评价")
        verbose_name_plural = _("评价")
        ordering = ["-created_at"]

    @property
    def is_bad(self) -> bool:
        return self.level <= EvaluationLevel.DISSATISFIED
