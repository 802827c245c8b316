from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DevicesConfig(AppConfig):
    name = "hallops.devices"
    label = "devices"  # tables and migration history predate the move under hallops/
    verbose_name = _("设备")

    def ready(self):
        from . import adapters

        adapters.register()
