"""Gatherings: planning and recording pages."""

from django.urls import path

from sidebyside.gatherings import views_plan as views

one = "gatherings/<int:gathering_id>/"

urlpatterns = [
    path("hubs/<int:hub_id>/gatherings/", views.hub_gatherings, name="hub_gatherings"),
    path("hubs/<int:hub_id>/gatherings/new/", views.gathering_add, name="gathering_add"),
    path("hubs/<int:hub_id>/reminders/", views.hub_reminder_times, name="hub_reminder_times"),
    path("me/gatherings/", views.my_gatherings, name="my_gatherings"),
    path(one, views.gathering_detail, name="gathering"),
    path(f"{one}edit/", views.gathering_edit, name="gathering_edit"),
    path(f"{one}cancel/", views.gathering_cancel, name="gathering_cancel"),
    path(f"{one}delete/", views.gathering_delete, name="gathering_delete"),
    path(f"{one}reply/", views.gathering_reply, name="gathering_reply"),
    path(f"{one}people/", views.gathering_people, name="gathering_people"),
    path(f"{one}people/<int:registration_id>/", views.registration_change, name="registration_change"),
    path(f"{one}reminders/<int:reminder_id>/phoned/", views.reminder_called, name="reminder_called"),
    path(f"{one}attendance/", views.gathering_attendance, name="gathering_attendance"),
    path(f"{one}attendance/walk-in/", views.gathering_walk_in, name="gathering_walk_in"),
    path(f"{one}support-needs/", views.gathering_needs, name="gathering_needs"),
    path(f"{one}write-up/", views.gathering_write_up, name="gathering_write_up"),
    path(f"{one}photos/", views.photo_add, name="photo_add"),
    path(f"{one}photos/<int:photo_id>/", views.photo_view, name="photo"),
    path(f"{one}photos/<int:photo_id>/delete/", views.photo_delete, name="photo_delete"),
]
