from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PatrolConfig(AppConfig):
    name = "hallops.patrol"
    label = "patrol"
    verbose_name = _("视频巡查")
