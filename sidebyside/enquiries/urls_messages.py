"""Enquiries: urls_messages pages."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
