"""Factories of shipping for any app's tests: carriers, zones with their places, methods and rate rules."""
from decimal import Decimal

import factory

from .models import Carrier, RateKind, RateRule, ShippingMethod, ShippingZone, ZoneLine


class CarrierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Carrier
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"carrier-{n}")
    name = factory.Sequence(lambda n: f"Carrier {n}")
    tracking_url_template = "https://track.example.com/?code={code}"


class ShippingZoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ShippingZone

    name = factory.Sequence(lambda n: f"Zone {n}")


def zone(name="Marmara", *, cities=(), postcode_prefixes=()) -> ShippingZone:
    """A zone holding these cities and postcode prefixes."""
    made = ShippingZoneFactory(name=name)
    for city in cities:
        ZoneLine.objects.create(zone=made, city=city)
    for prefix in postcode_prefixes:
        ZoneLine.objects.create(zone=made, postcode_prefix=prefix)
    return made


class ShippingMethodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ShippingMethod
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"method-{n}")
    name_en = factory.Sequence(lambda n: f"Method {n}")
    name_tr = factory.Sequence(lambda n: f"Yöntem {n}")
    carrier = factory.SubFactory(CarrierFactory)
    lead_time_days = 2
    vat_rate = Decimal("20.00")


class RateRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RateRule

    method = factory.SubFactory(ShippingMethodFactory)
    kind = RateKind.FLAT
    price = Decimal("100.00")


def method_with(*rules, **fields) -> ShippingMethod:
    """A method with rate rules given as dicts of RateRule fields (`{"kind": "weight", "from_value": "0",
    "to_value": "10", "price": "50.00"}`); `segments=` and `dealers=` limit who may use it."""
    segments, dealers = fields.pop("segments", ()), fields.pop("dealers", ())
    method = ShippingMethodFactory(**fields)
    method.segments.set(segments)
    method.dealers.set(dealers)
    for rule in rules:
        RateRuleFactory(method=method, **rule)
    return method


# --- shipments ------------------------------------------------------------------------------------------------------

# A national ID number with valid check digits, and a truck that carries it.
NATIONAL_ID = "10000000146"
TRUCK = {"driver_name": "Ahmet Yılmaz", "driver_national_id": NATIONAL_ID, "vehicle_plate": "34 abc 123",
         "trailer_plate": ""}


def confirmed_order(actor, product, quantity=3, *, staff):
    """A placed order of `product` × `quantity` for the actor's dealer, confirmed by `staff`: ready to ship."""
    from orders.services import ordering, set_status

    order = ordering.place_order(actor=actor, lines=[(product, quantity)], checkout=ordering.Checkout())
    return set_status(actor=staff, order=order, status="confirmed")


def ship(order, quantities=None, *, staff, carrier=None, parcels=(("TRK1", "2.5"),), truck=None):
    """A shipment of `order` ({line id: quantity}; default: every line's whole quantity) by `carrier` (a new one
    when neither a carrier nor a truck is given)."""
    from .services import create_shipment

    if quantities is None:
        quantities = {line.pk: line.quantity for line in order.lines.all()}
    if carrier is None and truck is None:
        carrier = CarrierFactory()
    return create_shipment(actor=staff, order=order, lines=quantities, parcels=list(parcels), carrier=carrier,
                           truck=truck)


# --- tracking events (issue 14, section 4) ---------------------------------------------------------------------------

WEBHOOK_SECRET = "test-webhook-secret-0123456789"


def carrier_with_secret(**fields) -> Carrier:
    """A carrier that signs its webhook calls with WEBHOOK_SECRET (or `webhook_secret=`)."""
    fields.setdefault("webhook_secret", WEBHOOK_SECRET)
    return CarrierFactory(**fields)


def tracking_event(code, status, occurred_at=None, *, event_id=None, **fields) -> dict:
    """One event as a carrier or the ERP sends it (occurred_at: a datetime or ISO text; default now)."""
    from django.utils import timezone

    moment = occurred_at or timezone.now()
    event = {"tracking_code": code, "status": status,
             "occurred_at": moment if isinstance(moment, str) else moment.isoformat(), **fields}
    if event_id is not None:
        event["event_id"] = event_id
    return event


def post_webhook(client, carrier, body, *, secret=None, timestamp=None, signature=None, content_type=None):
    """POST `body` (a dict/list, or bytes as they are) to the carrier's webhook, signed like the carrier does unless
    `signature` is given ("" for none). Returns the response."""
    import json
    import time

    from django.urls import reverse

    from .services.tracking import sign

    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    timestamp = str(int(time.time())) if timestamp is None else str(timestamp)
    if signature is None:
        signature = sign(secret=secret or carrier.webhook_secret, timestamp=timestamp, body=raw)
    headers = {"HTTP_X_TIMESTAMP": timestamp}
    if signature:
        headers["HTTP_X_SIGNATURE"] = signature
    code = carrier if isinstance(carrier, str) else carrier.code
    return client.generic("POST", reverse("shipping:webhook", kwargs={"carrier": code}), raw,
                          content_type=content_type or "application/json", **headers)
