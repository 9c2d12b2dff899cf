"""Enquiries: what happened to what people said (my impact, and each contribution's journey)."""

from django.urls import URLPattern, path

from sidebyside.enquiries import views_impact as views

urlpatterns: list[URLPattern] = [
    path("me/impact/", views.my_impact, name="my_impact"),
    path(
        "contributions/<int:contribution_id>/journey/",
        views.contribution_journey,
        name="contribution_journey",
    ),
]
