from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    WINDOW_STAFF = "window_staff", _("窗口人员")
    LOBBY_MANAGER = "lobby_manager", _("大厅值班长")
    SUPERVISOR = "supervisor", _("督查人员")
    ADMIN = "admin", _("管理员")


class StaffProfile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff")
    hall = models.ForeignKey(
        "core.Hall", on_delete=models.CASCADE, null=True, blank=True, related_name="staff",
        verbose_name=_("大厅"), help_text=_("管理员可留空，表示所有大厅"),
    )
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, default=Role.WINDOW_STAFF)
    display_name = models.CharField(_("姓名"), max_length=40)
    staff_no = models.CharField(_("工号"), max_length=20, blank=True)
    title = models.CharField(_("职务"), max_length=40, blank=True)
    photo = models.ImageField(_("照片"), upload_to="staff/", blank=True)

    class Meta:
        verbose_name = _("工作人员")
        verbose_name_plural = _("工作人员")

    def __str__(self):
        return f"{self.display_name} ({self.get_role_display()})"
