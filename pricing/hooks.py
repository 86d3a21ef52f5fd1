"""Pricing's hook points: how a later stage (orders, shipping) plugs into pricing without pricing importing it.

- `pricing.order_maker(actor, quote, revision)`: one provider (orders) turns an accepted quote into an order and
  returns it (anything with `.number`). accept_quote calls it inside its own (durable) transaction, with the quote row
  locked and still `sent`; the order must be made at the prices of `revision.snapshot` (the revision the dealer
  accepts) for `quote.dealer`, placed by `actor.user` (on behalf when `actor.on_behalf`), with the revision's shipping
  method and charge (`snapshot["shipping"]`) kept as quoted. It may raise a DomainError
  (credit limit, stock): the transaction rolls back and the quote stays sent. It must not commit on its own (no
  `atomic(durable=True)` inside); its `on_commit` work runs after the acceptance commits. Afterwards the quote is
  accepted → ordered with `order_number = order.number`. With none registered quotes cannot be accepted
  (OrderingUnavailable).
- `pricing.shipping_options(dealer, lines)` (single): the delivery methods staff may put on a quote for `dealer`,
  each a QuoteShipping priced for `lines` [(product, quantity, net)] or with why it cannot carry them (shipping: the
  dealer's methods and rates); default: the three fixed delivery methods, free.
- `pricing.shipping_charge(dealer, lines, method_code, insured)` (single): the quote's method priced for its lines
  (with cargo insurance when `insured`), frozen in the revision when the quote is sent, or a DomainError on the
  `delivery_method` / `shipping_insured` field; default: a fixed method ships free (no charge), without insurance.
- `pricing.shipping_method_name(code, language)` (single): a delivery method's name in the reader's language, or ""
  (then the name frozen in the revision); default: the fixed methods' names.
- The quote's lifecycle `pricing.quote` declares `pricing.quote.guard(quote, previous, to, actor)` and
  `pricing.quote.moved(quote, previous, actor)` (pricing/models/quotes.py, QUOTE).
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from portal import hooks

order_maker = hooks.point(
    "pricing.order_maker", args=("actor", "quote", "revision"), single=True,
    doc="Make the order of an accepted quote at its revision's prices and shipping charge; return it (with "
        "`.number`).")


@dataclass(frozen=True)
class QuoteShipping:
    """A delivery method of a quote: code and name (reader's language), the charge (net, VAT rate, VAT; cargo
    insurance's premium `insurance_net` is part of the net when `insured`), "why this charge" sentences, and
    `unavailable`: why it cannot carry these goods ("" when it can). `insurance_premium`: what insurance would cost
    (None: not offered)."""

    code: str
    label: str
    charge_net: Decimal = Decimal("0.00")
    vat_rate: Decimal = Decimal("0.00")
    charge_vat: Decimal = Decimal("0.00")
    insured: bool = False
    insurance_net: Decimal = Decimal("0.00")
    reasons: tuple = ()
    unavailable: str = ""
    insurance_premium: Decimal | None = None

    @property
    def charge_gross(self) -> Decimal:
        return self.charge_net + self.charge_vat


def default_shipping_options(*, dealer, lines) -> list[QuoteShipping]:
    """Without a shipping stage: the three fixed delivery methods, free."""
    from .models import DeliveryMethod

    return [QuoteShipping(code=code, label=str(label)) for code, label in DeliveryMethod.choices]


def default_shipping_charge(*, dealer, lines, method_code, insured=False) -> QuoteShipping:
    """Without a shipping stage: a fixed delivery method ships free; another code is refused, and so is insurance."""
    from .errors import InvalidQuoteHeader

    for option in default_shipping_options(dealer=dealer, lines=lines):
        if option.code == method_code:
            if insured:
                raise InvalidQuoteHeader(_("%(method)s offers no cargo insurance.") % {"method": option.label},
                                         field="shipping_insured")
            return option
    raise InvalidQuoteHeader(_("Unknown delivery method: %(method)s") % {"method": method_code},
                             field="delivery_method")


def default_shipping_method_name(*, code, language) -> str:
    from django.utils import translation

    from .models import DeliveryMethod

    if code not in DeliveryMethod.values:
        return ""
    with translation.override(language):
        return str(DeliveryMethod(code).label)


shipping_options = hooks.point(
    "pricing.shipping_options", args=("dealer", "lines"), single=True, default=default_shipping_options,
    doc="[QuoteShipping] the delivery methods a quote for `dealer` may carry, each priced for `lines` [(product, "
        "quantity, net)] or with why it cannot carry them.")

shipping_charge = hooks.point(
    "pricing.shipping_charge", args=("dealer", "lines", "method_code", "insured"), single=True,
    default=default_shipping_charge,
    doc="The QuoteShipping of `method_code` for the quote's lines (insured when asked), frozen in the revision sent, "
        "or a DomainError saying why it cannot be used. Default: no charge.")

shipping_method_name = hooks.point(
    "pricing.shipping_method_name", args=("code", "language"), single=True, default=default_shipping_method_name,
    doc="A delivery method's name in `language` (the reader's), or \"\" when unknown (then the name frozen in the "
        "revision).")


def method_name(code, *, label="", language=None) -> str:
    """A delivery method's name in `language` (default: the active one) as pricing.shipping_method_name answers;
    `label` (the name frozen in a revision) for a method that is gone, then the code."""
    from django.utils.translation import get_language

    name = shipping_method_name.call(code=code or "", language=language or get_language() or "en")
    return str(name or label or code or "")
