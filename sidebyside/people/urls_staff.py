from django.urls import path

from sidebyside.people import views_staff as views

person = "people/<int:person_id>/"

urlpatterns = [
    path("programmes/<int:programme_id>/people/", views.programme_people, name="programme_people"),
    path("hubs/<int:hub_id>/people/", views.hub_people, name="hub_people"),
    path("hubs/<int:hub_id>/people/new/", views.person_add, name="person_add"),
    path("hubs/<int:hub_id>/people/history/", views.hub_history, name="hub_history"),
    path(person, views.person_detail, name="person"),
    path(f"{person}edit/", views.person_edit, name="person_edit"),
    path(f"{person}about/", views.person_about, name="person_about"),
    path(f"{person}status/", views.person_status, name="person_status"),
    path(f"{person}consent/", views.person_consents, name="person_consents"),
    path(f"{person}consent/<slug:purpose>/", views.person_consent, name="person_consent"),
    path(
        f"{person}consent/<slug:purpose>/withdraw/",
        views.person_consent_withdraw,
        name="person_consent_withdraw",
    ),
    path(f"{person}support-needs/", views.person_needs, name="person_needs"),
    path(f"{person}support-needs/edit/", views.person_needs_edit, name="person_needs_edit"),
    path(f"{person}plan/", views.person_plan, name="person_plan"),
    path(f"{person}plan/edit/", views.person_plan_edit, name="person_plan_edit"),
    path(f"{person}plan/catch-ups/new/", views.person_catch_up_add, name="person_catch_up_add"),
    path(f"{person}history/", views.person_history, name="person_history"),
    path(f"{person}sign-in-card/", views.person_sign_in_card, name="person_sign_in_card"),
    path(f"{person}requests/<int:request_id>/done/", views.person_request_done, name="person_request_done"),
    path(f"{person}erase/", views.person_erase, name="person_erase"),
    path(f"{person}merge/", views.person_merge, name="person_merge"),
    path(f"{person}export/<slug:fmt>/", views.person_export, name="person_export"),
]
