from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SitesConfig(AppConfig):
    name = "hallops.sites"
    label = "sites"
    verbose_name = _("服务网点")
    default_auto_field = "django.db.models.BigAutoField"
