"""Patrol pages, mounted at /patrol/ by hallops/urls.py."""

from django.urls import path

from . import views

app_name = "patrol"

urlpatterns = [
    path("<slug:hall>/", views.grid, name="grid"),
    path("<slug:hall>/cameras/<int:camera_id>/snapshot.jpg", views.camera_snapshot, name="camera-snapshot"),
    path("<slug:hall>/cameras/<int:camera_id>/live.mjpg", views.camera_live, name="camera-live"),
    path("<slug:hall>/cameras/<int:camera_id>/regions/", views.regions, name="regions"),
    path("<slug:hall>/cameras/<int:camera_id>/reference/", views.capture_reference, name="reference"),
    path("<slug:hall>/snapshots/<int:snapshot_id>.jpg", views.snapshot_image, name="snapshot"),
    path("<slug:hall>/timeline/", views.timeline, name="timeline"),
    path("<slug:hall>/detections/<int:detection_id>/review/", views.review_detection, name="review"),
    path("<slug:hall>/rounds/", views.rounds, name="rounds"),
    path("<slug:hall>/rounds/<int:round_id>/", views.round_walk, name="round"),
    path("<slug:hall>/rounds/<int:round_id>/findings/", views.round_finding, name="round-finding"),
    path("<slug:hall>/rounds/<int:round_id>/<str:action>/", views.round_action, name="round-action"),
    path("<slug:hall>/notices/", views.notices, name="notices"),
    path("<slug:hall>/notices/new/", views.notice_new, name="notice-new"),
    path("<slug:hall>/notices/<int:notice_id>/", views.notice_detail, name="notice"),
    path("<slug:hall>/history/", views.history, name="history"),
    path("<slug:hall>/figures/", views.figures, name="figures"),
    path("<slug:hall>/windows/<int:window_id>/short-absence/", views.short_absence, name="short-absence"),
]
