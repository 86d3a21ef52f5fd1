"""The demo shipping data loads twice without creating anything new, and prices like the README says."""
from decimal import Decimal

from django.utils import translation

from catalog.testing import ProductFactory
from dealers.testing import AddressFactory
from shipping import demo
from shipping.models import Carrier, RateRule, ShippingMethod, ZoneLine
from shipping.services import available_methods


def test_the_demo_loads_twice_and_prices_every_method(dealer):
    demo.load()
    counts = (Carrier.objects.count(), ShippingMethod.objects.count(), RateRule.objects.count(),
              ZoneLine.objects.count())
    demo.load()
    assert (Carrier.objects.count(), ShippingMethod.objects.count(), RateRule.objects.count(),
            ZoneLine.objects.count()) == counts == (4, 4, 12, 4)
    assert Carrier.objects.get(code="yurtici").tracking_url("YK123").endswith("code=YK123")
    address = AddressFactory(dealer=dealer, city="İstanbul", postal_code="34394")
    lines = [(ProductFactory(weight_kg=Decimal("12.000")), Decimal("1"), Decimal("4000.00"))]
    with translation.override("en"):
        answers = {m.code: a for m, a in available_methods(dealer=dealer, address=address, lines=lines)}
    assert answers["standard"].charge_net == Decimal("160.00")
    assert "Free above 10,000.00 TRY net: 6,000.00 TRY to go." in answers["standard"].reasons
    assert answers["express"].charge_net == Decimal("280.00") and answers["express"].free_threshold is None
    assert answers["freight"].charge_net == Decimal("900.00")
    assert answers["own-truck"].charge_net == Decimal("150.00")
    assert ShippingMethod.objects.get(code="freight").insurance_cover("tr").startswith("Taşıma")
