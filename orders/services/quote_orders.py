"""Quotes and orders meet here: the order maker pricing's accept_quote calls, and the cart sent as a quote
request."""
from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..hooks import ShippingOption
from ..models import Order, PaymentMethod, ShippingMethod
from .ordering import Checkout, FixedPrice, place_order


def quoted_shipping(snapshot: dict) -> ShippingOption:
    """The revision's delivery method and charge as the order keeps it (not priced again: the dealer accepted this
    charge). A revision sent before quotes carried a charge: its delivery method, free, as it was quoted."""
    shipping = snapshot.get("shipping")
    if not shipping or not shipping.get("method"):
        code = snapshot.get("header", {}).get("delivery_method") or ShippingMethod.STANDARD
        label = ShippingMethod(code).label if code in ShippingMethod.values else code
        return ShippingOption(code=code, label=str(label))
    return ShippingOption(
        code=shipping["method"], label=shipping.get("label") or shipping["method"],
        charge_net=Decimal(shipping.get("net") or "0.00"), vat_rate=Decimal(shipping.get("vat_rate") or "0.00"),
        charge_vat=Decimal(shipping.get("vat") or "0.00"), insured=bool(shipping.get("insured")),
        insurance_net=Decimal(shipping.get("insurance_net") or "0.00"))


def order_from_quote(*, actor, quote, revision) -> Order:
    """The order maker pricing's accept_quote calls (registered in orders.apps), inside its transaction with the
    quote locked: an order of the accepted revision's lines at its net unit prices, with its delivery method and
    shipping charge as quoted, through place_order like every other order (role, stock, the buyer's limit,
    numbering). At most one order per quote (a database constraint)."""
    snapshot = revision.snapshot
    header = snapshot.get("header", {})
    label = _("Quoted price")
    detail = _("Quote %(number)s, revision %(revision)s") % {"number": quote.number, "revision": revision.number}
    lines, fixed = [], {}
    for line in snapshot["lines"]:
        product_id, net = int(line["product_id"]), Decimal(line["net_unit_price"])
        lines.append((product_id, Decimal(line["quantity"])))
        fixed[product_id] = FixedPrice(unit_price=net, market_price=Decimal(line["list_price"]) if line.get(
            "list_price") else None, rules=[{"kind": "quote", "label": str(label), "amount": str(net), "detail": detail}])
    wanted_date = header.get("delivery_date") or header.get("requested_delivery_date")
    delivery = datetime.date.fromisoformat(wanted_date) if wanted_date else None
    shipping = quoted_shipping(snapshot)
    checkout = Checkout(
        shipping_method=shipping.code, insured=shipping.insured,
        payment_method=header.get("payment_method") if header.get("payment_method") in PaymentMethod.values
        else PaymentMethod.ON_ACCOUNT,
        requested_delivery_date=delivery if delivery and delivery >= timezone.localdate() else None,
        notes=header.get("request_note") or "")
    return place_order(actor=actor, lines=lines, checkout=checkout, fixed_prices=fixed, quote_number=quote.number,
                       fixed_shipping=shipping)


def request_quote_from_cart(*, actor, note="", requested_delivery_date=None):
    """Ask for a quote for the actor's cart (pricing makes and numbers the request); the cart is emptied, as its
    lines now live in the quote. One transaction: a refused request leaves the cart as it was."""
    from pricing.services import request_quote

    from ..models import Cart, CartLine

    with transaction.atomic():
        cart = Cart.objects.select_for_update().filter(user=actor.user, dealer=actor.dealer).first() \
            if actor is not None and actor.dealer is not None else None
        lines = list(CartLine.objects.filter(cart=cart).order_by("pk").values_list("product_id", "quantity")) \
            if cart else []
        quote = request_quote(actor=actor, lines=lines, note=note, requested_delivery_date=requested_delivery_date)
        CartLine.objects.filter(cart=cart).delete()
    return quote
