"""Factories for kernel tests."""
import factory

from dealers.tests.factories import UserFactory  # noqa: F401  re-exported for kernel tests
from portal.models import Notification


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    recipient = factory.Sequence(lambda n: f"person{n}@example.com")
    template = "test_message"
    language = "en"
