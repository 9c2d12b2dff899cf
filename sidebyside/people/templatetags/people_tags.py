from __future__ import annotations

from typing import Any

from django import template

register = template.Library()

_LABELS = {
    "person.created": "Added the record",
    "sign_in_link.created": "Made a sign-in link",
    "person.viewed": "Looked at the record",
    "person.updated": "Changed details",
    "person.status_changed": "Changed whether they are taking part",
    "person.support_needs_viewed": "Looked at support needs",
    "person.support_needs_changed": "Changed support needs",
    "person.plan_viewed": "Looked at the plan",
    "person.plan_saved": "Saved a new version of the plan",
    "person.catch_up_added": "Noted a catch-up",
    "person.consent_given": "Recorded consent",
    "person.consent_withdrawn": "Withdrew consent",
    "person.request_made": "Made a request about their data",
    "person.request_done": "Dealt with a request about their data",
    "person.exported": "Downloaded a copy of their data",
    "person.merged": "Merged two records",
    "person.erased": "Erased their details",
    "person.retention_warned": "Flagged for erasure after a long time without contact",
    "person.retention_cleared": "No longer flagged for erasure: they are in touch again",
}


@register.filter
def audit_label(action: str) -> str:
    """A plain-English line for an audit action (the action code itself if it is new)."""
    return _LABELS.get(action, action.replace("_", " ").replace(".", ": "))


@register.filter
def get_item(mapping: dict[Any, Any], key: Any) -> Any:
    return mapping.get(key, [])
