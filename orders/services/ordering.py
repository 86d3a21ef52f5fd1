"""Placing orders (checkout, API, quotes, agents) and in-company approval. Later moves: changes.py.

Every order is placed by `place_order`: one set of checks (role, dealer, addresses, methods, quantities, stock,
the buyer's order limit), one price source (the engine, or the accepted quote's prices), one number series, one
idempotency rule. Stock is taken when the order is placed (or when an approver approves a waiting order) and
given back when it is cancelled; see catalog.services.take_stock for the locking.
"""
from __future__ import annotations

import datetime
import functools
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import Product
from catalog.services import quantity_value, take_stock, validate_quantity
from dealers import permissions
from dealers.models import Address
from portal import audit, locks, outbox
from portal.compiled import CompiledQuery
from portal.money import quantize, vat_amount
from portal.numbering import number_into
from pricing.engine import price_lines

from .. import hooks
from .. import permissions as order_permissions
from ..errors import (
    DealerNotApproved,
    InvalidCheckout,
    NoDealer,
    NoLines,
    NotAllowed,
    ProductUnavailable,
    QuantityTooLarge,
    ShippingChargeChanged,
    StatusNotAllowed,
    UnpricedProduct,
)
from ..models import (
    ORDER,
    Order,
    OrderLine,
    OrderStatus,
    OrderStatusChange,
    PaymentMethod,
    ShippingMethod,
)
from .payment_options import check_choice
from .shared import dealer_users_who, mail_context, take_order_stock

S = OrderStatus


@dataclass
class Checkout:
    """What checkout asks besides the lines. Addresses are the dealer's own (ids or objects)."""
    shipping_address: Address | int | None = None
    billing_address: Address | int | None = None
    shipping_method: str = ShippingMethod.STANDARD
    payment_method: str = PaymentMethod.ON_ACCOUNT
    installments: int = 1  # an installment plan pricing offers for the method (payment_options)
    po_number: str = ""
    requested_delivery_date: datetime.date | None = None
    notes: str = ""
    # A one-off delivery address for this order instead of one of the dealer's (not saved in its address book):
    # {"contact_name", "phone", "line1", "line2", "district", "city", "postal_code", "country"}.
    new_shipping_address: dict | None = None
    # The shipping charge (gross) the review page showed: placing refuses when the method now costs otherwise.
    shipping_charge_seen: Decimal | None = None
    # Cargo insurance on the shipment (a method that offers none refuses it); its premium is in the charge.
    insured: bool = False


NEW_ADDRESS_FIELDS = ("contact_name", "phone", "line1", "line2", "district", "city", "postal_code", "country")


@dataclass
class FixedPrice:
    """A price agreed outside the engine (an accepted quote's net unit price), with the words to show for it."""
    unit_price: Decimal
    market_price: Decimal | None = None
    rules: list = field(default_factory=list)


# --- who may ---------------------------------------------------------------------------------------

def _require(actor, ability, message=None):
    if actor is None or actor.dealer is None:
        raise NoDealer(_("Choose a dealer to act for first."))
    if not actor.dealer.is_approved:
        raise DealerNotApproved(_("Your company is not approved; it cannot order yet."))
    if not permissions.can(actor, ability):
        raise NotAllowed(message or _("Your role does not allow this."))


def needs_approval(actor, total_gross: Decimal) -> bool:
    """A buyer's order above its order limit waits for an approver (agents' and approvers' orders do not)."""
    if actor.on_behalf or permissions.can(actor, permissions.APPROVE_ORDERS):
        return False
    limit = actor.user.order_limit
    return limit is not None and total_gross > limit


def _address_text(address: Address) -> str:
    parts = [address.label, address.contact_name, address.line1, address.line2,
             " ".join(filter(None, [address.postal_code, address.district, address.city])), address.country,
             address.phone]
    return "\n".join(p for p in parts if p)


def _dealer_address(actor, value, kind) -> Address:
    if isinstance(value, Address):
        value = value.pk
    if value in (None, ""):
        address = Address.objects.filter(dealer=actor.dealer, kind=kind, is_default=True).first()
    else:
        try:
            address = Address.objects.filter(dealer=actor.dealer, kind=kind, pk=int(value)).first()
        except (TypeError, ValueError):
            address = None
    if address is None:
        field_name = "shipping_address" if kind == Address.Kind.SHIPPING else "billing_address"
        raise InvalidCheckout(_("Choose one of your company's addresses."), field=field_name)
    return address


