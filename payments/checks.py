"""System checks of payments."""
from django.conf import settings
from django.core import checks

OFFLINE = "payments.cards.offline.OfflineTestProvider"


@checks.register(checks.Tags.security, deploy=False)
def offline_card_provider_only_in_development(app_configs, **kwargs):
    """The offline test provider approves any "card" without a bank: never with DEBUG off."""
    if not settings.DEBUG and getattr(settings, "CARD_PAYMENT_PROVIDER", "") == OFFLINE:
        return [checks.Error("CARD_PAYMENT_PROVIDER is the offline test provider while DEBUG is off: no card would "
                             "be charged.", hint="Configure a real provider, or leave CARD_PAYMENT_PROVIDER empty.",
                             id="payments.E001")]
    return []
