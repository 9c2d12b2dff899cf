"""Encryption at rest: ciphertext in the database, plaintext in Python, rotation without loss."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection, models
from django.test.utils import isolate_apps, override_settings

from sidebyside.core.crypto import EncryptedTextField, decrypt, encrypt, encrypted_fields, rotate
from sidebyside.core.models import AuditEvent

OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()
SECRET = "Uses a wheelchair; panic attacks in crowded rooms; prefers a quiet corner"


def test_round_trip_and_fresh_ciphertext_each_time() -> None:
    first, second = encrypt(SECRET), encrypt(SECRET)
    assert first != second
    assert SECRET not in first
    assert decrypt(first) == SECRET


def test_a_value_from_an_unknown_key_is_refused_without_quoting_it() -> None:
    token = Fernet(Fernet.generate_key()).encrypt(SECRET.encode()).decode()
    with pytest.raises(ValueError, match="could not be decrypted") as error:
        decrypt(token)
    assert SECRET not in str(error.value)


@pytest.fixture
def note_model(transactional_db: Any) -> Iterator[type[models.Model]]:
    with isolate_apps("sidebyside.core"):

        class Note(models.Model):  # noqa: DJ008 - a table for this test only
            text = EncryptedTextField(blank=True)
            label = models.CharField(max_length=20, blank=True)

            class Meta:
                app_label = "core"
                db_table = "core_test_encrypted_note"

        with connection.schema_editor() as editor:
            editor.create_model(Note)
        try:
            yield Note
        finally:
            with connection.schema_editor() as editor:
                editor.delete_model(Note)


def raw_text(pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT text FROM core_test_encrypted_note WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def test_the_database_holds_ciphertext_and_python_sees_text(note_model: Any) -> None:
    note = note_model.objects.create(text=SECRET)
    stored = raw_text(note.pk)
    assert stored.startswith("gAAAA")
    assert "wheelchair" not in stored
    assert note_model.objects.get(pk=note.pk).text == SECRET


def test_empty_stays_empty_and_is_the_only_thing_to_filter_on(note_model: Any) -> None:
    empty = note_model.objects.create(text="")
    note_model.objects.create(text=SECRET)
    assert raw_text(empty.pk) == ""
    assert list(note_model.objects.filter(text="").values_list("pk", flat=True)) == [empty.pk]
    with pytest.raises(NotImplementedError):
        list(note_model.objects.filter(text__icontains="wheelchair"))
    with pytest.raises(NotImplementedError):
        list(note_model.objects.filter(text=SECRET))


def test_rotation_re_encrypts_with_the_new_key_without_loss(note_model: Any) -> None:
    with override_settings(FIELD_ENCRYPTION_KEYS=[OLD_KEY]):
        notes = [note_model.objects.create(text=f"{SECRET} #{i}", label=str(i)) for i in range(7)]
        blank = note_model.objects.create(text="")
        before = {n.pk: raw_text(n.pk) for n in notes}

    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY, OLD_KEY]):
        # Old values still read while both keys are listed.
        assert note_model.objects.get(pk=notes[0].pk).text == f"{SECRET} #0"
        assert rotate([(note_model, ["text"])], batch_size=3) == 7

    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY]):
        for note in notes:
            assert raw_text(note.pk) != before[note.pk]
            reloaded = note_model.objects.get(pk=note.pk)
            assert reloaded.text == f"{SECRET} #{note.label}"
        assert raw_text(blank.pk) == ""


def test_the_rotation_command_runs_and_is_audited(db: Any) -> None:
    out = io.StringIO()
    call_command("rotate_encryption_keys", stdout=out)
    assert "Re-encrypted" in out.getvalue()
    event = AuditEvent.objects.get(action="encryption.rotated")
    assert event.detail["rows"] == 0
    assert all(isinstance(label, str) for label in event.detail["models"])


def test_generate_key_prints_a_usable_key() -> None:
    out = io.StringIO()
    call_command("generate_encryption_key", stdout=out)
    Fernet(out.getvalue().strip())  # raises if it is not a key


def test_encrypted_fields_lists_only_models_that_have_them() -> None:
    for model, names in encrypted_fields():
        assert names
        assert all(isinstance(model._meta.get_field(n), EncryptedTextField) for n in names)