@functools.cache
def _default_addresses(kinds: tuple) -> CompiledQuery:
    """A dealer's default addresses of these kinds, the query built once per process (portal.compiled): every order
    reads them, and the ORM spent several times PostgreSQL's time building the query."""
    return CompiledQuery(lambda dealer_pk: Address.objects.filter(dealer_id=dealer_pk, is_default=True,
                                                                  kind__in=kinds), sample=(-48_611,))


def _dealer_addresses(actor, wanted: dict) -> dict:
    """{kind: address} of the dealer's addresses `wanted` ({kind: id, Address or None for the default}), in one
    query; a kind whose address is not the dealer's is missing from the answer."""
    defaults, chosen = [], {}
    for kind, value in wanted.items():
        if isinstance(value, Address):
            value = value.pk
        if value in (None, ""):
            defaults.append(kind)
        else:
            try:
                chosen[kind] = int(value)
            except (TypeError, ValueError):
                pass
    if chosen:
        condition = Q()
        for kind in defaults:
            condition |= Q(kind=kind, is_default=True)
        for kind, pk in chosen.items():
            condition |= Q(kind=kind, pk=pk)
        addresses = Address.objects.filter(condition, dealer=actor.dealer)
    elif defaults:
        # The usual case, the default addresses: a plain filter, its SQL built once per process.
        addresses = _default_addresses(tuple(defaults)).all(actor.dealer.pk)
    else:
        return {}
    found = {}
    for address in addresses:
        found.setdefault(address.kind, address)
    return found


def _new_address_text(values: dict) -> str:
    values = {key: str(values.get(key) or "").strip() for key in NEW_ADDRESS_FIELDS}
    for key in ("line1", "city"):
        if not values[key]:
            raise InvalidCheckout(_("A new delivery address needs at least a street and a city."),
                                  field="new_shipping_address")
    for key in NEW_ADDRESS_FIELDS:
        limit = Address._meta.get_field(key).max_length
        if len(values[key]) > limit:
            raise InvalidCheckout(_("%(field)s has at most %(count)s characters.") % {
                "field": Address._meta.get_field(key).verbose_name, "count": limit}, field="new_shipping_address")
    values["country"] = values["country"].upper() or "TR"
    return _address_text(Address(label=_("Delivery address of this order"), **values))


def shipping_address_of(actor, checkout: Checkout) -> Address:
    """The delivery address (checked): one of the dealer's, or the one-off address (not saved), for pricing shipping."""
    if checkout.new_shipping_address:
        _new_address_text(checkout.new_shipping_address)
        values = {key: str(checkout.new_shipping_address.get(key) or "").strip() for key in NEW_ADDRESS_FIELDS}
        return Address(dealer=actor.dealer, kind=Address.Kind.SHIPPING, **values)
    return _dealer_address(actor, checkout.shipping_address, Address.Kind.SHIPPING)


def describe_shipping(actor, checkout: Checkout) -> str:
    """The delivery address as the order will carry it (checked): for the review page."""
    if checkout.new_shipping_address:
        return _new_address_text(checkout.new_shipping_address)
    return _address_text(_dealer_address(actor, checkout.shipping_address, Address.Kind.SHIPPING))


def describe_billing(actor, checkout: Checkout) -> str:
    """The billing address as the order will carry it (checked): for the review page."""
    return _address_text(_dealer_address(actor, checkout.billing_address, Address.Kind.BILLING))


def shipping_method_label(code) -> str:
    """The fixed method's name in the reader's language ("Standard", "Standart"); the code when it is unknown."""
    return str(ShippingMethod(code).label) if code in ShippingMethod.values else str(code or "")


def ship_lines(rows) -> list[tuple]:
    """Priced rows (or (product, quantity, net) tuples) as the shipping hooks take them: [(product, quantity, net)]."""
    return [(r["product"], r["quantity"], r["line_net"]) if isinstance(r, dict) else tuple(r) for r in rows]


