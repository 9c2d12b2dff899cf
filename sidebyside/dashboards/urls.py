from django.urls import path

from sidebyside.dashboards import views

app_name = "dashboards"

urlpatterns = [
    path("", views.home, name="home"),
    path("programmes/<int:programme_id>/", views.programme, name="programme"),
    path("hubs/<int:hub_id>/", views.hub, name="hub"),
]
