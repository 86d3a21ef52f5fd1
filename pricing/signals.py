"""Pricing's own reactions to its own rows: any saved or deleted price list, price row, campaign (or campaign scope)
or payment adjustment bumps the catalog version, so cached catalog pages with prices are rendered again. Connected
in PricingConfig.ready(). The signal is pricing's own (its models); what it does in the catalog is an explicit call of
the catalog's service `catalog.search.bump_catalog_version`, an earlier stage's function a later stage may call.
Bulk writes send no signal and call it themselves (pricing/services/price_imports.py)."""
from django.db.models.signals import m2m_changed, post_delete, post_save

from catalog.services import bump_catalog_version

from .models import Campaign, PaymentAdjustment, PriceList, PriceListItem


def bump(sender, **kwargs):
    bump_catalog_version()


def connect_version_signals() -> None:
    for model in (PriceList, PriceListItem, Campaign, PaymentAdjustment):
        post_save.connect(bump, sender=model, weak=False, dispatch_uid=f"pricing-version-save-{model.__name__}")
        post_delete.connect(bump, sender=model, weak=False, dispatch_uid=f"pricing-version-delete-{model.__name__}")
    for field in ("products", "categories", "segments", "dealers"):
        through = getattr(Campaign, field).through
        m2m_changed.connect(bump, sender=through, weak=False, dispatch_uid=f"pricing-version-m2m-{field}")