def shipping_options(actor, *, address, lines, insured=False) -> list[hooks.ShippingOption]:
    """Every shipping method checkout offers for these goods to `address`, each priced (with cargo insurance where
    `insured` and the method offers it) or with why it cannot be used (orders.shipping_options: the shipping stage,
    or the three fixed methods, free)."""
    return list(hooks.shipping_options.call(actor=actor, dealer=actor.dealer, address=address,
                                            lines=ship_lines(lines), insured=bool(insured)))


def shipping_charge(actor, *, address, lines, method_code, insured=False) -> hooks.ShippingOption:
    """The chosen method priced for these goods (orders.shipping_charge), with its cargo insurance when `insured`,
    or the DomainError saying why not."""
    if not method_code:
        raise InvalidCheckout(_("Choose a shipping method."), field="shipping_method")
    return hooks.shipping_charge.call(actor=actor, dealer=actor.dealer, address=address, lines=ship_lines(lines),
                                      method_code=method_code, insured=bool(insured))


def shipping_method_name(code, *, label="", language=None) -> str:
    """A shipping method's name in `language` (default: the active one, i.e. the reader's) through
    orders.shipping_method_name; `label` (the name stored when the order was placed) for a method that is gone."""
    return hooks.method_name(code, label=label, language=language)


def priced_shipping(actor, checkout: Checkout, rows, *, address: Address | None = None) -> hooks.ShippingOption:
    """The chosen method's charge for the priced rows (with cargo insurance when the checkout asks for it),
    checked against the charge the dealer saw (if given). `address`: the delivery address when the caller has read
    it already (else shipping_address_of)."""
    address = address if address is not None else shipping_address_of(actor, checkout)
    option = shipping_charge(actor, address=address, lines=rows,
                             method_code=checkout.shipping_method, insured=checkout.insured)
    seen = checkout.shipping_charge_seen
    if seen is not None and quantize(seen) != quantize(option.charge_gross):
        from portal.money import format_money

        raise ShippingChargeChanged(
            _("Shipping with %(method)s now costs %(now)s instead of %(seen)s. Review the order and place it again.")
            % {"method": option.label, "now": format_money(option.charge_gross), "seen": format_money(seen)},
            field="shipping_method")
    return option


def _clean_checkout(actor, checkout: Checkout) -> tuple[dict, Address]:
    """The order's checked header values, and the delivery address (for pricing the shipping): the dealer's
    addresses are read once, both in one query."""
    installments = check_choice(actor.dealer, checkout.payment_method, checkout.installments)
    if checkout.requested_delivery_date and checkout.requested_delivery_date < timezone.localdate():
        raise InvalidCheckout(_("The requested delivery date is in the past."), field="requested_delivery_date")
    po_number = (checkout.po_number or "").strip()
    if len(po_number) > 50:
        raise InvalidCheckout(_("A PO number has at most 50 characters."), field="po_number")
    notes = (checkout.notes or "").strip()
    if len(notes) > 2000:
        raise InvalidCheckout(_("Notes have at most 2000 characters."), field="notes")
    wanted = {Address.Kind.BILLING: checkout.billing_address}
    if not checkout.new_shipping_address:
        wanted[Address.Kind.SHIPPING] = checkout.shipping_address
    found = _dealer_addresses(actor, wanted)
    # The same checks, in the same order, as describe_shipping and describe_billing.
    if checkout.new_shipping_address:
        shipping_text = _new_address_text(checkout.new_shipping_address)
        shipping = shipping_address_of(actor, checkout)  # the one-off address, unsaved: no query
    else:
        shipping = found.get(Address.Kind.SHIPPING)
        if shipping is None:
            raise InvalidCheckout(_("Choose one of your company's addresses."), field="shipping_address")
        shipping_text = _address_text(shipping)
    billing = found.get(Address.Kind.BILLING)
    if billing is None:
        raise InvalidCheckout(_("Choose one of your company's addresses."), field="billing_address")
    return {
        "shipping_address": shipping_text,
        "billing_address": _address_text(billing),
        "shipping_method": checkout.shipping_method, "payment_method": checkout.payment_method,
        "installments": installments, "po_number": po_number,
        "requested_delivery_date": checkout.requested_delivery_date, "notes": notes,
    }, shipping


