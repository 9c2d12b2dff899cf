"""Enquiries: urls_impact pages."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
