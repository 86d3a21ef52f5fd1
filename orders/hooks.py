"""Hook points of orders: where later stages (payments) plug in without orders importing them.

Declared here:
- `orders.commitment(order, actor, previous_total)`: inside the order's transaction, when `order` (saved with its
  new total and status) starts to count or counts more: placed at checkout/API/quote, approved, changed upwards.
  Raise a DomainError to refuse; everything rolls back (payments: the credit limit, a card's authorised amount).
- `orders.payment_methods_allowed(dealer)` (collect): a set of payment method codes the dealer may use, or None for
  all; checkout offers the intersection (payments: the credit account's methods).
- `orders.payment_methods_unavailable(dealer)` (collect): {method code: why it cannot be used now}; checkout shows
  such a method disabled with the reason, the first reason given wins (payments: on account without a limit).
- `orders.admin_panel(request, order)` (collect): HTML boxes on the order's admin page (shipping: the order's
  shipments, what is still to ship, "Create shipment" and "Cancel the rest").
- `orders.return_admin_panel(request, rma)` (collect): HTML boxes on a return's admin page (shipping: its return
  shipment and waybill, "Create the return shipment").

Declared by the lifecycles in orders.models (portal.lifecycle gives every lifecycle two points):
- `orders.order.guard(order, previous, to, actor)` before an order moves (payments: a wire or card order waits for
  its money), `orders.order.moved(order, previous, actor)` after it moved (payments: invoices, card capture and
  release);
- `orders.return.guard(rma, previous, to, actor)`, `orders.return.moved(rma, previous, actor)` (payments: the credit
  note of an approved return).
- `orders.shipping_options(actor, dealer, address, lines, insured)` (single): the shipping methods checkout offers,
  each a ShippingOption priced (with cargo insurance where `insured` and the method offers it) or with why it cannot
  be used (shipping: its methods and rates); default: the three fixed methods, free.
- `orders.shipping_charge(actor, dealer, address, lines, method_code, insured)` (single): the chosen method's
  ShippingOption, priced again under the locks when the order is placed, or a DomainError (shipping: also when
  `insured` and the method offers no insurance); default: free, and no insurance.
- `orders.shipping_method_name(code, language)` (single): a shipping method's name in `language` (the reader's,
  not the placer's), or "" when the code is unknown (then the order's stored label); default: the fixed methods'.

Later stages register on them in their AppConfig.ready() (payments/apps.py)."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from portal import hooks

commitment = hooks.point(
    "orders.commitment", args=("order", "actor", "previous_total"),
    doc="An order starts to count or counts more (placed, approved, changed upwards): raise a DomainError to refuse.")

payment_methods_allowed = hooks.point(
    "orders.payment_methods_allowed", args=("dealer",),
    doc="The payment method codes the dealer may use (a set), or None for all; checkout offers the intersection.")

payment_methods_unavailable = hooks.point(
    "orders.payment_methods_unavailable", args=("dealer",),
    doc="{payment method code: why the dealer cannot use it now}; checkout shows it disabled with the first reason.")

admin_panel = hooks.point(
    "orders.admin_panel", args=("request", "order"),
    doc="HTML (or \"\") of a box on the order's admin page (shipping: its shipments, what is still to ship, the "
        "“Create shipment” and “Cancel the rest” buttons).")

return_admin_panel = hooks.point(
    "orders.return_admin_panel", args=("request", "rma"),
    doc="HTML (or \"\") of a box on a return's admin page (shipping: its return shipment with the return waybill, "
        "the “Create the return shipment” button).")


def allowed_payment_methods(dealer) -> set | None:
    """The intersection of what every registered function allows (None: every method)."""
    allowed = None
    for methods in payment_methods_allowed.collect(dealer=dealer):
        if methods is not None:
            allowed = set(methods) if allowed is None else allowed & set(methods)
    return allowed


def unavailable_payment_methods(dealer) -> dict:
    """{method: reason} merged from every registered function; the first reason given for a method wins."""
    reasons = {}
    for answer in payment_methods_unavailable.collect(dealer=dealer):
        for method, reason in (answer or {}).items():
            reasons.setdefault(method, reason)
    return reasons


# --- shipping: which methods checkout offers and what the chosen one costs ------------------------------------

@dataclass(frozen=True)
class ShippingOption:
    """A shipping method checkout may offer: its code and name in the reader's language, the charge (net, VAT rate,
    VAT) and "why this charge" sentences; `unavailable`: why it cannot be chosen for these goods here ("" if it can).

    Cargo insurance: `insured` says the charge includes it, `insurance_net` is its premium (net, part of
    `charge_net`, shown apart). `insurance_premium` is what insuring these goods would cost (net; None: the method
    offers no insurance), with `insurance_terms` (the rate and minimum, in words) and `insurance_cover` (what it
    covers), both in the reader's language, so the dealer sees them before choosing."""

    code: str
    label: str
    charge_net: Decimal = Decimal("0.00")
    vat_rate: Decimal = Decimal("0.00")
    charge_vat: Decimal = Decimal("0.00")
    reasons: tuple = ()
    unavailable: str = ""
    insured: bool = False
    insurance_net: Decimal = Decimal("0.00")
    insurance_premium: Decimal | None = None
    insurance_terms: str = ""
    insurance_cover: str = ""

    @property
    def charge_gross(self) -> Decimal:
        return self.charge_net + self.charge_vat