# --- lines and prices ------------------------------------------------------------------------------

def _checked_lines(lines) -> list[tuple[Product, Decimal]]:
    """[(product or id, quantity)] → [(product, quantity)] obeying each product's rules; merged by product. Products
    given as whole rows (read by the caller in this request, none of their fields deferred) are not read again."""
    if not lines:
        raise NoLines(_("There is nothing to order."))
    ids = [item.pk if isinstance(item, Product) else item for item, _q in lines]
    if all(isinstance(item, Product) and not item.get_deferred_fields() for item, _q in lines):
        products = {item.pk: item for item, _q in lines}
    else:
        products = Product.objects.in_bulk(ids)
    merged: dict[int, Decimal] = {}
    for pk, (_item, quantity) in zip(ids, lines, strict=True):
        product = products.get(pk)
        if product is None or not product.active:
            raise ProductUnavailable(_("A product of this order is no longer sold."), field="lines")
        # Each line's quantity is read as given (text from the API: "2,5", "abc"); the product's rules apply to the
        # merged total.
        merged[pk] = merged.get(pk, Decimal(0)) + quantity_value(quantity)
    for pk, quantity in merged.items():
        validate_quantity(product=products[pk], quantity=quantity)
    return [(products[pk], quantity) for pk, quantity in merged.items()]


def _rule_dicts(rules) -> list[dict]:
    return [{"kind": r.kind, "label": str(r.label), "amount": str(r.amount), "detail": str(r.detail)}
            for r in rules]


def priced_rows(actor, lines, *, payment_method, installments=1, fixed=None, seen_campaigns=None) -> list[dict]:
    """Order line values: from the engine for these quantities, this dealer, today and the payment method with
    its installments (pricing's adjustment: wire discount, installment surcharge), or the fixed (quoted) unit
    prices. `seen_campaigns`: extended with the campaigns the engine found running for the dealer (pricing's
    price_lines); left as it is for fixed prices."""
    rows = []
    if fixed is None:
        # The products were read by _checked_lines (or the API view) in this request: the engine reads them no more.
        priced = price_lines(dealer=actor.dealer, lines=list(lines), payment_method=payment_method,
                             installments=installments, fresh_products=True, seen_campaigns=seen_campaigns)
        for (product, quantity), line in zip(lines, priced, strict=True):
            if not line.priced or line.unit_price is None:
                raise UnpricedProduct(_("%(sku)s has no price for your company yet; ask for a quote.")
                                      % {"sku": product.sku}, field="lines")
            rows.append({"product": product, "quantity": quantity, "unit_price": line.unit_price,
                         "market_price": line.market_price, "rules": _rule_dicts(line.rules)})
    else:
        for product, quantity in lines:
            price = fixed[product.pk]
            rows.append({"product": product, "quantity": quantity, "unit_price": quantize(price.unit_price),
                         "market_price": price.market_price, "rules": price.rules})
    for row in rows:
        product = row["product"]
        row.update(sku=product.sku, name=product.name, unit=product.unit, vat_rate=product.vat_rate,
                   line_net=quantize(row["unit_price"] * row["quantity"]))
        row["line_vat"] = vat_amount(row["line_net"], product.vat_rate)
    return rows


# What an order's money columns (Decimal 14, 2) hold.
MAX_ORDER_TOTAL = Decimal("1e12")


def order_totals(rows, shipping=None) -> tuple[Decimal, Decimal, Decimal]:
    """(net, VAT, gross) of the goods, plus the shipping charge (a ShippingOption) when given."""
    net = sum((r["line_net"] for r in rows), Decimal("0.00"))
    vat = sum((r["line_vat"] for r in rows), Decimal("0.00"))
    if shipping is not None:
        net, vat = net + shipping.charge_net, vat + shipping.charge_vat
    if net + vat >= MAX_ORDER_TOTAL:
        raise QuantityTooLarge(_("These quantities make an order too large for one order; split it."),
                               field="lines")
    return net, vat, net + vat


