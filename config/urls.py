from django.urls import include, path

urlpatterns = [
    # Voices first: a phone's answer is the busiest request of a session, and its pattern is then
    # among the first tried. No two apps share a path, so the order changes nothing else.
    path("", include("sidebyside.voices.urls")),
    path("", include("sidebyside.core.urls")),
    path("", include("sidebyside.accounts.urls")),
    path("", include("sidebyside.hubs.urls")),
    path("", include("sidebyside.people.urls")),
    path("", include("sidebyside.gatherings.urls")),
    path("", include("sidebyside.insights.urls")),
    path("", include("sidebyside.enquiries.urls")),
    path("", include("sidebyside.notify.urls")),
    path("", include("sidebyside.dashboards.urls")),
]

handler403 = "sidebyside.core.views.permission_denied"
handler404 = "sidebyside.core.views.page_not_found"
handler500 = "sidebyside.core.views.server_error"
