from django.conf import settings
from django.db import models
from django.db.models.functions import Length
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


def window_number_key(number: str):
    """3 before 10: window numbers are text ("3", "10", "A2") but people count them."""
    digits = "".join(ch for ch in number if ch.isdigit())
    return (int(digits) if digits else 1 << 30, number)


class WindowKind(models.TextChoices):
    GENERAL = "general", _("无差别综窗")
    DOMAIN = "domain", _("分领域综窗")
    DEDICATED = "dedicated", _("专窗")
    ASSISTED = "assisted", _("帮办代办")
    ESCALATION = "escalation", _("办不成事")


class WindowState(models.TextChoices):
    CLOSED = "closed", _("关闭")
    OPEN = "open", _("空闲")
    PAUSED = "paused", _("暂停服务")
    SERVING = "serving", _("办理中")


class Window(models.Model):
    hall = models.ForeignKey("core.Hall", on_delete=models.CASCADE, related_name="windows", verbose_name=_("大厅"))
    zone = models.ForeignKey("core.Zone", on_delete=models.PROTECT, related_name="windows", verbose_name=_("专区"))
    number = models.CharField(_("窗口号"), max_length=8)
    name = models.CharField(_("名称"), max_length=80)
    kind = models.CharField(_("类型"), max_length=12, choices=WindowKind.choices, default=WindowKind.GENERAL)
    state = models.CharField(_("状态"), max_length=10, choices=WindowState.choices, default=WindowState.CLOSED)
    state_since = models.DateTimeField(_("状态开始时间"), null=True, blank=True)
    pause_reason = models.CharField(_("暂停原因"), max_length=80, blank=True)
    # 同岗替代: a colleague covering a pause; patrols do not flag the seat as off post.
    stand_in = models.CharField(_("替岗人员"), max_length=40, blank=True)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="windows",
        verbose_name=_("在岗人员"),
    )
    services = models.ManyToManyField("core.Service", through="core.WindowService", related_name="windows")

    class Meta:
        verbose_name = _("窗口")
        verbose_name_plural = _("窗口")
        # 3 before 10 in every list (admin, console, dashboard): shorter numbers first, then by text.
        ordering = ["hall", Length("number"), "number"]
        constraints = [models.UniqueConstraint(fields=["hall", "number"], name="window_number_per_hall")]

    def __str__(self):
        return gettext("%(n)s号 %(name)s") % {"n": self.number, "name": self.name}


class WindowService(models.Model):
    """A service a window serves, with its place in the window's order of preference."""

    window = models.ForeignKey(Window, on_delete=models.CASCADE, related_name="window_services")
    service = models.ForeignKey("core.Service", on_delete=models.CASCADE, related_name="window_services")
    preference = models.PositiveIntegerField(_("优先顺序"), default=0, help_text=_("数字越小越先叫"))

    class Meta:
        verbose_name = _("窗口事项")
        verbose_name_plural = _("窗口事项")
        ordering = ["window", "preference"]
        constraints = [models.UniqueConstraint(fields=["window", "service"], name="window_service_once")]
