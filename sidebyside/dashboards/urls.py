from django.urls import path

from sidebyside.dashboards import views

app_name = "dashboards"

urlpatterns = [
    path("", views.home, name="home"),
    path("programmes/<int:programme_id>/", views.programme, name="programme"),
    path("hubs/<int:hub_id>/", views.hub, name="hub"),
    path("programmes/<int:programme_id>/messages/", views.messages_failed, name="messages_failed"),
    path(
        "programmes/<int:programme_id>/messages/<int:message_id>/retry/",
        views.message_retry,
        name="message_retry",
    ),
]
