"""The sign-in backend: Django's ModelBackend, reading a signed-in user together with its dealer.

Every page of a signed-in dealer user needs the user and the dealer it acts for (dealers.selectors.actor_for,
dealers.middleware.ActorMiddleware): read in one query (a join on the user's own dealer) instead of two (issue 18).
What is refused stays refused: an inactive user is not signed in (ModelBackend.user_can_authenticate), and the dealer
is read fresh on every request, so a suspended or rejected dealer's users meet its status page exactly as before.

Sessions signed in before this backend name django.contrib.auth.backends.ModelBackend, which stays in
settings.AUTHENTICATION_BACKENDS after this one so that those users stay signed in; this backend is the only one
that checks a password (see `authenticate`)."""
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied, ValidationError

from portal.compiled import CompiledQuery


def _users():
    return get_user_model()._default_manager.select_related("dealer")


def _login_of(username, kwargs):
    return username if username is not None else kwargs.get(get_user_model().USERNAME_FIELD)


# Built once per process: the ORM spends ~0.5 ms building this join, PostgreSQL ~0.1 ms answering it.
_USER_WITH_DEALER = CompiledQuery(lambda pk: _users().filter(pk=pk), sample=(-73_019,))


class DealerUserBackend(ModelBackend):
    # (aget_user is BaseBackend's: this get_user in a thread.)
    def get_user(self, user_id):
        try:
            pk = get_user_model()._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        user = _USER_WITH_DEALER.first(pk)
        return user if user is not None and self.user_can_authenticate(user) else None

    def authenticate(self, request, username=None, password=None, **kwargs):
        """ModelBackend's check (the e-mail found case-insensitively by the user manager). A failed one ends the
        sign-in here, as the last backend's failure would (user_login_failed is sent once, django-axes counts it
        once), so that ModelBackend, listed after this one only for older sessions, never hashes the password a
        second time."""
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None and _login_of(username, kwargs) is not None and password is not None:
            raise PermissionDenied
        return user

    async def aauthenticate(self, request, username=None, password=None, **kwargs):
        user = await super().aauthenticate(request, username=username, password=password, **kwargs)
        if user is None and _login_of(username, kwargs) is not None and password is not None:
            raise PermissionDenied
        return user
