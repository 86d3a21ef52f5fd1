"""The preloaded business calendar (Monday–Friday 09:00–18:00 Europe/Istanbul, Turkey's public holidays of 2026
and 2027 with the half-day eves) and a default SLA policy for every (priority, tier): support/reference.py."""
from django.db import migrations


def forward(apps, schema_editor):
    from support.reference import ensure_sla_reference

    ensure_sla_reference(apps)


class Migration(migrations.Migration):
    dependencies = [("support", "0002_support_agents")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
