"""Insights: themes pages."""

from django.urls import path

from sidebyside.insights import views

app_name = "insights"

urlpatterns = [
    path("programmes/<int:programme_id>/themes/", views.theme_list, name="themes"),
    path("theming-runs/<int:run_id>/", views.run_detail, name="run"),
    path("themes/<int:theme_id>/accept/", views.theme_confirm, name="theme_confirm"),
    path("themes/<int:theme_id>/turn-down/", views.theme_reject, name="theme_reject"),
    path("themes/<int:theme_id>/merge/", views.theme_merge, name="theme_merge"),
]
