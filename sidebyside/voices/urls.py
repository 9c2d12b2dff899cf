"""Voices: each way in and out has its own URL module."""

from sidebyside.voices import (
    urls_browse,
    urls_entry,
    urls_imports,
    urls_inbound,
    urls_join,
    urls_moderation,
    urls_prompts,
    urls_wall,
)

app_name = "voices"

urlpatterns = [
    *urls_join.urlpatterns,
    *urls_wall.urlpatterns,
    *urls_entry.urlpatterns,
    *urls_imports.urlpatterns,
    *urls_inbound.urlpatterns,
    *urls_moderation.urlpatterns,
    *urls_browse.urlpatterns,
    *urls_prompts.urlpatterns,
]