def _stock_check_unlocked(rows) -> None:
    """An early, friendly refusal for a waiting order (nothing is taken until it is approved)."""
    from catalog.availability import availability
    from catalog.errors import OutOfStock

    # The one availability rule (catalog.availability), saying per line what can be delivered.
    short = [(r["sku"], availability(r["product"], r["quantity"])) for r in rows]
    short = [(sku, stock) for sku, stock in short if not stock.can_deliver]
    if short:
        raise OutOfStock(_("Not enough stock: %(items)s") % {"items": " ".join(
            f"{sku}: {stock.problem}" for sku, stock in short)}, field="lines", params={"skus": [s for s, _a in short]})


# --- placing -----------------------------------------------------------------------------------------

def place_order(*, actor, lines, checkout: Checkout, idempotency_key: str | None = None,
                fixed_prices: dict | None = None, quote_number: str = "",
                fixed_shipping: hooks.ShippingOption | None = None) -> Order:
    """Place an order of `lines` [(product or id, quantity)] for the actor's dealer. The same idempotency key
    (a double click, a reload, an API retry) returns the first order instead of placing another."""
    return place_order_or_find(actor=actor, lines=lines, checkout=checkout, idempotency_key=idempotency_key,
                               fixed_prices=fixed_prices, quote_number=quote_number, fixed_shipping=fixed_shipping)[0]


@locks.retry_when_busy
def place_order_or_find(*, actor, lines, checkout: Checkout, idempotency_key: str | None = None,
                        fixed_prices: dict | None = None, quote_number: str = "",
                        fixed_shipping: hooks.ShippingOption | None = None,
                        key_is_new: bool = False) -> tuple[Order, bool]:
    """`place_order`, saying whether this call placed the order: (order, True), or (the order the same idempotency
    key placed before or in parallel, False). The API answers 201 or 200 from it. `fixed_shipping`: a shipping
    charge agreed outside checkout (an accepted quote's), kept as it is instead of pricing the method now.
    `key_is_new`: the caller knows no order carries the key yet (an Idempotency-Key claimed just now, or a look-up
    the caller made under the cart's lock), so it is not looked up first; the unique constraint still finds an
    order placed with it in parallel."""
    _require(actor, permissions.ORDER, _("Your role does not allow placing orders."))
    key = (idempotency_key or "").strip()[:100] or None
    if key and not key_is_new:
        existing = Order.objects.filter(dealer=actor.dealer, idempotency_key=key).first()
        if existing is not None:
            return existing, False
    # Everything that needs no lock is done before the first one: checks, addresses, prices, shipping, mails' words.
    values, address = _clean_checkout(actor, checkout)
    checked = _checked_lines(lines)
    # The campaigns running for the dealer as the engine priced the lines (None for fixed, quoted prices): the order
    # carries them (order.campaigns_open_to_dealer) for the commitment listeners (feedback's review reward).
    seen_campaigns = [] if fixed_prices is None else None
    rows = priced_rows(actor, checked, payment_method=values["payment_method"], installments=values["installments"],
                       fixed=fixed_prices, seen_campaigns=seen_campaigns)
    # The charge of the chosen method, priced now (checkout_cart holds the credit account's and the cart's locks):
    # what the dealer saw on the review page, or a refusal saying what it costs now.
    shipping = fixed_shipping if fixed_shipping is not None else priced_shipping(actor, checkout, rows,
                                                                                 address=address)
    net, vat, gross = order_totals(rows, shipping)
    values.update(shipping_method=shipping.code, shipping_label=str(shipping.label)[:100],
                  shipping_net=shipping.charge_net, shipping_vat_rate=shipping.vat_rate,
                  shipping_vat=shipping.charge_vat, shipping_insured=shipping.insured,
                  shipping_insurance_net=shipping.insurance_net if shipping.insured else Decimal("0.00"))
    waiting = needs_approval(actor, gross)
    if waiting:
        _stock_check_unlocked(rows)
    note = _("From quote %(number)s") % {"number": quote_number} if quote_number else ""
    recipients = _placed_recipients(actor, waiting)
    # Between the credit account's lock and the commit every order of this dealer waits (and from the stock rows'
    # lock on, every order of those products; from the counter's, every order): only writes happen in there, few
    # statements each, none of them rendering or reading what could be read before.
    try:
        with transaction.atomic():
            account = None
            if not waiting:
                # The lock order (portal/locks.py): the credit account before the order and its stock rows.
                account = locks.credit_account(actor.dealer)
            # The number is taken last: its counter row is locked until commit, so it is held for a moment
            # rather than for the whole order (every order of every dealer waits on that row).
            order = Order.objects.create(
                number=f"TMP-{uuid.uuid4().hex[:16]}", dealer=actor.dealer, placed_by=actor.user, on_behalf=actor.on_behalf,
                status=S.PENDING_APPROVAL if waiting else S.PLACED, quote_number=quote_number,
                total_net=net, total_vat=vat, total_gross=gross, idempotency_key=key, **values)
            # The credit account row this transaction locked for the new order (or None: it has none yet): the
            # credit check (orders.commitment) takes it instead of reading and locking it again under the lock.
            order.locked_credit_account = account
            order.campaigns_open_to_dealer = (None if seen_campaigns is None
                                              else frozenset(campaign.pk for campaign in seen_campaigns))
            # A placed order's lines are written as taking their whole quantity from stock; take_stock below says
            # what it took (less only for a backorder beyond the stock), and only such lines are written again.
            order_lines = OrderLine.objects.bulk_create([
                OrderLine(order=order, ordering=i, product=r["product"], sku=r["sku"], name=r["name"], unit=r["unit"],
                          quantity=r["quantity"], unit_price=r["unit_price"], market_price=r["market_price"],
                          vat_rate=r["vat_rate"], line_net=r["line_net"], line_vat=r["line_vat"], rules=r["rules"],
                          stock_taken=Decimal(0) if waiting else r["quantity"])
                for i, r in enumerate(rows)])
            # The first row of the order's history: it is created in its status, not moved (ORDER.move is for moves).
            first_change = OrderStatusChange.objects.create(order=order, from_status="", to_status=order.status,
                                                            by=actor.user, on_behalf=actor.on_behalf, note=note)
            if not waiting:
                hooks.commitment.run(order=order, actor=actor, previous_total=Decimal("0.00"))
                # Stock rows are shared by every dealer's orders: locked as late as possible.
                _take_stock(order_lines)
            number_into(order, "ORD")
            audit.record(actor=actor.user, action="order.placed", target=order, dealer=actor.dealer,
                         data=actor.audit_data(number=order.number, total=str(gross), status=order.status))
            _notify_placed(order, recipients)
    except IntegrityError:
        # The same key placed in parallel: the other transaction won; this submit is that order.
        if key:
            existing = Order.objects.filter(dealer=actor.dealer, idempotency_key=key).first()
            if existing is not None:
                return existing, False
        raise
    order.locked_credit_account = None  # held no longer (or only by a caller's transaction): a later check locks it
    # What was written, as written (the lines with what they took from stock): the API answers from it.
    order._placed_parts = (order_lines, [first_change])
    return order, True


