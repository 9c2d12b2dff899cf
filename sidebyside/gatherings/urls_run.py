"""Gatherings: run pages."""

from django.urls import path

from sidebyside.gatherings import views_run as views

urlpatterns = [
    path("gatherings/<int:gathering_id>/run/", views.run_mode, name="run"),
]
