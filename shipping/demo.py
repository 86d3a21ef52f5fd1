"""Demo shipping: Yurtiçi, Aras and MNG Kargo and an own truck; Standard (weight bands, free above 10,000 TRY
net), Express (higher, never free, offers cargo insurance), Freight/pallet (net bands, the one that carries hazardous
goods such as the demo catalog's solar floodlights, offers insurance) and Own truck (Istanbul and Kocaeli only).
Idempotent: everything is keyed by its code or name; a method loaded before it offered insurance gets it.

Shipments (`load_shipments`): orders of the first two approved demo dealers placed, confirmed and shipped through the
services (create_shipment, move_shipment), carriers' tracking events received and applied as a webhook's are
(services.tracking), so every state is there: preparing, shipped (own truck), in transit (a partial order: part of it
still to ship), out for delivery, delivered (signed for), delivery failed, returned (its order back to processing).
Each order is keyed (`ship-demo-…`): loading again creates nothing."""
import logging
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from .models import Carrier, RateKind, RateRule, ShippingMethod, ShippingZone, ZoneLine

D = Decimal

CARRIERS = [
    ("yurtici", "Yurtiçi Kargo", False, "https://www.yurticikargo.com/tr/online-servisler/gonderi-sorgula?code={code}"),
    ("aras", "Aras Kargo", False, "https://kargotakip.araskargo.com.tr/mainpage.aspx?code={code}"),
    ("mng", "MNG Kargo", False, "https://www.mngkargo.com.tr/gonderi-takip/?code={code}"),
    ("own-truck", "Own truck", True, ""),
]

WEIGHT, NET, FLAT = RateKind.WEIGHT, RateKind.NET, RateKind.FLAT

# code, carrier, names (en, tr, bg, vi, zh_hans), lead days, fields, rules (kind, from, to, price, zone name)
METHODS = [
    ("standard", "yurtici", ("Standard", "Standart", "Стандартна", "Tiêu chuẩn", "标准"), 2,
     {"free_above_net": D("10000.00"), "handling_charge": D("50.00")},
     [(WEIGHT, "0", "10", "90.00", None), (WEIGHT, "10", "30", "160.00", None), (WEIGHT, "30", "100", "290.00", None),
      (WEIGHT, "100", None, "450.00", None), (FLAT, "0", None, "350.00", None)]),
    ("express", "aras", ("Express", "Ekspres", "Експресна", "Chuyển phát nhanh", "快递"), 1,
     {"handling_charge": D("75.00"), "insurance_rate_percent": D("0.50"), "insurance_minimum": D("75.00"),
      "insurance_cover_en": "Loss of or damage to the parcels in transit, up to the goods' net invoice value; a late "
                            "delivery is not covered.",
      "insurance_cover_tr": "Taşıma sırasında kolilerin kaybı veya hasarı, malların net fatura değerine kadar; geç "
                            "teslimat kapsam dışıdır.",
      "insurance_cover_bg": "Загуба или повреда на пратките при превоза, до нетната фактурна стойност на стоката; "
                            "закъсняла доставка не се покрива.",
      "insurance_cover_vi": "Mất mát hoặc hư hỏng kiện hàng trong quá trình vận chuyển, tối đa bằng giá trị hóa đơn "
                            "chưa thuế của hàng hóa; không bao gồm giao hàng trễ.",
      "insurance_cover_zh_hans": "运输途中包裹的丢失或损坏，最高按货物净发票金额赔付；延误送达不在保障范围内。"},
     [(WEIGHT, "0", "10", "180.00", None), (WEIGHT, "10", "30", "280.00", None), (WEIGHT, "30", None, "450.00", None),
      (FLAT, "0", None, "500.00", None)]),
    ("freight", "mng", ("Freight / pallet", "Ambar / palet", "Палетен транспорт", "Hàng pallet", "托盘货运"), 4,
     {"carries_hazardous": True, "handling_charge": D("150.00"), "insurance_rate_percent": D("0.30"),
      "insurance_minimum": D("100.00"),
      "insurance_cover_en": "Loss of or damage to the goods in transit, up to their net invoice value.",
      "insurance_cover_tr": "Taşıma sırasında malların kaybı veya hasarı, net fatura değerine kadar.",
      "insurance_cover_bg": "Загуба или повреда на стоката при превоза, до нетната ѝ фактурна стойност.",
      "insurance_cover_vi": "Mất mát hoặc hư hỏng hàng hóa trong quá trình vận chuyển, tối đa bằng giá trị hóa "
                            "đơn chưa thuế.",
      "insurance_cover_zh_hans": "运输途中货物的丢失或损坏，最高按净发票金额赔付。"},
     [(NET, "0", "20000", "900.00", None), (NET, "20000", None, "600.00", None)]),
    ("own-truck", "own-truck", ("Own truck", "Kendi aracımız", "Собствен камион", "Xe tải riêng", "自有货车"), 1,
     {"free_above_net": D("5000.00"), "carries_hazardous": False},
     [(FLAT, "0", None, "150.00", "Istanbul and Kocaeli")]),
]

