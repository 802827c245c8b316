"""好差评 pages, mounted at /evaluations/ by hallops/urls.py."""

from django.urls import path

from . import views

app_name = "evaluations"

urlpatterns = [
    path("<slug:hall>/cases/", views.case_list, name="cases"),
    path("<slug:hall>/cases/new/", views.case_new, name="case-new"),
    path("<slug:hall>/cases/<int:case_id>/", views.case_detail, name="case"),
    path("<slug:hall>/ranking/", views.ranking, name="ranking"),
    path("<slug:hall>/paper/", views.paper_rating, name="paper"),
]
