"""Per-request resolution of the actor (who acts for which dealer), and the terms-of-use gate."""
from django.shortcuts import redirect
from django.urls import reverse

from .selectors import actor_for
from .services import needs_terms_acceptance

# Paths a dealer user may open before accepting new terms.
TERMS_EXEMPT_PREFIXES = ("/account/terms/", "/accounts/", "/i18n/", "/static/", "/healthz/", "/api/")


class ActorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.actor = actor_for(user=request.user, session=getattr(request, "session", None))
        user = request.user
        if (user.is_authenticated and user.dealer_id is not None
                and not request.path.startswith(TERMS_EXEMPT_PREFIXES)
                and needs_terms_acceptance(user, request) is not None):
            return redirect(f"{reverse('dealers:terms')}?next={request.get_full_path()}")
        return self.get_response(request)
