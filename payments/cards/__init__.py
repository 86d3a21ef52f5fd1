"""Card payments through a provider's hosted payment page: the interface a provider implements (`base`) and the
one provider shipped, `OfflineTestProvider` (development and tests only: no bank, no money).

settings.CARD_PAYMENT_PROVIDER names the provider class by its dotted path; empty turns card payments off (checkout
does not offer card). A real provider (iyzico, Stripe, Adyen, a bank's virtual POS…) is a subclass of
`CardProvider` in its own module, named there."""
from django.conf import settings
from django.utils.module_loading import import_string

from .base import Authorisation, CardProvider, HostedPage, ProviderError

__all__ = ["Authorisation", "CardProvider", "HostedPage", "ProviderError", "get_provider"]


def get_provider() -> CardProvider | None:
    """The configured provider, or None when card payments are off."""
    path = getattr(settings, "CARD_PAYMENT_PROVIDER", "")
    return import_string(path)() if path else None
