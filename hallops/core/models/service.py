from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Service(models.Model):
    """事项: a matter citizens take a number for; carries the ticket prefix."""

    class Kind(models.TextChoices):
        IMMEDIATE = "immediate", _("即办件")
        PROMISED = "promised", _("承诺件")

    hall = models.ForeignKey("core.Hall", on_delete=models.CASCADE, related_name="services", verbose_name=_("大厅"))
    zone = models.ForeignKey("core.Zone", on_delete=models.PROTECT, related_name="services", verbose_name=_("专区"))
    department = models.ForeignKey(
        "core.Department", on_delete=models.PROTECT, null=True, blank=True, related_name="services",
        verbose_name=_("部门"),
    )
    code = models.SlugField(_("事项编码"), max_length=60)
    name = models.CharField(_("名称"), max_length=120)
    # The matter's code and version in the provincial catalogue (实施清单), for the 好差评 export;
    # `code` above is the hall's own short code used in URLs.
    catalogue_code = models.CharField(_("实施清单事项编码"), max_length=64, blank=True)
    catalogue_version = models.CharField(_("事项版本号"), max_length=20, blank=True)
    prefix = models.CharField(
        _("号票字头"), max_length=2,
        validators=[RegexValidator(r"^[A-Z]{1,2}$", _("字头为一到两个大写字母"))],
    )
    kind = models.CharField(_("办件类型"), max_length=12, choices=Kind.choices, default=Kind.IMMEDIATE)
    expected_minutes = models.PositiveIntegerField(_("预计办理时长（分钟）"), default=10)
    committed_minutes = models.PositiveIntegerField(
        _("承诺办理时限（分钟）"), null=True, blank=True,
        help_text=_("窗口办理的承诺时限，用于按时办结率；留空为不统计"),
    )
    daily_quota = models.PositiveIntegerField(_("每日放号量"), null=True, blank=True, help_text=_("留空为不限"))
    bookable = models.BooleanField(_("可预约"), default=False)
    booking_needs_id = models.BooleanField(_("预约须填证件号"), default=False)
    materials = models.TextField(_("一次性告知（所需材料）"), blank=True, help_text=_("每行一项"))
    guide = models.TextField(_("办事指南"), blank=True, help_text=_("办理条件、流程、地点等，取号前在取号机上显示"))
    active = models.BooleanField(_("启用"), default=True)
    order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("事项")
        verbose_name_plural = _("事项")
        ordering = ["hall", "zone__order", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["hall", "code"], name="service_code_per_hall")]

    def __str__(self):
        return f"{self.prefix} {self.name}"
