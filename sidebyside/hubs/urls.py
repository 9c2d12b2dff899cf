from django.urls import path

from sidebyside.hubs import views

app_name = "hubs"

urlpatterns = [
    path("programmes/<int:programme_id>/edit/", views.programme_edit, name="programme_edit"),
    path("programmes/<int:programme_id>/hubs/new/", views.hub_create, name="hub_create"),
    path("hubs/<int:hub_id>/edit/", views.hub_edit, name="hub_edit"),
    path("hubs/<int:hub_id>/archive/", views.hub_archive, name="hub_archive"),
    path("hubs/<int:hub_id>/restore/", views.hub_restore, name="hub_restore"),
    path("programmes/<int:programme_id>/organisations/", views.organisation_list, name="organisation_list"),
    path(
        "programmes/<int:programme_id>/organisations/new/",
        views.organisation_create,
        name="organisation_create",
    ),
    path("organisations/<int:organisation_id>/edit/", views.organisation_edit, name="organisation_edit"),
    path(
        "organisations/<int:organisation_id>/archive/",
        views.organisation_archive,
        name="organisation_archive",
    ),
    path(
        "organisations/<int:organisation_id>/restore/",
        views.organisation_restore,
        name="organisation_restore",
    ),
]