ZONES = {"Istanbul and Kocaeli": {"cities": ["İstanbul", "Kocaeli"], "postcode_prefixes": ["34", "41"]}}


def load():
    with transaction.atomic():
        carriers = {}
        for code, name, own_truck, template in CARRIERS:
            carriers[code], _created = Carrier.objects.get_or_create(
                code=code, defaults={"name": name, "own_truck": own_truck, "tracking_url_template": template})
        zones = {}
        for name, places in ZONES.items():
            zones[name], created = ShippingZone.objects.get_or_create(name=name)
            if created:
                ZoneLine.objects.bulk_create(
                    [ZoneLine(zone=zones[name], city=city) for city in places["cities"]]
                    + [ZoneLine(zone=zones[name], postcode_prefix=p) for p in places["postcode_prefixes"]])
        for position, (code, carrier, names, days, fields, rules) in enumerate(METHODS, start=1):
            en, tr, bg, vi, zh = names
            method, created = ShippingMethod.objects.get_or_create(code=code, defaults={
                "carrier": carriers[carrier], "name_en": en, "name_tr": tr, "name_bg": bg, "name_vi": vi,
                "name_zh_hans": zh, "lead_time_days": days, "ordering": position, **fields})
            insurance = {name: value for name, value in fields.items() if name.startswith("insurance_")}
            if not created and insurance and not method.offers_insurance:
                # A demo loaded before its method offered cargo insurance gets it (the cover in every language).
                ShippingMethod.objects.filter(pk=method.pk).update(**insurance)
            if created:
                RateRule.objects.bulk_create([
                    RateRule(method=method, kind=kind, from_value=D(low), to_value=None if high is None else D(high),
                             price=D(price), zone=zones[zone] if zone else None)
                    for kind, low, high, price, zone in rules])
    load_shipments()
    return []


# --- shipments in every state ----------------------------------------------------------------------------------------

log = logging.getLogger(__name__)
DRIVER = {"driver_name": "Mehmet Demir", "driver_national_id": "10000000146", "vehicle_plate": "34 DMO 481",
          "trailer_plate": ""}
