from django.db import models
from django.utils.translation import gettext_lazy as _


class StaffingTarget(models.Model):
    """A hall's service target and what the advice assumes; halls without one use the defaults."""

    hall = models.OneToOneField("core.Hall", on_delete=models.CASCADE, primary_key=True,
                                related_name="staffing_target", verbose_name=_("大厅"))
    target_share = models.FloatField(_("目标比例"), default=0.8, help_text=_("如 0.8：80% 的群众在目标时长内被叫号"))
    target_wait_minutes = models.PositiveIntegerField(_("目标等候（分钟）"), default=15)
    shrinkage = models.FloatField(_("损耗率"), default=0.15, help_text=_("休息、替岗、后台工作占窗口时间的比例"))
    history_weeks = models.PositiveSmallIntegerField(_("参考历史周数"), default=6, help_text=_("4 到 8 周"))

    class Meta:
        verbose_name = _("窗口配置目标")
        verbose_name_plural = _("窗口配置目标")

    @classmethod
    def for_hall(cls, hall):
        return cls.objects.filter(hall=hall).first() or cls(hall=hall)
