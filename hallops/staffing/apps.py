from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffingConfig(AppConfig):
    name = "hallops.staffing"
    label = "staffing"
    verbose_name = _("窗口配置建议")
    default_auto_field = "django.db.models.BigAutoField"
