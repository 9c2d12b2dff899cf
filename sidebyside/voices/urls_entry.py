"""Voices: rapid entry, for typing up sticky notes and paper notes."""

from django.urls import path

from sidebyside.voices import views_entry as views

urlpatterns = [
    path("hubs/<int:hub_id>/contributions/new/", views.entry, name="entry"),
    path("contributions/<int:contribution_id>/undo/", views.entry_undo, name="entry_undo"),
]
