"""GOV.UK Notify's delivery receipts: it tells us when a message arrived or could not."""

from __future__ import annotations

import json
import secrets

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from sidebyside.notify.models import OutboxMessage

_FAILED = {
    "permanent-failure": "The number or address does not exist or cannot receive messages",
    "temporary-failure": "The phone was off or the inbox full for too long",
    "technical-failure": "GOV.UK Notify had a technical problem",
}


def _authorised(request: HttpRequest) -> bool:
    expected = settings.NOTIFY_CALLBACK_TOKEN
    given = request.headers.get("Authorization", "")
    return bool(expected) and secrets.compare_digest(given.encode(), f"Bearer {expected}".encode())


@csrf_exempt
@require_POST
def delivery_receipt(request: HttpRequest) -> HttpResponse:
    if not _authorised(request):
        return JsonResponse({"error": "not authorised"}, status=403)
    try:
        receipt = json.loads(request.body)
        reference = str(receipt.get("reference") or "")
        status = str(receipt["status"])
    except (ValueError, KeyError, TypeError, AttributeError):
        return JsonResponse({"error": "not a delivery receipt"}, status=400)
    if not reference.startswith("outbox-") or not reference[7:].isdigit():
        return JsonResponse({"ok": True, "matched": False})
    message = OutboxMessage.objects.filter(pk=int(reference[7:])).first()
    if message is None:
        return JsonResponse({"ok": True, "matched": False})
    now = timezone.now()
    if status == "delivered":
        # Delivered: who it went to and what it said are no longer needed.
        message.status, message.delivered_at = OutboxMessage.Status.DELIVERED, now
        message.to, message.personalisation = "-", ""
    elif status in _FAILED:
        message.status, message.failed_at, message.failure = OutboxMessage.Status.FAILED, now, _FAILED[status]
    else:
        return JsonResponse({"ok": True, "matched": True})
    message.notify_id = message.notify_id or str(receipt.get("id") or "")
    message.save()
    return JsonResponse({"ok": True, "matched": True})