CITY = "İstanbul Hadımköy"
# Each plan: the order's key, how many products, and its shipments: (carrier code or None for the own truck,
# share of each line (1 = all of it), the carrier's events as (hours after it left, tracking status, place, message)).
# Hours count back from now: the order was placed `days` days ago.
IN_TRANSIT = ("in_transit", "Ankara Transfer", "Arrived at the transfer centre")
OUT = ("out_for_delivery", "", "Out for delivery")
PLANS = [
    ("ship-demo-1", 2, 6, [("yurtici", [1, 1], [(8, *IN_TRANSIT), (30, *OUT), (34, "delivered", "", "Delivered")])]),
    ("ship-demo-2", 2, 3, [("aras", [1, Decimal("0.5")], [(10, *IN_TRANSIT)]),
                           ("mng", [0, Decimal("0.25")], None)]),
    ("ship-demo-3", 1, 1, [(None, [1], [])]),
    ("ship-demo-4", 1, 2, [("yurtici", [1], [(6, *IN_TRANSIT), (26, *OUT)])]),
    ("ship-demo-5", 2, 4, [("aras", [1, 1], [(7, *IN_TRANSIT), (28, *OUT),
                                             (33, "delivery_failed", "", "Recipient not at the address")])]),
    ("ship-demo-6", 1, 8, [("mng", [1], [(9, *IN_TRANSIT), (30, *OUT),
                                         (34, "delivery_failed", "", "Address not found"),
                                         (60, "return_to_sender", CITY, "Returned to the sender")])]),
]


def _fit(product, quantity):
    """A quantity that obeys the product's minimum and multiples."""
    multiple = product.order_multiple or Decimal(1)
    steps = (quantity / multiple).to_integral_value(rounding="ROUND_CEILING")
    return max(steps * multiple, product.min_order_quantity)


def load_shipments():
    """The demo dealers' shipments (module doc). A plan that cannot be placed (no stock, over the credit limit) is
    left out, the others still load."""
    from catalog.models import Product
    from dealers.models import Address, Dealer, Role, User
    from orders.models import Order
    from portal.actors import Actor
    from portal.errors import DomainError

    staff = User.objects.filter(is_superuser=True).order_by("pk").first()
    # Products sold by the piece from one, well in stock, other than the ones the orders' demo orders first: a few
    # pieces each keep the demo dealers well within their credit limits.
    # Not hazardous goods: the orders go by Standard, which does not carry them.
    stocked = Product.objects.filter(active=True, stock_quantity__gt=100, min_order_quantity__lte=1,
                                     hazardous=False).order_by("sku")
    products = list(stocked[16:40]) or list(stocked[:24])
    if staff is None or len(products) < 2:
        return
    for index, dealer in enumerate(Dealer.objects.filter(status=Dealer.Status.APPROVED).order_by("pk")[:2]):
        owner = User.objects.filter(dealer=dealer, role=Role.OWNER, is_active=True).first()
        if owner is None or not Address.objects.filter(dealer=dealer).exists():
            continue
        plans = PLANS if index == 0 else [PLANS[0], PLANS[1]]
        for number, (key, count, days, shipments) in enumerate(plans):
            if Order.objects.filter(dealer=dealer, idempotency_key=key).exists():
                continue
            items = [products[(number * 2 + offset) % len(products)] for offset in range(count)]
            try:
                with transaction.atomic():
                    _ship_plan(Actor(user=owner, dealer=dealer), staff, key, items, days, shipments)
            except DomainError as exc:
                log.warning("Demo shipments: %s of %s left out: %s", key, dealer, exc.message)


