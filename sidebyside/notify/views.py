"""GOV.UK Notify's delivery receipts: it tells us when a message arrived or could not."""

from __future__ import annotations

import json
import secrets

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from sidebyside.core.params import row_id
from sidebyside.notify.services import receipt_record


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
    message_id = row_id(reference.removeprefix("outbox-")) if reference.startswith("outbox-") else None
    if message_id is None:
        return JsonResponse({"ok": True, "matched": False})
    matched = receipt_record(message_id=message_id, status=status, notify_id=str(receipt.get("id") or ""))
    return JsonResponse({"ok": True, "matched": matched})
