from django.urls import path

from . import views

app_name = "devices"

urlpatterns = [
    path("tickets/<uuid:ticket_id>/preview.png", views.ticket_preview, name="ticket-preview"),
]
