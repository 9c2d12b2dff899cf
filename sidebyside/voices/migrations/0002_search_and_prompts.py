"""Give every existing programme the library's questions, and make contributions searchable.

Searching (``sidebyside/voices/search.py``) uses each database's own full-text search:
* SQLite: an FTS5 table holding each contribution's id (as rowid) and text, filled from the
  contributions there already and kept in step by triggers on insert, update and delete;
* PostgreSQL: a GIN index on the same expression the search uses, so it need not read every row.
Nothing is done on any other database. The SQL lives in ``search.py`` (``install_index``), so that
a later migration that rebuilds the contributions table on SQLite (which drops its triggers) can
put the index back by calling it again.
"""

from django.db import migrations


def search_up(apps, schema_editor):
    from sidebyside.voices.search import install_index

    install_index(schema_editor.connection)


def search_down(apps, schema_editor):
    from sidebyside.voices.search import remove_index

    remove_index(schema_editor.connection)


def seed(apps, schema_editor):
    from sidebyside.voices.prompt_library import seed_library

    Programme = apps.get_model("hubs", "Programme")
    seed_library(
        list(Programme.objects.values_list("pk", flat=True)),
        prompt_model=apps.get_model("voices", "Prompt"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("voices", "0001_contributions"),
    ]

    operations = [
        # Going back leaves the questions in place: they may have been edited and answered since.
        migrations.RunPython(seed, migrations.RunPython.noop),
        migrations.RunPython(search_up, search_down),
    ]
