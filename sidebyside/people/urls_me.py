"""Each person's own pages, under /me/: only ever the signed-in person's own record."""

from django.urls import path

from sidebyside.people import views_me as views

urlpatterns = [
    path("me/", views.me, name="me"),
    path("me/details/", views.me_details, name="me_details"),
    path("me/contact/", views.me_contact, name="me_contact"),
    path("me/about/", views.me_about, name="me_about"),
    path("me/consents/<slug:purpose>/", views.me_consent, name="me_consent"),
    path("me/needs/", views.me_needs, name="me_needs"),
    path("me/plan/", views.me_plan, name="me_plan"),
    path("me/plan/edit/", views.me_plan_edit, name="me_plan_edit"),
    path("me/pause/", views.me_pause, name="me_pause"),
    path("me/data/", views.me_data, name="me_data"),
    path("me/data/download/<slug:fmt>/", views.me_data_download, name="me_data_download"),
    path("me/forget/", views.me_forget, name="me_forget"),
]
