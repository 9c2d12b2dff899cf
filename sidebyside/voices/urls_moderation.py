"""Voices: moderation and safeguarding pages."""

from django.urls import path

from sidebyside.voices import views_moderation as views

one = "contributions/<int:contribution_id>/"

urlpatterns = [
    path("hubs/<int:hub_id>/contributions/check/", views.moderation_queue, name="moderation_queue"),
    path("hubs/<int:hub_id>/safeguarding-lead/", views.safeguarding_lead, name="safeguarding_lead"),
    path(one, views.contribution_detail, name="contribution"),
    path(f"{one}allow/", views.contribution_allow, name="contribution_allow"),
    path(f"{one}hide/", views.contribution_hide, name="contribution_hide"),
    path(f"{one}redact/", views.contribution_redact, name="contribution_redact"),
    path(f"{one}remove-words/", views.contribution_remove_words, name="contribution_remove_words"),
    path(f"{one}safeguarding/", views.contribution_safeguarding, name="contribution_safeguarding"),
]
