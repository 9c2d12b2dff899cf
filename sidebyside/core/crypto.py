"""Encryption at rest for special-category free text (support needs, plans, safeguarding notes).

Keys come from ``FIELD_ENCRYPTION_KEYS`` (comma-separated Fernet keys, newest first). New
values are always encrypted with the first key; any listed key can decrypt. To rotate: put a
new key first, run ``manage.py rotate_encryption_keys``, then drop the old key.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.signals import setting_changed
from django.db import models, transaction


@cache
def _fernet() -> MultiFernet:
    # Settings refuse to start without at least one valid key.
    return MultiFernet([Fernet(key) for key in settings.FIELD_ENCRYPTION_KEYS])


def _reset(**kwargs: Any) -> None:
    if kwargs.get("setting") == "FIELD_ENCRYPTION_KEYS":
        _fernet.cache_clear()


setting_changed.connect(_reset)


def encrypt(text: str) -> str:
    return _fernet().encrypt(text.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        # Not a logging of the value: only that a stored value could not be read.
        raise ValueError("An encrypted value could not be decrypted with any configured key.") from None


class EncryptedTextField(models.TextField):
    """Text stored as a Fernet token. It cannot be searched or filtered, except on emptiness.

    An empty value is stored as an empty string, so "nothing recorded" stays visible
    without decrypting; everything else is ciphertext in the database.
    """

    description = "Text, encrypted at rest"

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(str(value))

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name == "exact":
            return _EmptyOnlyExact
        if lookup_name != "isnull":
            raise NotImplementedError(f"Encrypted text cannot be searched ({lookup_name}).")
        return super().get_lookup(lookup_name)


class _EmptyOnlyExact(models.lookups.Exact):
    """Ciphertext differs every time, so only "is it empty?" can be asked of the database."""

    def get_prep_lookup(self) -> Any:
        if self.rhs not in ("", None):
            raise NotImplementedError("Encrypted text can only be compared with an empty value.")
        return super().get_prep_lookup()


def rotate(targets: list[tuple[type[models.Model], list[str]]], *, batch_size: int = 500) -> int:
    """Re-encrypt every non-empty value of ``targets`` with the first key. Returns rows rewritten.

    Each batch is its own transaction, so a long rotation can be stopped and run again.
    """
    rewritten = 0
    for model, names in targets:
        empty = models.Q()
        for name in names:
            empty &= models.Q(**{name: ""}) | models.Q(**{f"{name}__isnull": True})
        pks = list(model._default_manager.exclude(empty).order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(pks), batch_size):
            with transaction.atomic():
                for obj in model._default_manager.filter(pk__in=pks[start : start + batch_size]):
                    obj.save(update_fields=names)
                    rewritten += 1
    return rewritten


def encrypted_fields() -> list[tuple[type[models.Model], list[str]]]:
    """Every model with encrypted fields, and their names: what rotation must rewrite."""
    from django.apps import apps

    found = []
    for model in apps.get_models():
        names = [f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if names:
            found.append((model, names))
    return found