def placed_parts(order) -> tuple[list[OrderLine], list[OrderStatusChange]] | None:
    """The lines and the history of an order this process has just placed (place_order_or_find, checkout_cart_or_find
    with created True), as they were written; None for an order read from the database."""
    return getattr(order, "_placed_parts", None)


def checkout_cart(*, actor, checkout: Checkout, idempotency_key: str | None = None) -> Order:
    """Place the actor's cart as an order and empty the cart, in one transaction. A second submit with the same
    key (a double click, a reload) waits for the first on the cart's lock and then returns its order."""
    return checkout_cart_or_find(actor=actor, checkout=checkout, idempotency_key=idempotency_key)[0]


@locks.retry_when_busy
def checkout_cart_or_find(*, actor, checkout: Checkout, idempotency_key: str | None = None,
                          key_is_new: bool = False) -> tuple[Order, bool]:
    """`checkout_cart`, saying whether this call placed the order (see place_order_or_find, also for
    `key_is_new`)."""
    from ..models import CartLine

    _require(actor, permissions.ORDER, _("Your role does not allow placing orders."))
    key = (idempotency_key or "").strip()[:100] or None
    with transaction.atomic():
        # The lock order (portal/locks.py): credit account, then the cart, then what place_order locks.
        locks.credit_account(actor.dealer)
        cart = locks.cart(user=actor.user, dealer=actor.dealer)
        if key and not key_is_new:
            existing = Order.objects.filter(dealer=actor.dealer, idempotency_key=key).first()
            if existing is not None:
                return existing, False
        lines = list(CartLine.objects.filter(cart=cart).order_by("pk").values_list("product_id", "quantity")) \
            if cart else []
        # Looked up above, under the cart's lock: no order carries the key.
        order, created = place_order_or_find(actor=actor, lines=lines, checkout=checkout, idempotency_key=key,
                                             key_is_new=True)
        CartLine.objects.filter(cart=cart).delete()
    return order, created


