"""Factories of the portal's own tests (notifications); `grant_scope_permissions` and the other shared helpers are
in portal.testing, the dealers' factories in dealers.testing."""
import factory

from portal.models import Notification


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    recipient = factory.Sequence(lambda n: f"person{n}@example.com")
    template = "test_message"
    language = "en"

