"""A catalog page does not ask for the dealer's campaigns when none runs (pricing.engine.context.campaign_may_run):
the windows of the active campaigns are kept per catalog version, every campaign write bumps the version when it
commits and forgets them in the writing process at once. A campaign is never missed while it runs, nor applied
before it starts or after it ends; the prices themselves are compared with the engine's in test_list_prices."""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from catalog.models import Product
from catalog.search import catalog_version
from dealers.testing import DealerUserFactory
from portal.actors import Actor
from pricing.engine import price_products
from pricing.models import Campaign
from pricing.testing import CampaignFactory, PriceListFactory, PriceListItemFactory

pytestmark = pytest.mark.django_db

D = Decimal
NOW = timezone.now().replace(microsecond=0)


@pytest.fixture
def page(dealer, product):
    """A list page's cards (with their categories, as the catalog reads them) and a reader of `dealer`."""
    PriceListItemFactory(price_list=PriceListFactory(kind="market"), product=product, unit_price=D("100"))
    cards = list(Product.objects.filter(pk=product.pk).select_related("category"))
    return Actor(user=DealerUserFactory(dealer=dealer), dealer=dealer), cards


def _price(page, on=NOW):
    actor, cards = page
    return price_products(actor=actor, products=cards, on=on, version=catalog_version())[cards[0].pk]


def test_no_campaign_running_no_campaign_query(page, django_assert_num_queries):
    _price(page)  # the windows of this version are read once (the page's price context reads them too)
    with django_assert_num_queries(1):  # the price rows only
        assert _price(page).unit_price == D("100.00")
    actor, cards = page
    with django_assert_num_queries(2):  # without the version: rows and campaigns, as before
        price_products(actor=actor, products=cards, on=NOW)


@pytest.mark.parametrize("offset, runs", [
    (-timedelta(microseconds=1), False), (timedelta(0), True), (timedelta(days=2) - timedelta(microseconds=1), True),
    (timedelta(days=2), False), (timedelta(days=30), False),
])
def test_a_campaign_applies_exactly_inside_its_window(offset, runs, page, product):
    starts = NOW + timedelta(days=1)
    CampaignFactory(products=[product], starts_at=starts, ends_at=starts + timedelta(days=2), value=D("10"))
    _price(page)  # the windows are kept now, before the campaign starts
    price = _price(page, on=starts + offset)
    assert (price.unit_price, price.campaign is not None) == ((D("90.00"), True) if runs else (D("100.00"), False))


def test_a_campaign_written_after_the_windows_were_kept_is_seen(page, product):
    assert _price(page).campaign is None
    campaign = CampaignFactory(products=[product], starts_at=NOW - timedelta(days=1), ends_at=NOW + timedelta(days=1))
    assert _price(page).campaign is not None  # same version (no commit in a test): forgotten by the write itself
    Campaign.objects.filter(pk=campaign.pk).first().delete()
    assert _price(page).campaign is None
    later = CampaignFactory(products=[product], active=False, starts_at=NOW - timedelta(days=1),
                            ends_at=NOW + timedelta(days=1))
    assert _price(page).campaign is None
    later.active = True
    later.save()
    assert _price(page).campaign is not None


def test_a_committed_campaign_bumps_the_version_and_is_seen(page, product, django_capture_on_commit_callbacks):
    version = catalog_version()
    assert _price(page).campaign is None
    with django_capture_on_commit_callbacks(execute=True):
        CampaignFactory(products=[product], starts_at=NOW - timedelta(days=1), ends_at=NOW + timedelta(days=1))
    assert catalog_version() != version
    assert _price(page).unit_price == D("90.00")
