"""Demo data of the kernel: the administrator account. Idempotent."""
from django.contrib.auth import get_user_model
from django.db import transaction

from . import outbox

DEMO_PASSWORD = "demo-pass-2026"
ADMIN_EMAIL = "admin@example.com"


def load(stdout=None) -> list[tuple[str, str, str]]:
    """Create the demo admin (once) and greet it with a test mail through the outbox. Returns logins."""
    User = get_user_model()
    with transaction.atomic():
        admin, created = User.objects.get_or_create(
            email=ADMIN_EMAIL, defaults={"is_staff": True, "is_superuser": True, "first_name": "Ada", "last_name": "Admin"}
        )
        if created:
            admin.set_password(DEMO_PASSWORD)
            admin.save()
            outbox.notify(to=admin, template="test_message")
    return [("admin", ADMIN_EMAIL, DEMO_PASSWORD)]
