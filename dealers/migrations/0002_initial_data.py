"""Data the portal needs to work: staff groups, the standard document types, a default segment."""
from django.db import migrations


def forward(apps, schema_editor):
    from dealers.reference import ensure_reference_data

    ensure_reference_data(apps)


class Migration(migrations.Migration):
    dependencies = [("dealers", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
