"""Gatherings: calendar pages."""

from django.urls import URLPattern, path

from sidebyside.gatherings import views_calendar as views

urlpatterns: list[URLPattern] = [
    path(
        "gatherings/<int:gathering_id>/calendar.ics",
        views.gathering_calendar,
        name="gathering_calendar",
    ),
    # The token is the only key: RequestLogMiddleware logs this pattern, never the path.
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("me/calendar/", views.me_calendar, name="me_calendar"),
    path("hubs/<int:hub_id>/calendar/", views.hub_calendar, name="hub_calendar"),
]
