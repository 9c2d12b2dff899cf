"""Insights: themes pages."""

from django.urls import path

from sidebyside.insights import views

app_name = "insights"

urlpatterns = [
    path("programmes/<int:programme_id>/themes/", views.theme_list, name="themes"),
    path("theming-runs/<int:run_id>/", views.run_detail, name="run"),
    path("programmes/<int:programme_id>/themes/pictures/", views.pictures, name="pictures"),
    path("programmes/<int:programme_id>/themes/search/", views.search_page, name="search"),
    path(
        "programmes/<int:programme_id>/themes/pictures/<slug:name>.<slug:kind>",
        views.picture_download,
        name="picture_download",
    ),
    path("programmes/<int:programme_id>/themes/new/", views.theme_new, name="theme_new"),
    path("themes/<int:theme_id>/", views.theme_detail, name="theme"),
    path("themes/<int:theme_id>/change/", views.theme_edit, name="theme_edit"),
    path("themes/<int:theme_id>/add/", views.theme_add, name="theme_add"),
    path("themes/<int:theme_id>/split/", views.theme_split, name="theme_split"),
    path("themes/<int:theme_id>/split/suggest/", views.theme_split_suggest, name="theme_split_suggest"),
    path("themes/<int:theme_id>/retire/", views.theme_retire, name="theme_retire"),
    path("themes/<int:theme_id>/undo/", views.undo, name="undo"),
    path("themes/<int:theme_id>/accept/", views.theme_confirm, name="theme_confirm"),
    path("themes/<int:theme_id>/turn-down/", views.theme_reject, name="theme_reject"),
    path("themes/<int:theme_id>/merge/", views.theme_merge, name="theme_merge"),
    path("theme-tags/<int:tag_id>/move/", views.tag_move, name="tag_move"),
    path("theme-tags/<int:tag_id>/remove/", views.tag_remove, name="tag_remove"),
    path("theme-tags/<int:tag_id>/check/", views.tag_confirm, name="tag_confirm"),
]
