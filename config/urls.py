from django.urls import include, path

urlpatterns = [
    path("", include("sidebyside.core.urls")),
    path("", include("sidebyside.accounts.urls")),
    path("", include("sidebyside.hubs.urls")),
    path("", include("sidebyside.people.urls")),
    path("", include("sidebyside.gatherings.urls")),
    path("", include("sidebyside.voices.urls")),
    path("", include("sidebyside.notify.urls")),
    path("", include("sidebyside.dashboards.urls")),
]

handler403 = "sidebyside.core.views.permission_denied"
handler404 = "sidebyside.core.views.page_not_found"
handler500 = "sidebyside.core.views.server_error"
