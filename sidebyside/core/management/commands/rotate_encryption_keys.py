from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from sidebyside.core.audit import audit
from sidebyside.core.crypto import encrypted_fields, rotate


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted value with the first key in FIELD_ENCRYPTION_KEYS. "
        "Put the new key first, run this, then remove the old key."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        targets = encrypted_fields()
        rewritten = rotate(targets)
        audit(
            actor=None,
            action="encryption.rotated",
            rows=rewritten,
            models=[m._meta.label for m, _ in targets],
        )
        self.stdout.write(f"Re-encrypted {rewritten} rows in {len(targets)} models with the newest key.")
