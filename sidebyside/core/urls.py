from django.urls import path

from sidebyside.core import views

app_name = "core"

urlpatterns = [
    path("health/", views.health, name="health"),
    path("health/live/", views.health_live, name="health_live"),
    path("privacy/", views.privacy, name="privacy"),
    path("accessibility/", views.accessibility, name="accessibility"),
]
