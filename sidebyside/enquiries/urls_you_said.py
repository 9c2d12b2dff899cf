"""Enquiries: urls_you_said pages."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
