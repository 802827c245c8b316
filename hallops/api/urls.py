"""Mounted by hallops/urls.py at /api/v1/ under the namespace "api"."""

from .app import api

urlpatterns = api.urls[0]
app_name = "api"
