"""Enquiries: messages to senior leaders, their replies and the commitments made in them."""

from django.urls import URLPattern, path

from sidebyside.enquiries import views_messages as views

urlpatterns: list[URLPattern] = [
    path("programmes/<int:programme_id>/messages-to-leaders/", views.message_list, name="messages"),
    path("hubs/<int:hub_id>/messages-to-leaders/new/", views.message_add, name="message_add"),
    path("messages-to-leaders/<int:message_id>/", views.message_detail, name="message"),
    path("messages-to-leaders/<int:message_id>/change/", views.message_edit, name="message_edit"),
    path("messages-to-leaders/<int:message_id>/send/", views.message_send, name="message_send"),
    path("messages-to-leaders/<int:message_id>/delete/", views.message_delete, name="message_delete"),
    path("messages-to-leaders/<int:message_id>/reply/", views.message_reply, name="message_reply"),
    path(
        "messages-to-leaders/<int:message_id>/commitments/<int:action_id>/status/",
        views.commitment_status,
        name="commitment_status",
    ),
]
