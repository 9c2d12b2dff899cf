"""Template helpers for GOV.UK Design System markup (loaded into every template)."""

from django import template

register = template.Library()
