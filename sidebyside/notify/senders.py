"""The one place the service talks to GOV.UK Notify (or writes messages out for the demo).

A sender answers each send with a ``Sent`` (Notify's id) or raises:
- ``Retry``: nothing was accepted (5xx, 429): try again later;
- ``Unknown``: the request may have reached Notify (a timeout, a dropped connection): look the
  message up by its reference before sending again;
- ``Rejected``: Notify refused it (a 400, e.g. not a mobile number): do not try again.
"""

from __future__ import annotations

import json
import sys
import threading
import uuid
from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings
from django.utils import timezone


@dataclass(frozen=True)
class Sent:
    notify_id: str


class SendError(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Retry(SendError):
    pass


class Unknown(SendError):
    pass


class Rejected(SendError):
    pass


class Sender(Protocol):
    def send(
        self, *, channel: str, to: str, template_id: str, personalisation: dict[str, Any], reference: str
    ) -> Sent: ...

    def find(self, reference: str) -> Sent | None:
        """The message Notify already accepted with this reference, if any."""
        ...


def _reason(error: Any) -> str:
    """Notify's error, without anything it may have echoed back (numbers, addresses)."""
    if getattr(error, "response", None) is None:
        # The client reports a timeout or a dropped connection as a 503 with no response.
        return "GOV.UK Notify did not answer in time"
    status = getattr(error, "status_code", "an error")
    kinds = []
    message = getattr(error, "message", None)
    if isinstance(message, list):
        kinds = [str(item.get("error", "")) for item in message if isinstance(item, dict)]
    return f"GOV.UK Notify answered {status}" + (f" ({', '.join(k for k in kinds if k)})" if kinds else "")


class NotifySender:
    def __init__(self) -> None:
        from notifications_python_client.notifications import NotificationsAPIClient

        self.client = NotificationsAPIClient(
            settings.NOTIFY_API_KEY,
            base_url=settings.NOTIFY_BASE_URL,
            timeout=settings.NOTIFY_TIMEOUT_SECONDS,
        )

    def send(
        self, *, channel: str, to: str, template_id: str, personalisation: dict[str, Any], reference: str
    ) -> Sent:
        from notifications_python_client.errors import APIError

        try:
            if channel == "sms":
                answer = self.client.send_sms_notification(
                    phone_number=to,
                    template_id=template_id,
                    personalisation=personalisation,
                    reference=reference,
                )
            else:
                answer = self.client.send_email_notification(
                    email_address=to,
                    template_id=template_id,
                    personalisation=personalisation,
                    reference=reference,
                )
        except APIError as error:
            raise _classify(error) from None
        return Sent(notify_id=str(answer["id"]))

    def find(self, reference: str) -> Sent | None:
        from notifications_python_client.errors import APIError

        try:
            answer = self.client.get_all_notifications(reference=reference)
        except APIError as error:
            raise Retry(_reason(error)) from None
        found = [n for n in answer.get("notifications", []) if n.get("reference") == reference]
        return Sent(notify_id=str(found[0]["id"])) if found else None


def _classify(error: Any) -> SendError:
    response = getattr(error, "response", None)
    if response is None:
        return Unknown(_reason(error))
    status = response.status_code
    if status == 429 or status >= 500:
        return Retry(_reason(error))
    return Rejected(_reason(error))


class WritingSender:
    """For the demo and development: each message becomes one JSON line, nothing leaves the machine."""

    _lock = threading.Lock()

    def __init__(self, to_console: bool) -> None:
        self.to_console = to_console

    def send(
        self, *, channel: str, to: str, template_id: str, personalisation: dict[str, Any], reference: str
    ) -> Sent:
        notify_id = str(uuid.uuid4())
        line = json.dumps(
            {
                "id": notify_id,
                "at": timezone.now().isoformat(),
                "channel": channel,
                "to": to,
                "template": template_id,
                "personalisation": personalisation,
                "reference": reference,
            }
        )
        with self._lock:
            if self.to_console:
                sys.stdout.write(line + "\n")
                sys.stdout.flush()
            else:
                path = settings.NOTIFY_FILE
                path.parent.mkdir(parents=True, exist_ok=True)
                with path.open("a", encoding="utf-8") as out:
                    out.write(line + "\n")
        return Sent(notify_id=notify_id)

    def find(self, reference: str) -> Sent | None:
        if self.to_console or not settings.NOTIFY_FILE.exists():
            return None
        with settings.NOTIFY_FILE.open(encoding="utf-8") as lines:
            for line in lines:
                row = json.loads(line)
                if row.get("reference") == reference:
                    return Sent(notify_id=row["id"])
        return None


def get_sender() -> Sender:
    if settings.NOTIFY_SENDER == "notify":
        return NotifySender()
    return WritingSender(to_console=settings.NOTIFY_SENDER == "console")
