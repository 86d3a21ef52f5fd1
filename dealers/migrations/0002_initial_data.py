"""Data the portal needs to work: staff groups, the standard document types, a default segment."""
from django.db import migrations

GROUPS = ["Sales agents", "Finance staff", "Support agents"]
DOCUMENT_TYPES = [
    ("signature_circular", "Signature circular", 1),
    ("tax_certificate", "Tax certificate", 2),
    ("application_form", "Dealer application form", 3),
]


def forward(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    DocumentType = apps.get_model("dealers", "DocumentType")
    Segment = apps.get_model("dealers", "Segment")
    for name in GROUPS:
        Group.objects.get_or_create(name=name)
    for code, name, order in DOCUMENT_TYPES:
        DocumentType.objects.get_or_create(code=code, defaults={"name": name, "ordering": order, "required": True})
    if not Segment.objects.filter(is_default=True).exists():
        Segment.objects.get_or_create(code="standard", defaults={"name": "Standard", "is_default": True, "ordering": 99})


class Migration(migrations.Migration):
    dependencies = [("dealers", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
