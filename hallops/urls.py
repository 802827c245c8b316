from django.contrib import admin
from django.urls import path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", ("hallops.api.urls", "api", "api")),  # include("hallops.api.urls"): the HTTP API
]
