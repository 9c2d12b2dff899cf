"""Enquiries: the board, each enquiry, its evidence, actions and updates."""

from django.urls import path

from sidebyside.enquiries import views_board as views

urlpatterns = [
    path("programmes/<int:programme_id>/enquiries/", views.board, name="board"),
    path("programmes/<int:programme_id>/enquiries/new/", views.enquiry_add, name="enquiry_add"),
    path("programmes/<int:programme_id>/actions/", views.actions_list, name="actions"),
    path("enquiries/<int:enquiry_id>/", views.enquiry_detail, name="enquiry"),
    path("enquiries/<int:enquiry_id>/change/", views.enquiry_edit, name="enquiry_edit"),
    path("enquiries/<int:enquiry_id>/move/", views.enquiry_move, name="enquiry_move"),
    path("enquiries/<int:enquiry_id>/delete/", views.enquiry_delete, name="enquiry_delete"),
    path("enquiries/<int:enquiry_id>/evidence/", views.evidence, name="evidence"),
    path("evidence/<int:evidence_id>/remove/", views.evidence_remove, name="evidence_remove"),
    path("themes/<int:theme_id>/enquiry/", views.theme_link, name="theme_link"),
    path("enquiries/<int:enquiry_id>/actions/new/", views.action_add, name="action_add"),
    path("actions/<int:action_id>/", views.action_detail, name="action"),
    path("actions/<int:action_id>/change/", views.action_edit, name="action_edit"),
    path("actions/<int:action_id>/status/", views.action_status, name="action_status"),
    path("actions/<int:action_id>/delete/", views.action_delete, name="action_delete"),
    path("enquiries/<int:enquiry_id>/updates/new/", views.update_add, name="update_add"),
    path("updates/<int:update_id>/delete/", views.update_delete, name="update_delete"),
]
