"""Give every existing programme the method library (new programmes get it when they are created)."""

from django.db import migrations


def seed(apps, schema_editor):
    from sidebyside.gatherings.method_library import seed_library

    Programme = apps.get_model("hubs", "Programme")
    seed_library(
        list(Programme.objects.values_list("pk", flat=True)),
        method_model=apps.get_model("gatherings", "Method"),
        step_model=apps.get_model("gatherings", "Step"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("gatherings", "0002_plan_run_remind"),
    ]

    operations = [
        # Going back leaves the methods in place: they may have been edited since.
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
