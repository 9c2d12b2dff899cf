"""Gatherings: the method library and gatherings' agendas."""

from django.urls import path

from sidebyside.gatherings import views_methods as views

method = "methods/<int:method_id>/"
step = f"{method}steps/<int:step_id>/"
agenda = "gatherings/<int:gathering_id>/agenda/"
item = f"{agenda}<int:step_id>/"

urlpatterns = [
    path("programmes/<int:programme_id>/methods/", views.method_list, name="method_list"),
    path("programmes/<int:programme_id>/methods/new/", views.method_add, name="method_add"),
    path(method, views.method_detail, name="method"),
    path(f"{method}edit/", views.method_edit, name="method_edit"),
    path(f"{method}archive/", views.method_archive, name="method_archive"),
    path(f"{method}restore/", views.method_restore, name="method_restore"),
    path(f"{method}steps/new/", views.method_step_add, name="method_step_add"),
    path(f"{step}edit/", views.method_step_edit, name="method_step_edit"),
    path(f"{step}remove/", views.method_step_remove, name="method_step_remove"),
    path(f"{step}move/", views.method_step_move, name="method_step_move"),
    path(agenda, views.agenda, name="agenda"),
    path(f"{agenda}add-method/", views.agenda_add_method, name="agenda_add_method"),
    path(f"{agenda}add-item/", views.agenda_add_item, name="agenda_add_item"),
    path(f"{agenda}group-agreement/", views.agenda_ground_rules, name="agenda_ground_rules"),
    path(f"{item}edit/", views.agenda_item_edit, name="agenda_item_edit"),
    path(f"{item}remove/", views.agenda_item_remove, name="agenda_item_remove"),
    path(f"{item}move/", views.agenda_item_move, name="agenda_item_move"),
]
