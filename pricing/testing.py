"""Test factories and helpers of pricing, shared by every app's tests: price lists and their rows, campaigns,
payment adjustments, quotes; the catalog's own factories with pricing's SKU and slug sequences; `send` (prepare and
send a quote)."""
from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from catalog.testing import CategoryFactory, ProductFactory
from pricing.models import Campaign, PaymentAdjustment, PriceList, PriceListItem


class CatalogCategoryFactory(CategoryFactory):
    slug = factory.Sequence(lambda n: f"pricing-category-{n}")


class CatalogProductFactory(ProductFactory):
    sku = factory.Sequence(lambda n: f"PRC-{n:05d}")
    category = factory.SubFactory(CatalogCategoryFactory)


class PriceListFactory(factory.django.DjangoModelFactory):
    """A market list unless kind= says otherwise (pass segment= or dealer= to match)."""

    class Meta:
        model = PriceList

    name = factory.Sequence(lambda n: f"Price list {n}")
    kind = PriceList.Kind.MARKET


class PriceListItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PriceListItem

    price_list = factory.SubFactory(PriceListFactory)
    product = factory.SubFactory(CatalogProductFactory)
    min_quantity = Decimal("1")
    unit_price = Decimal("100.00")


class CampaignFactory(factory.django.DjangoModelFactory):
    """A 10 % campaign running from yesterday to in ten days; pass products=[...], categories=[...] etc."""

    class Meta:
        model = Campaign
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Campaign {n}")
    kind = Campaign.Kind.PERCENT
    value = Decimal("10")
    starts_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    ends_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=10))

    @factory.post_generation
    def products(obj, create, extracted, **kwargs):  # noqa: N805 - factory_boy passes the object built
        if create and extracted:
            obj.products.add(*extracted)

    @factory.post_generation
    def categories(obj, create, extracted, **kwargs):  # noqa: N805 - factory_boy passes the object built
        if create and extracted:
            obj.categories.add(*extracted)

    @factory.post_generation
    def segments(obj, create, extracted, **kwargs):  # noqa: N805 - factory_boy passes the object built
        if create and extracted:
            obj.segments.add(*extracted)

    @factory.post_generation
    def dealers(obj, create, extracted, **kwargs):  # noqa: N805 - factory_boy passes the object built
        if create and extracted:
            obj.dealers.add(*extracted)


class PaymentAdjustmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PaymentAdjustment
        django_get_or_create = ("method", "installments")

    method = PaymentAdjustment.Method.WIRE
    installments = 1
    percent = Decimal("-2")


# --- quotes -----------------------------------------------------------------------------------------------------

class QuoteFactory(factory.django.DjangoModelFactory):
    """A bare requested quote (tests of reads); the lifecycle itself is made through the services (see
    pricing.tests.quote_fixtures)."""

    class Meta:
        model = "pricing.Quote"

    number = factory.Sequence(lambda n: f"QUO-T-{n:06d}")
    dealer = factory.SubFactory("dealers.testing.DealerFactory")
    status = "requested"


class QuoteLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "pricing.QuoteLine"

    quote = factory.SubFactory(QuoteFactory)
    product = factory.SubFactory(CatalogProductFactory)
    quantity = Decimal("1")
    engine_unit_price = Decimal("100.00")
    position = factory.Sequence(lambda n: n)


def valid_in(days):
    """The date `days` days from today (a quote's validity)."""
    from django.utils import timezone

    return timezone.localdate() + timedelta(days=days)


def send(by, quote, *, valid_days=10, lines=None, **header):
    """Prepare (a validity in `valid_days` days, optional lines) and send: the next revision."""
    from pricing import services

    services.update_quote(actor=by, quote=quote, header={"valid_until": valid_in(valid_days), **header}, lines=lines)
    return services.send_quote(actor=by, quote=quote)
