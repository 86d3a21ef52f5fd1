"""Demo prices: a market list, Gold/Silver/Bronze segment lists with quantity breaks, a contract for one
dealer, running campaigns and payment-method adjustments. Idempotent."""
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from catalog.models import Category, Product
from dealers.models import Dealer, Segment
from portal.money import quantize

from .models import Campaign, PaymentAdjustment, PriceList, PriceListItem

SEGMENT_DISCOUNT = {"gold": Decimal("0.80"), "silver": Decimal("0.88"), "bronze": Decimal("0.94"),
                    "standard": Decimal("0.97")}


def _market_price(product: Product) -> Decimal:
    # Deterministic from the SKU so every run of the demo shows the same prices.
    seed = sum(ord(c) * (i + 1) for i, c in enumerate(product.sku))
    return quantize(Decimal(20 + seed % 3900) + Decimal(seed % 100) / 100)


def load():
    if PriceList.objects.filter(erp_code="MARKET-2026").exists():
        return []
    products = list(Product.objects.order_by("sku"))
    if not products:
        return []
    now = timezone.now()
    with transaction.atomic():
        market = PriceList.objects.create(name="Liste fiyatı 2026", kind=PriceList.Kind.MARKET, erp_code="MARKET-2026")
        items = []
        for product in products:
            items.append(PriceListItem(price_list=market, product=product, unit_price=_market_price(product)))
        for segment in Segment.objects.all():
            factor = SEGMENT_DISCOUNT.get(segment.code, Decimal("0.95"))
            plist = PriceList.objects.create(name=f"{segment.name} bayi fiyatı", kind=PriceList.Kind.SEGMENT,
                                             segment=segment, erp_code=f"SEG-{segment.code.upper()}")
            for product in products:
                base = _market_price(product) * factor
                items.append(PriceListItem(price_list=plist, product=product, unit_price=quantize(base)))
                # Quantity breaks: 3 % less from 50, 6 % less from 200.
                items.append(PriceListItem(price_list=plist, product=product, min_quantity=50,
                                           unit_price=quantize(base * Decimal("0.97"))))
                items.append(PriceListItem(price_list=plist, product=product, min_quantity=200,
                                           unit_price=quantize(base * Decimal("0.94"))))
        contract_dealer = Dealer.objects.filter(code="KAYA36").first()
        if contract_dealer:
            contract = PriceList.objects.create(name="Kaya Elektrik sözleşmesi", kind=PriceList.Kind.CONTRACT,
                                                dealer=contract_dealer, erp_code="CONTRACT-KAYA36",
                                                valid_from=now.date() - timedelta(days=30),
                                                valid_to=now.date() + timedelta(days=335))
            for product in products[:40]:
                items.append(PriceListItem(price_list=contract, product=product,
                                           unit_price=quantize(_market_price(product) * Decimal("0.72"))))
        PriceListItem.objects.bulk_create(items, batch_size=5000)
        lighting = Category.objects.filter(name="Aydınlatma", parent__isnull=True).first()
        winter = Campaign.objects.create(name="Kış aydınlatma kampanyası", kind=Campaign.Kind.PERCENT,
                                         value=Decimal("10"), starts_at=now - timedelta(days=3),
                                         ends_at=now + timedelta(days=25))
        if lighting:
            winter.categories.add(lighting)
        gold = Campaign.objects.create(name="Gold bayilere özel", kind=Campaign.Kind.AMOUNT, value=Decimal("5.00"),
                                       starts_at=now - timedelta(days=1), ends_at=now + timedelta(days=10),
                                       min_quantity=Decimal(10))
        gold.products.add(*products[40:70])
        gold.segments.add(*Segment.objects.filter(code="gold"))
        for method, installments, percent in [("wire", 1, "-2"), ("on_account", 3, "2"), ("on_account", 6, "4"),
                                              ("card", 1, "0"), ("card", 3, "3"), ("card", 6, "6")]:
            PaymentAdjustment.objects.get_or_create(method=method, installments=installments,
                                                    defaults={"percent": Decimal(percent)})
    return []
