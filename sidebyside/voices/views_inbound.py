"""GOV.UK Notify's callback for text messages people send to a hub's number.

Notify authenticates its callbacks with a bearer token (set in Notify's callback settings and in
``NOTIFY_CALLBACK_TOKEN``). Without it: 403, nothing stored. A body that is not an inbound text:
400. A text for a number no hub has, or an empty one: 200 (so Notify does not retry for ever),
nothing stored. What arrives is never logged: only Notify's id.
"""

from __future__ import annotations

import json
import logging
import secrets

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from sidebyside.voices import inbound
from sidebyside.voices.services import Invalid

logger = logging.getLogger(__name__)


def _authorised(request: HttpRequest) -> bool:
    expected = settings.NOTIFY_CALLBACK_TOKEN
    given = request.headers.get("Authorization", "")
    return bool(expected) and secrets.compare_digest(given.encode(), f"Bearer {expected}".encode())


@csrf_exempt
@require_POST
def inbound_sms(request: HttpRequest) -> HttpResponse:
    if not _authorised(request):
        return JsonResponse({"error": "not authorised"}, status=403)
    try:
        text = inbound.parse(json.loads(request.body))
    except (ValueError, inbound.NotAText):  # json.JSONDecodeError and UnicodeDecodeError are ValueErrors
        return JsonResponse({"error": "not an inbound text message"}, status=400)
    try:
        outcome = inbound.sms_receive(text)
    except Invalid:
        logger.warning("Inbound text could not be stored", extra={"notify_id": text.notify_id[:100]})
        return JsonResponse({"error": "not an inbound text message"}, status=400)
    return JsonResponse({"ok": True, "stored": outcome.stored, "outcome": outcome.reason})
