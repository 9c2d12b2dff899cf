"""Voices: text messages in (GOV.UK Notify's inbound-SMS callback)."""

from django.urls import path

from sidebyside.voices import views_inbound as views
from sidebyside.voices import views_numbers

urlpatterns = [
    path("voices/inbound-sms/", views.inbound_sms, name="inbound_sms"),
    path("hubs/<int:hub_id>/text-number/", views_numbers.hub_text_number, name="hub_text_number"),
]
