"""Voices: answering from a phone (public, no account), and the staff page that sets it up."""

from django.urls import URLPattern, path

from sidebyside.voices import views_join as views

one = "gatherings/<int:gathering_id>/phones/"

urlpatterns: list[URLPattern] = [
    # Public: what a phone opens.
    path("join/", views.join_start, name="join_start"),
    path("j/<str:code>/", views.join_answer, name="join_answer"),
    path("j/<str:code>/thanks/", views.join_thanks, name="join_thanks"),
    # Staff: "Answers from phones" for one gathering.
    path(one, views.join_setup, name="join_setup"),
    path(f"{one}questions/", views.join_question_add, name="join_question_add"),
    path(
        f"{one}questions/<int:question_id>/remove/", views.join_question_remove, name="join_question_remove"
    ),
    path(f"{one}questions/<int:question_id>/move/", views.join_question_move, name="join_question_move"),
    path(f"{one}checking/", views.join_checking, name="join_checking"),
    path(f"{one}close/", views.join_close, name="join_close"),
    path(f"{one}poster/", views.join_poster, name="join_poster"),
    path(f"{one}qr.svg", views.join_qr, name="join_qr"),
]
