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


def grant_scope_permissions(user, scopes):
    """Give `user` the Django permissions its token's staff scopes need (portal.api_tokens.SCOPE_PERMISSIONS): a token
    carries no more than its user may do."""
    from django.contrib.auth.models import Permission

    from portal.api_tokens import SCOPE_PERMISSIONS

    for scope in scopes:
        perm = SCOPE_PERMISSIONS.get(scope)
        if perm:
            app_label, codename = perm.split(".")
            user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return user