def _ship_plan(actor, staff, key, items, days, shipments):
    from orders.services import ordering, set_status

    from .models import Carrier
    from .services import create_shipment, move_shipment

    lines = [(product, _fit(product, Decimal(i + 2))) for i, product in enumerate(items)]
    order = ordering.place_order(actor=actor, lines=lines, idempotency_key=key,
                                 checkout=ordering.Checkout(po_number=f"PO-{key.upper()}"))
    order = set_status(actor=staff, order=order, status="confirmed")
    order_lines = list(order.lines.all())
    start = timezone.now() - timedelta(days=days)
    # The order was placed and confirmed before its shipments: its history follows the plan's moments too.
    order_moments = [start - timedelta(hours=3), start - timedelta(hours=2)]
    for position, (carrier_code, shares, events) in enumerate(shipments):
        carrier = Carrier.objects.get(code=carrier_code) if carrier_code else None
        quantities = {line.pk: _share(line, share) for line, share in zip(order_lines, shares, strict=False)}
        parcels = [(f"{(carrier_code or 'truck')[:2].upper()}{order.number[-6:]}{position}{n}" if carrier else "",
                    Decimal("4.5") + n) for n in range(2 if carrier else 1)]
        shipment = create_shipment(actor=staff, order=order, lines=quantities, parcels=parcels, carrier=carrier,
                                   truck=None if carrier else DRIVER, note="Demo")
        left = start + timedelta(hours=4 + position)
        times = [("preparing", start + timedelta(hours=1 + position))]
        if events is not None:
            shipment = move_shipment(actor=staff, shipment=shipment, to="shipped")
            times.append(("shipped", left))
            _order_moves_at(order, order_moments, left)
        if events:
            times += _track(shipment, carrier, parcels[0][0], left, events)
            _order_moves_at(order, order_moments, times[-1][1])
        _backdate(shipment, times)
    _backdate_order(order, order_moments)


def _order_moves_at(order, moments, moment):
    """The order's history rows written since the last call happened at `moment`."""
    moments.extend([moment] * (order.history.count() - len(moments)))


def _backdate_order(order, moments):
    from orders.models import Order

    Order.objects.filter(pk=order.pk).update(created_at=moments[0])
    for row, moment in zip(order.history.order_by("pk"), moments, strict=False):
        type(row).objects.filter(pk=row.pk).update(created_at=moment)


def _share(line, share):
    quantity = (line.quantity * share).quantize(Decimal("1"), rounding="ROUND_DOWN") if share != 1 else line.quantity
    return max(quantity, Decimal(1)) if share else Decimal(0)


def _track(shipment, carrier, code, left, events) -> list:
    """The carrier's events of the shipment's first parcel, received and applied as a signed webhook's are."""
    from .services import tracking

    stamps, payload = [], []
    for n, (hours, status, location, message) in enumerate(events):
        moment = left + timedelta(hours=hours)
        payload.append({"event_id": f"demo-{shipment.number}-{n}", "tracking_code": code, "status": status,
                        "occurred_at": moment.isoformat(), "location": location or CITY, "message": message,
                        "raw_code": status.upper()[:12], "signed_by": "Ayşe K." if status == "delivered" else ""})
        stamps.append((tracking.TARGETS[status], moment))
    received = tracking.receive_events(source=tracking.webhook_source(carrier), carrier=carrier,
                                       events=tracking.parse_events({"events": payload}))
    tracking.apply_events(event_ids=received.ids)
    return stamps


def _backdate(shipment, times):
    """The demo happened over the last days: the shipment's history rows, its shipped and delivered times and its
    events' arrival take the moments of the plan (the services wrote them as now)."""
    from .models import Shipment, ShipmentStatusChange, TrackingEvent

    moments = {}
    for status, moment in times:
        moments.setdefault(str(status), []).append(moment)
    for row in ShipmentStatusChange.objects.filter(shipment=shipment).order_by("pk"):
        queue = moments.get(row.to_status)
        if queue:
            ShipmentStatusChange.objects.filter(pk=row.pk).update(created_at=queue.pop(0))
    first = {str(status): moment for status, moment in reversed(times)}
    Shipment.objects.filter(pk=shipment.pk).update(
        created_at=first["preparing"], shipped_at=first.get("shipped"), delivered_at=first.get("delivered"))
    if first.get("shipped"):  # the waybill is issued when the goods leave
        Shipment.objects.filter(pk=shipment.pk, waybill_number__isnull=False).update(waybill_issued_at=first["shipped"])
    for event in TrackingEvent.objects.filter(shipment=shipment):
        TrackingEvent.objects.filter(pk=event.pk).update(received_at=event.occurred_at + timedelta(minutes=1),
                                                         applied_at=event.occurred_at + timedelta(minutes=2))
