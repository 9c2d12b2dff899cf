from django.db import migrations


def create_people(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    Person = apps.get_model("people", "Person")
    have = set(Person.objects.values_list("user_id", flat=True))
    Person.objects.bulk_create(
        [Person(user_id=pk) for pk in User.objects.values_list("pk", flat=True) if pk not in have]
    )


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]

    operations = [migrations.RunPython(create_people, migrations.RunPython.noop)]
