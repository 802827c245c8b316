from django.contrib import admin
from django.urls import include, path

from hallops.ops import views as ops

urlpatterns = [
    path("healthz", ops.healthz, name="healthz"),
    path("readyz", ops.readyz, name="readyz"),
    path("metrics", ops.metrics, name="metrics"),
    path("admin/", admin.site.urls),
    path("api/v1/", ("hallops.api.urls", "api", "api")),  # include("hallops.api.urls"): the HTTP API
    path("i18n/", include("django.conf.urls.i18n")),  # set_language for the pages' language switch
    path("devices/", include("hallops.devices.urls")),  # ticket print preview (staff)
    path("", include("displays.urls")),  # the hall's pages, login/logout
    path("patrol/", include("hallops.patrol.urls")),
    path("evaluations/", include("hallops.evaluations.urls")),  # 好差评: cases, ranking, paper forms
]
