"""The hall's pages (mounted at the site root by hallops/urls.py)."""

from django.contrib.auth import views as auth_views
from django.contrib.staticfiles.views import serve as serve_static
from django.urls import path, re_path

from . import views
from .views import booking

urlpatterns = [
    path("", views.landing, name="landing"),
    path("accounts/login/", auth_views.LoginView.as_view(template_name="displays/login.html"), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("halls/<slug:hall>/kiosk/", views.kiosk, name="kiosk"),
    path("halls/<slug:hall>/book/", booking.book, name="book"),
    path("b/<slug:code>/", booking.booked, name="booked"),
    path("b/<slug:code>/qr.svg", booking.booked_qr, name="booked-qr"),
    path("halls/<slug:hall>/screen/", views.hall_screen, name="hall-screen"),
    path("halls/<slug:hall>/announce/", views.announce, name="announce"),
    path("halls/<slug:hall>/windows/<int:window_id>/screen/", views.window_screen, name="window-screen"),
    path("halls/<slug:hall>/windows/<int:window_id>/pad/", views.pad, name="pad"),
    path("halls/<slug:hall>/console/", views.console_choose, name="console-choose"),
    path("halls/<slug:hall>/console/<int:window_id>/", views.console, name="console"),
    path("halls/<slug:hall>/dashboard/", views.dashboard, name="dashboard"),
    path("halls/<slug:hall>/dashboard/series.json", views.dashboard_series, name="dashboard-series"),
    path("halls/<slug:hall>/reports/", views.reports, name="reports"),
    path("sites/", views.service_map, name="service-map"),
    path("t/<uuid:ticket_id>/", views.track, name="track"),
    path("t/<uuid:ticket_id>/qr.svg", views.qr_svg, name="track-qr"),
    path("t/<uuid:ticket_id>/cancel/", views.track_cancel, name="track-cancel"),
    # daphne serves no static files and a hall intranet has no CDN: the app serves its own CSS, JS and
    # voice clips (finders, no collectstatic needed). A front proxy may take /static/ over.
    re_path(r"^static/(?P<path>.*)$", serve_static, {"insecure": True}),
]
