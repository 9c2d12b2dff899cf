"""Voices: imports pages."""

from django.urls import URLPattern, path

from sidebyside.voices import views_imports as views

urlpatterns: list[URLPattern] = [
    path("hubs/<int:hub_id>/imports/new/", views.import_new, name="import"),
    path("imports/<int:job_id>/", views.import_job, name="import_job"),
    path("imports/<int:job_id>/preview/", views.import_preview, name="import_preview"),
    path("imports/<int:job_id>/progress/", views.import_progress, name="import_progress"),
    path("imports/<int:job_id>/rows-left-out.csv", views.import_problems_csv, name="import_problems_csv"),
    path("imports/<int:job_id>/again/", views.import_again, name="import_again"),
]
