from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "hallops.core"
    label = "core"
    verbose_name = _("大厅与排队")
