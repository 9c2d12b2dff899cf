"""Voices: prompts pages (the questions a programme asks)."""

from django.urls import path

from sidebyside.voices import views_prompts as views

one = "prompts/<int:prompt_id>/"

urlpatterns = [
    path("programmes/<int:programme_id>/prompts/", views.prompt_list, name="prompt_list"),
    path("programmes/<int:programme_id>/prompts/new/", views.prompt_add, name="prompt_add"),
    path(f"{one}edit/", views.prompt_edit, name="prompt_edit"),
    path(f"{one}archive/", views.prompt_archive, name="prompt_archive"),
    path(f"{one}restore/", views.prompt_restore, name="prompt_restore"),
]
