"""Reference data the portal needs to work: staff groups, the standard document types, a default segment.

Written by a data migration; tests that empty the database (transactional tests) write it again."""

GROUPS = ["Sales agents", "Finance staff", "Support agents"]
DOCUMENT_TYPES = [
    ("signature_circular", "Signature circular", 1),
    ("tax_certificate", "Tax certificate", 2),
    ("application_form", "Dealer application form", 3),
]


def ensure_reference_data(apps=None):
    """Idempotent. `apps` is a migration's app registry, or None for the live one."""
    if apps is None:
        from django.apps import apps
    Group = apps.get_model("auth", "Group")
    DocumentType = apps.get_model("dealers", "DocumentType")
    Segment = apps.get_model("dealers", "Segment")
    for name in GROUPS:
        Group.objects.get_or_create(name=name)
    for code, name, order in DOCUMENT_TYPES:
        DocumentType.objects.get_or_create(code=code, defaults={"name": name, "ordering": order, "required": True})
    if not Segment.objects.filter(is_default=True).exists():
        Segment.objects.get_or_create(code="standard", defaults={"name": "Standard", "is_default": True, "ordering": 99})
