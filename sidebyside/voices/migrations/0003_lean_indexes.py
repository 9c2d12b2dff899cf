"""Contributions keep only the indexes they use: every index is paid for by every answer stored.

- The single-column indexes on hub and gathering go: the (hub, said_at) and (gathering,
  created_at) indexes already serve look-ups by hub or gathering alone.
- The device index becomes (device, created_at), for "what did this phone send lately", and
  loses PostgreSQL's extra pattern-matching copy (nothing searches devices by prefix).
- Author, entered by, import, safeguarding by and redacted by are empty on nearly every row:
  their indexes become partial (rows where they are set), which an insert with them empty
  does not touch.

On SQLite, changing the table rebuilds it, which drops the full-text triggers: the last step
puts the search index back (``search.install_index``).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def search_again(apps, schema_editor):
    from sidebyside.voices.search import install_index

    install_index(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ('gatherings', '0003_seed_method_library'),
        ('hubs', '0001_initial'),
        ('people', '0002_person_for_every_user'),
        ('voices', '0002_search_and_prompts'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # Going back rebuilds the table again: put the search index back after that too.
        migrations.RunPython(migrations.RunPython.noop, search_again),
        migrations.AlterField(
            model_name='contribution',
            name='author',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='contributions', to='people.person'),
        ),
        migrations.AlterField(
            model_name='contribution',
            name='device',
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AlterField(
            model_name='contribution',
            name='entered_by',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AlterField(
            model_name='contribution',
            name='gathering',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='contributions', to='gatherings.gathering'),
        ),
        migrations.AlterField(
            model_name='contribution',
            name='hub',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='contributions', to='hubs.hub'),
        ),
        migrations.AlterField(
            model_name='contribution',
            name='import_job',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='contributions', to='voices.importjob'),
        ),
        migrations.AlterField(
            model_name='contribution',
            name='redacted_by',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AlterField(
            model_name='contribution',
            name='safeguarding_by',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddIndex(
            model_name='contribution',
            index=models.Index(fields=['device', 'created_at'], name='voices_contrib_device'),
        ),
        migrations.AddIndex(
            model_name='contribution',
            index=models.Index(condition=models.Q(('author__isnull', False)), fields=['author'], name='voices_contrib_author'),
        ),
        migrations.AddIndex(
            model_name='contribution',
            index=models.Index(condition=models.Q(('entered_by__isnull', False)), fields=['entered_by'], name='voices_contrib_entered_by'),
        ),
        migrations.AddIndex(
            model_name='contribution',
            index=models.Index(condition=models.Q(('import_job__isnull', False)), fields=['import_job'], name='voices_contrib_import_job'),
        ),
        migrations.AddIndex(
            model_name='contribution',
            index=models.Index(condition=models.Q(('safeguarding_by__isnull', False)), fields=['safeguarding_by'], name='voices_contrib_safeguarding_by'),
        ),
        migrations.AddIndex(
            model_name='contribution',
            index=models.Index(condition=models.Q(('redacted_by__isnull', False)), fields=['redacted_by'], name='voices_contrib_redacted_by'),
        ),
        migrations.RunPython(search_again, migrations.RunPython.noop),
    ]
