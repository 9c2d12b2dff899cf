"""Voices: the live wall, for a gathering's shared screen."""

from django.urls import path

from sidebyside.voices import views_wall as views

urlpatterns = [
    path("gatherings/<int:gathering_id>/wall/", views.wall, name="wall"),
    path("gatherings/<int:gathering_id>/wall/live/", views.wall_live, name="wall_live"),
    path(
        "gatherings/<int:gathering_id>/wall/<int:contribution_id>/hide/",
        views.wall_hide,
        name="wall_hide",
    ),
    path(
        "gatherings/<int:gathering_id>/wall/<int:contribution_id>/show/",
        views.wall_show,
        name="wall_show",
    ),
]
