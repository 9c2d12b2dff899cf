"""Enquiries: "you said, we did" for a hub, and its poster."""

from django.urls import path

from sidebyside.enquiries import views_you_said as views

urlpatterns = [
    path("hubs/<int:hub_id>/you-said-we-did/", views.you_said, name="you_said"),
    path("hubs/<int:hub_id>/you-said-we-did/poster.pdf", views.you_said_poster, name="you_said_poster"),
]