def _take_stock(order_lines) -> None:
    """Take a new order's lines from stock (catalog.services.take_stock: the stock rows locked in product order);
    the lines were written taking their whole quantity, so only a backorder beyond the stock is written again."""
    taken = take_stock(quantities={line.product_id: line.quantity for line in order_lines})
    short = [line for line in order_lines if taken.get(line.product_id, Decimal(0)) != line.stock_taken]
    for line in short:
        line.stock_taken = taken.get(line.product_id, Decimal(0))
    if short:
        OrderLine.objects.bulk_update(short, ["stock_taken"])


def _placed_recipients(actor, waiting) -> dict:
    """Who hears of a new order (read before the locks): {template: [users]}, and the staff's addresses."""
    placer = actor.user
    approvers = dealer_users_who(actor.dealer, permissions.APPROVE_ORDERS) \
        if waiting or actor.on_behalf or not placer.email else []
    return {"orders/awaiting_approval": approvers if waiting else [],
            "orders/received": [placer] if not actor.on_behalf and placer.email else approvers}


def _notify_placed(order, recipients):
    """The new order's mails, all outbox rows in one INSERT (outbox.notify_many)."""
    placer = order.placed_by
    common = mail_context(order)
    messages = [{"to": user, "template": "orders/awaiting_approval",
                 "context": {**common, "buyer": str(placer), "first_name": user.first_name}}
                for user in recipients["orders/awaiting_approval"]]
    messages += [{"to": user, "template": "orders/received", "context": {**common, "first_name": user.first_name}}
                 for user in recipients["orders/received"]]
    messages += outbox.staff_messages(template="orders/staff_new_order", context=common)
    outbox.notify_many(messages)


# --- approval ------------------------------------------------------------------------------------------

def lock_order(order) -> Order:
    """The order row only (portal/locks.py); a caller that may commit the order's amount locks the credit account
    first."""
    return locks.order(order)


@locks.retry_when_busy
def _decide(*, actor, order, approve: bool, note: str) -> Order:
    _require(actor, permissions.APPROVE_ORDERS, _("Only approvers and owners decide on orders."))
    note = (note or "").strip()
    if not approve and not note:
        raise InvalidCheckout(_("Say why the order is rejected."), field="note")
    with transaction.atomic():
        if approve:
            # The lock order: the credit account (the approval commits the amount), then the order, then stock.
            locks.credit_account(actor.dealer)
        order = lock_order(order)
        if not order_permissions.may_decide(actor, order):
            raise NotAllowed(_("This order is not your company's."))
        if order.status != S.PENDING_APPROVAL:
            raise StatusNotAllowed(_("This order is not waiting for approval any more."))
        to_status = S.PLACED if approve else S.REJECTED
        if approve:
            take_order_stock(order)
            hooks.commitment.run(order=order, actor=actor, previous_total=Decimal("0.00"))
        order.decided_by, order.decision_note = actor.user, note
        # The move runs the later stages' guards and listeners (payments releases a rejected card order's money).
        ORDER.move(order, to=to_status, actor=actor, note=note, fields=["decided_by", "decision_note"],
                   audit_action="order.approved" if approve else "order.rejected",
                   audit_data={"number": order.number}, dealer=order.dealer)
        outbox.notify(to=order.placed_by, template="orders/approved" if approve else "orders/rejected",
                      context=mail_context(order, note=note, approver=str(actor.user),
                                           first_name=order.placed_by.first_name))
    return order


def approve_order(*, actor, order, note="") -> Order:
    return _decide(actor=actor, order=order, approve=True, note=note)


def reject_order(*, actor, order, note) -> Order:
    return _decide(actor=actor, order=order, approve=False, note=note)
