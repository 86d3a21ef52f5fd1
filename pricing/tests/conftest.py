"""Fixtures of the pricing tests: a Gold dealer, another dealer, a product in a sub-category."""
import pytest

from dealers.testing import DealerFactory, SegmentFactory
from pricing.engine.context import forget_campaign_windows
from pricing.testing import CatalogCategoryFactory, CatalogProductFactory


@pytest.fixture(autouse=True)
def _no_campaign_windows_kept():
    """Each test starts without the campaign windows an earlier test's rolled-back campaigns left in the process
    (kept per catalog version, which a test's writes never bump): the queries a test counts are its own."""
    forget_campaign_windows()


@pytest.fixture
def gold(db):
    return SegmentFactory(code="gold-test", name="Gold")


@pytest.fixture
def silver(db):
    return SegmentFactory(code="silver-test", name="Silver")


# Override the root `dealer` and `other_dealer`: pricing's dealers are in the Gold segment its lists and campaigns
# target.
@pytest.fixture
def dealer(gold):
    return DealerFactory(segment=gold)


@pytest.fixture
def other_dealer(gold):
    return DealerFactory(segment=gold)


@pytest.fixture
def root_category(db):
    return CatalogCategoryFactory(name="Lighting")


@pytest.fixture
def sub_category(root_category):
    return CatalogCategoryFactory(name="LED panels", parent=root_category)


@pytest.fixture
def product(sub_category):
    return CatalogProductFactory(category=sub_category, sku="LED-600")


from .quote_fixtures import *  # noqa: E402,F401,F403  (the quote tests' fixtures)
