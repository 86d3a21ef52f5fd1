"""Demo data of payments: credit accounts of the approved demo dealers (limits, terms, one close to its limit)."""
from decimal import Decimal

from dealers.models import Dealer

from .models import CreditAccount

LIMITS = [Decimal("250000.00"), Decimal("120000.00"), Decimal("15000.00")]


def load():
    for index, dealer in enumerate(Dealer.objects.filter(status=Dealer.Status.APPROVED).order_by("pk")):
        CreditAccount.objects.get_or_create(dealer=dealer, defaults={
            "credit_limit": LIMITS[index % len(LIMITS)], "payment_terms_days": (30, 45, 60)[index % 3]})
    return []
