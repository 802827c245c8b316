from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("devices/", include("devices.urls")),  # ticket print preview (staff)
    path("api/v1/", ("hallops.api.urls", "api", "api")),  # include("hallops.api.urls"): the HTTP API
]
