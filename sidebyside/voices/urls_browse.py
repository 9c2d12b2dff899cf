"""Voices: browse pages."""

from django.urls import path

from sidebyside.voices import views_browse as views

urlpatterns = [
    path("hubs/<int:hub_id>/contributions/", views.hub_contributions, name="hub_contributions"),
    path("hubs/<int:hub_id>/contributions.csv", views.hub_contributions_csv, name="hub_contributions_csv"),
    path("hubs/<int:hub_id>/contributions.xlsx", views.hub_contributions_xlsx, name="hub_contributions_xlsx"),
]
