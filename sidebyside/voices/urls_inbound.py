"""Voices: text messages in (GOV.UK Notify's inbound-SMS callback)."""

from django.urls import path

from sidebyside.voices import views_inbound as views

urlpatterns = [
    path("voices/inbound-sms/", views.inbound_sms, name="inbound_sms"),
]
