"""Enquiries: urls_board pages."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
