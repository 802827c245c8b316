import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DeviceKind(models.TextChoices):
    KIOSK = "kiosk", _("取号机")
    PRINTER = "printer", _("打印机")
    HALL_SCREEN = "hall_screen", _("综合屏")
    WINDOW_DISPLAY = "window_display", _("窗口屏")
    EVALUATION_PAD = "evaluation_pad", _("评价器")
    CAMERA = "camera", _("摄像头")
    GATEWAY = "gateway", _("设备网关")


class Device(models.Model):
    hall = models.ForeignKey("core.Hall", on_delete=models.CASCADE, related_name="devices", verbose_name=_("大厅"))
    window = models.ForeignKey(
        "core.Window", on_delete=models.SET_NULL, null=True, blank=True, related_name="devices",
        verbose_name=_("窗口"),
    )
    kind = models.CharField(_("类型"), max_length=20, choices=DeviceKind.choices)
    name = models.CharField(_("名称"), max_length=60, unique=True, help_text=_("系统内的唯一标识，如 demo-pad-1"))
    label = models.CharField(_("显示名称"), max_length=60, blank=True,
                             help_text=_("告警和列表里给人看的名字，如 大厅入口取号机；留空则按窗口和类型生成"))
    url = models.CharField(
        _("连接地址"), max_length=200, blank=True,
        help_text=_("如 tcp://192.168.1.50:9100、serial:///dev/ttyUSB0?baudrate=9600&address=3、virtual://"),
    )
    # Which device (a gateway) drives this one; empty for browser devices and the embedded gateway.
    gateway = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="attached", verbose_name=_("所属网关"),
    )
    options = models.JSONField(_("参数"), default=dict, blank=True)
    enabled = models.BooleanField(_("启用"), default=True)
    # Health, kept by the device hub.
    online = models.BooleanField(_("在线"), default=False)
    last_seen = models.DateTimeField(_("最后心跳"), null=True, blank=True)
    heartbeat_s = models.PositiveIntegerField(_("心跳间隔（秒）"), default=30)
    status = models.JSONField(_("状态"), default=dict, blank=True)

    class Meta:
        verbose_name = _("设备")
        verbose_name_plural = _("设备")
        ordering = ["hall", "kind", "name"]

    def __str__(self):
        return self.name

    @property
    def display_name(self) -> str:
        """What people call it: its label, else "1号窗口评价器", else "取号机 demo-kiosk-1"."""
        if self.label:
            return self.label
        if self.window_id:
            return _("%(n)s号窗口%(kind)s") % {"n": self.window.number, "kind": self.get_kind_display()}
        return f"{self.get_kind_display()} {self.name}"


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def lookup(self, raw: str):
        return self.select_related("user__staff", "device").filter(key_hash=_digest(raw), revoked=False).first()


class ApiToken(models.Model):
    """A bearer token for a staff member or a device. Only its hash is stored."""

    key_hash = models.CharField(_("令牌摘要"), max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("前缀"), max_length=12, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="api_tokens",
        verbose_name=_("用户"),
    )
    device = models.ForeignKey(
        Device, on_delete=models.CASCADE, null=True, blank=True, related_name="tokens", verbose_name=_("设备"),
    )
    created_at = models.DateTimeField(_("签发时间"), auto_now_add=True)
    revoked = models.BooleanField(_("已吊销"), default=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("访问令牌")
        verbose_name_plural = _("访问令牌")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(user__isnull=False, device__isnull=True) | models.Q(user__isnull=True, device__isnull=False),
                name="token_for_user_xor_device",
            )
        ]

    @classmethod
    def issue(cls, *, user=None, device=None) -> str:
        raw = ("hsd_" if device else "hsu_") + secrets.token_urlsafe(24)
        cls.objects.create(key_hash=_digest(raw), prefix=raw[:10], user=user, device=device)
        return raw

    def __str__(self):
        return f"{self.prefix}… ({self.user or self.device})"