def default_shipping_options(*, actor, dealer, address, lines, insured=False) -> list[ShippingOption]:
    """Without a shipping stage: the three fixed methods, free, none insured."""
    from .models import ShippingMethod

    return [ShippingOption(code=code, label=str(label)) for code, label in ShippingMethod.choices]


def default_shipping_charge(*, actor, dealer, address, lines, method_code, insured=False) -> ShippingOption:
    """Without a shipping stage: a known method ships free; an unknown code is refused, and so is insurance (no
    method offers it)."""
    from .errors import InvalidCheckout

    for option in default_shipping_options(actor=actor, dealer=dealer, address=address, lines=lines):
        if option.code == method_code:
            if insured:
                raise InvalidCheckout(_("%(method)s offers no cargo insurance.") % {"method": option.label},
                                      field="insured")
            return option
    raise InvalidCheckout(_("Choose a shipping method."), field="shipping_method")


def default_shipping_method_name(*, code, language) -> str:
    """Without a shipping stage: the fixed methods' names ("Standard", "Standart"); "" for another code."""
    from django.utils import translation

    from .models import ShippingMethod

    if code not in ShippingMethod.values:
        return ""
    with translation.override(language):
        return str(ShippingMethod(code).label)


shipping_options = hooks.point(
    "orders.shipping_options", args=("actor", "dealer", "address", "lines", "insured"), single=True,
    default=default_shipping_options,
    doc="[ShippingOption] every method the dealer may choose to ship `lines` [(product, quantity, net)] to `address` "
        "(city, postal_code), each priced (insured where `insured` and it offers insurance) or with why it cannot "
        "be used.")

shipping_charge = hooks.point(
    "orders.shipping_charge", args=("actor", "dealer", "address", "lines", "method_code", "insured"), single=True,
    default=default_shipping_charge,
    doc="The ShippingOption of `method_code` for these goods, priced with cargo insurance when `insured` (fixed on "
        "the order when placed), or a DomainError saying why it cannot be used.")

shipping_method_name = hooks.point(
    "orders.shipping_method_name", args=("code", "language"), single=True, default=default_shipping_method_name,
    doc="A shipping method's name in `language` (the reader's: a page, a mail, an invoice), or \"\" when unknown.")


def method_name(code, *, label="", language=None) -> str:
    """A shipping method's name in `language` (default: the active language, i.e. the reader's) as
    orders.shipping_method_name answers it; `label` (the name stored when an order was placed, in the placer's
    language) only for a method that is gone, then the code."""
    from django.utils.translation import get_language

    name = shipping_method_name.call(code=code or "", language=language or get_language() or "en")
    return str(name or label or code or "")
