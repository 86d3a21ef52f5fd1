"""How a dealer may pay an order: the choices checkout and the API offer, and the one check of a choice.

A choice is a payment method and a number of installments. Every method can be paid at once (1). Installment
plans are what pricing offers: an active `PaymentAdjustment` for (method, n), its percent goes into the line
prices (pricing's engine), so the order total is what the dealer owes. On account, the invoice is then split into
n monthly due dates (payments.services.invoices); by card, the card issuer splits it. A wire transfer is one
payment. Card is offered only when a card payment provider is configured (settings.CARD_PAYMENT_PROVIDER), and a
dealer's credit account may narrow the methods (payments registers on `orders.payment_methods_allowed`, orders/hooks.py).
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from portal.money import format_percent

from .. import hooks
from ..errors import InvalidCheckout
from ..models.order import MAX_INSTALLMENTS, PaymentMethod

# Methods that may be split into installments (a wire transfer is one payment).
SPLITTABLE = (PaymentMethod.ON_ACCOUNT, PaymentMethod.CARD)


@dataclass(frozen=True)
class PaymentOption:
    method: str
    installments: int = 1
    percent: Decimal = Decimal("0")
    # Why the dealer cannot choose it now (payments: no credit limit yet); checkout shows it disabled with this.
    unavailable: str = ""

    @property
    def value(self) -> str:
        """The form value: "card" for one payment, "card:3" for three installments."""
        return self.method if self.installments == 1 else f"{self.method}:{self.installments}"

    @property
    def label(self) -> str:
        name = str(PaymentMethod(self.method).label)
        if self.installments > 1:
            name = _("%(method)s, %(n)s monthly installments") % {"method": name, "n": self.installments}
        if self.percent:
            name = f"{name} ({format_percent(self.percent, signed=True)})"
        if self.unavailable:
            name = _("%(method)s: not available now") % {"method": name}
        return name


def card_enabled() -> bool:
    return bool(getattr(settings, "CARD_PAYMENT_PROVIDER", ""))


def payment_options(dealer, *, narrowed=True) -> list[PaymentOption]:
    """What this dealer may choose, in the order checkout shows it: each method at once, then its plans.
    `narrowed=False`: what the portal offers at all, before the dealer's credit account narrows it (a method the
    account does not allow is refused by payments' credit check, with its own message)."""
    from pricing.models import PaymentAdjustment

    methods = [m for m in PaymentMethod.values if m != PaymentMethod.CARD or card_enabled()]
    allowed = hooks.allowed_payment_methods(dealer) if narrowed else None
    if allowed is not None:
        methods = [m for m in methods if m in allowed]
    adjustments = {(a.method, a.installments): a.percent for a in PaymentAdjustment.objects.filter(
        active=True, method__in=methods, installments__lte=MAX_INSTALLMENTS)}
    reasons = hooks.unavailable_payment_methods(dealer) if narrowed else {}
    options = []
    for method in methods:
        why = str(reasons.get(method, ""))
        options.append(PaymentOption(method, 1, adjustments.get((method, 1), Decimal("0")), why))
        if method in SPLITTABLE:
            options += [PaymentOption(method, n, percent, why) for (m, n), percent in sorted(adjustments.items())
                        if m == method and n > 1]
    return options


def usable_alternatives(dealer, *, instead_of="on_account", options=None) -> set[str]:
    """The methods other than `instead_of` the dealer can choose now."""
    options = payment_options(dealer) if options is None else options
    return {o.method for o in options if not o.unavailable and o.method != instead_of}


def alternatives_text(dealer, *, instead_of="on_account", options=None) -> str:
    """"You can pay this order by wire transfer or by card instead.": what else the dealer may choose now
    (`options`: the dealer's payment_options when the caller has them already)."""
    usable = usable_alternatives(dealer, instead_of=instead_of, options=options)
    if {PaymentMethod.WIRE, PaymentMethod.CARD} <= usable:
        return _("You can pay this order by wire transfer or by card instead.")
    if PaymentMethod.WIRE in usable:
        return _("You can pay this order by wire transfer instead.")
    if PaymentMethod.CARD in usable:
        return _("You can pay this order by card instead.")
    return ""


def unavailable_notes(dealer, options) -> list[str]:
    """What checkout says under the payment choice about methods shown disabled: the reason, then the others."""
    notes = []
    for option in options:
        if option.unavailable and option.installments == 1:
            notes.append(" ".join(part for part in (
                option.unavailable, alternatives_text(dealer, instead_of=option.method, options=options)) if part))
    return notes


def parse_choice(value) -> tuple[str, int]:
    """"card:3" → ("card", 3); "wire" → ("wire", 1). Not checked against what is offered: see `check_choice`."""
    method, _sep, count = str(value or "").partition(":")
    try:
        installments = int(count) if count else 1
    except ValueError:
        raise InvalidCheckout(_("Choose a payment method."), field="payment_method") from None
    return method, installments


def check_choice(dealer, method: str, installments) -> int:
    """The number of installments if (method, installments) is offered now; else a clear error."""
    if method not in PaymentMethod.values:
        raise InvalidCheckout(_("Choose a payment method."), field="payment_method")
    if isinstance(installments, bool):
        installments = None
    try:
        installments = int(installments)
    except (TypeError, ValueError):
        raise InvalidCheckout(_("Enter a whole number of installments."), field="installments") from None
    if installments == 1 and (method != PaymentMethod.CARD or card_enabled()):
        return 1  # every method offered at all is offered at once (payment_options): no need to read the plans
    offered = {(o.method, o.installments) for o in payment_options(dealer, narrowed=False)}
    if (method, installments) in offered:
        return installments
    if not any(m == method for m, _n in offered):
        raise InvalidCheckout(_("%(method)s is not available.")
                              % {"method": PaymentMethod(method).label}, field="payment_method")
    plans = sorted(n for m, n in offered if m == method and n > 1)
    if not plans:
        raise InvalidCheckout(_("%(method)s is paid at once; there is no installment plan for it.")
                              % {"method": PaymentMethod(method).label}, field="installments")
    raise InvalidCheckout(_("%(method)s can be paid at once or in %(plans)s installments, not in %(n)s.") % {
        "method": PaymentMethod(method).label, "plans": ", ".join(map(str, plans)), "n": installments},
        field="installments")
