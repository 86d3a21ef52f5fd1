"""The one function that prices shipping, like pricing's engine prices goods: `quote_shipping` for one method,
`available_methods` for every method a dealer may choose (each priced, or with the reason it cannot be used).

What a charge is made of (all net, rounded half up to cents by portal.money):
  freight   the price of the winning rate rule, or 0 when the goods' NET value reaches the method's free threshold
            (never the gross: VAT is not goods value). Free shipping frees the freight only.
  handling  the method's handling charge, once, when any line is fragile or hazardous.
  insurance when asked for: the method's rate on the insured net goods value, at least its minimum.
  VAT       on the sum, at the method's own rate (freight is taxed like any service, not at the goods' rates).

Which rule wins. A rule matches when its zone (if any) holds the address, its segment (if any) is the dealer's,
its dealer (if any) is the dealer, and its band holds the measure (weight bands: the goods' total weight; net
bands: the goods' net value; from included, to excluded; flat: always). Of the matching rules the most specific
wins, compared in this order: a dealer rule beats a segment rule, which beats a zone rule, which beats a general
one (a dealer rule for a zone beats a dealer rule for everywhere); at the same level a band rule beats a flat one
(the flat rule is the fallback, e.g. when a weight is unknown). Rules equally specific: the cheapest wins.

A product without a weight makes the total weight unknown: weight bands then cannot apply, and the method is
priced by its flat or net-band rules; when only weight bands would have applied, the method is refused with
`shipping.weight_unknown` (the page says which products lack a weight) rather than guessing a weight.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from portal.money import DEFAULT_CURRENCY, format_money, format_percent, quantize, to_decimal, vat_amount

from ..errors import (
    FragileNotCarried,
    HazardousNotCarried,
    InsuranceNotOffered,
    MethodNotAllowed,
    NoLines,
    NoRate,
    ShippingError,
    WeightUnknown,
)
from ..models import RateKind, ShippingMethod
from ..permissions import may_use_method

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class ShipLine:
    """One line to ship: the product, its quantity and the line's net value (after the dealer's prices)."""

    product: object
    quantity: Decimal
    net: Decimal


@dataclass(frozen=True)
class ShippingQuote:
    """What shipping these goods with `method` costs, and why (`reasons`: sentences for the dealer)."""

    method: ShippingMethod
    currency: str
    goods_net: Decimal
    weight_kg: Decimal | None
    freight_net: Decimal
    handling_net: Decimal
    insurance_net: Decimal
    charge_net: Decimal
    vat_rate: Decimal
    charge_vat: Decimal
    charge_gross: Decimal
    free: bool
    free_threshold: Decimal | None
    to_go: Decimal | None
    insured: bool
    rule_id: int | None = None
    reasons: list = field(default_factory=list)


def as_ship_lines(lines) -> list[ShipLine]:
    """ShipLines from ShipLines or (product, quantity, net) tuples; quantities and amounts as Decimal, never float."""
    result = []
    for line in lines:
        if not isinstance(line, ShipLine):
            product, quantity, net = line
            line = ShipLine(product=product, quantity=to_decimal(quantity), net=quantize(net))
        result.append(line)
    return result


def total_weight(lines) -> Decimal | None:
    """The goods' weight in kg (quantity × the product's weight), or None when any product's weight is unknown."""
    weight = Decimal("0")
    for line in lines:
        unit = getattr(line.product, "weight_kg", None)
        if unit is None:
            return None
        weight += to_decimal(unit) * line.quantity
    return weight


def format_weight(weight: Decimal) -> str:
    """`42.5` in the active language's number format, to the gram, trailing zeros dropped."""
    value = weight.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP).normalize()
    if value == value.to_integral():
        value = value.quantize(Decimal(1))
    return number_format(value)


def _specificity(rule) -> tuple:
    return (rule.dealer_id is not None, rule.segment_id is not None, rule.zone_id is not None,
            rule.kind != RateKind.FLAT)


def _rule_holds_here(rule, *, dealer, address) -> bool:
    if rule.dealer_id is not None and rule.dealer_id != dealer.pk:
        return False
    if rule.segment_id is not None and rule.segment_id != dealer.segment_id:
        return False
    if rule.zone_id is not None and not rule.zone.contains(city=address.city, postal_code=address.postal_code):
        return False
    return True


def winning_rule(*, method, dealer, address, weight, goods_net):
    """The rule that prices the method here (see the module's doc), or a ShippingError saying why none does."""
    here = [rule for rule in method.rules.all() if _rule_holds_here(rule, dealer=dealer, address=address)]
    if not here:
        raise NoRate(_("%(method)s does not deliver to %(city)s.") % {"method": method.label(),
                                                                        "city": address.city})
    measures = {RateKind.FLAT: None, RateKind.WEIGHT: weight, RateKind.NET: goods_net}
    holding = [rule for rule in here if rule.holds_for(measures[rule.kind])]
    if not holding:
        if weight is None and any(rule.kind == RateKind.WEIGHT for rule in here):
            raise WeightUnknown(_("%(method)s is priced by weight, and the weight of some products is not known.")
                                % {"method": method.label()})
        raise NoRate(_("%(method)s has no rate for these goods.") % {"method": method.label()})
    return max(holding, key=lambda rule: (_specificity(rule), -rule.price, -rule.pk))


def _rule_reason(rule, *, weight, goods_net, currency) -> str:
    price = format_money(rule.price, currency)
    if rule.kind == RateKind.WEIGHT:
        return _("Weight %(weight)s kg: %(price)s") % {"weight": format_weight(weight), "price": price}
    if rule.kind == RateKind.NET:
        return _("Goods worth %(net)s net: %(price)s") % {"net": format_money(goods_net, currency), "price": price}
    return _("Flat rate: %(price)s") % {"price": price}


def refuse_goods(*, method, lines) -> None:
    """Raise when the method cannot carry these goods at all (hazardous or fragile products)."""
    hazardous = [line.product for line in lines if getattr(line.product, "hazardous", False)]
    if hazardous and not method.carries_hazardous:
        raise HazardousNotCarried(_("%(method)s does not carry hazardous goods (%(skus)s).") % {
            "method": method.label(), "skus": ", ".join(p.sku for p in hazardous)})
    fragile = [line.product for line in lines if getattr(line.product, "fragile", False)]
    if fragile and not method.carries_fragile:
        raise FragileNotCarried(_("%(method)s does not carry fragile goods (%(skus)s).") % {
            "method": method.label(), "skus": ", ".join(p.sku for p in fragile)})


def insurance_premium(*, method, goods_net) -> tuple[Decimal, bool]:
    """(premium, at the minimum) of the method's cargo insurance on goods worth `goods_net` net: the rate on the
    insured net value, at least the minimum charge. The method must offer insurance."""
    premium = quantize(to_decimal(goods_net) * method.insurance_rate_percent / Decimal(100))
    minimum = method.insurance_minimum
    if minimum is not None and premium < minimum:
        return quantize(minimum), True
    return premium, False


def insurance_terms(method, currency=DEFAULT_CURRENCY) -> str:
    """The method's insurance in words, in the active language: "0.5 % of the insured net goods value, at least
    50.00 TRY"; "" when it offers none."""
    if not method.offers_insurance:
        return ""
    rate = format_percent(method.insurance_rate_percent)
    if method.insurance_minimum:
        return _("%(rate)s of the insured net goods value, at least %(minimum)s") % {
            "rate": rate, "minimum": format_money(method.insurance_minimum, currency)}
    return _("%(rate)s of the insured net goods value") % {"rate": rate}


def quote_shipping(*, dealer, address, lines, method, insured=False, currency=DEFAULT_CURRENCY) -> ShippingQuote:
    """Price shipping `lines` [(product, quantity, net line value) or ShipLine] to `address` (a dealers Address:
    city and postal_code) for `dealer` with `method`; insured: add the method's cargo insurance.

    Raises a ShippingError (shipping.*) when the dealer may not use the method, it cannot carry these goods, no
    rule prices it here, or insurance is asked of a method that offers none."""
    lines = as_ship_lines(lines)
    if not lines:
        raise NoLines(_("There is nothing to ship."))
    if not may_use_method(dealer, method):
        raise MethodNotAllowed(_("%(method)s is not available to your company.") % {"method": method.label()})
    refuse_goods(method=method, lines=lines)
    if insured and not method.offers_insurance:
        raise InsuranceNotOffered(_("%(method)s offers no cargo insurance.") % {"method": method.label()},
                                  field="insured")

    goods_net = sum((quantize(line.net) for line in lines), ZERO)
    weight = total_weight(lines)
    rule = winning_rule(method=method, dealer=dealer, address=address, weight=weight, goods_net=goods_net)
    money = lambda amount: format_money(amount, currency)  # noqa: E731 - a one-line formatter
    reasons = []

    threshold = method.free_above_net
    free = threshold is not None and goods_net >= threshold
    to_go = None if threshold is None or free else quantize(threshold - goods_net)
    freight = ZERO if free else quantize(rule.price)
    if free:
        reasons.append(_("Free above %(threshold)s net: this order qualifies.") % {"threshold": money(threshold)})
    else:
        reasons.append(_rule_reason(rule, weight=weight, goods_net=goods_net, currency=currency))
        if threshold is not None:
            reasons.append(_("Free above %(threshold)s net: %(to_go)s to go.") % {
                "threshold": money(threshold), "to_go": money(to_go)})
    if weight is None and not free and any(r.kind == RateKind.WEIGHT for r in method.rules.all()):
        reasons.append(_("The weight of some products is not known, so weight bands did not apply."))

    handling = ZERO
    fragile = any(getattr(line.product, "fragile", False) for line in lines)
    hazardous = any(getattr(line.product, "hazardous", False) for line in lines)
    if (fragile or hazardous) and method.handling_charge:
        handling = quantize(method.handling_charge)
        what = (_("Fragile and hazardous goods") if fragile and hazardous
                else _("Fragile goods") if fragile else _("Hazardous goods"))
        reasons.append(_("%(what)s: handling %(amount)s") % {"what": what, "amount": money(handling)})

    insurance = ZERO
    if insured:
        insurance, at_minimum = insurance_premium(method=method, goods_net=goods_net)
        if at_minimum:
            reasons.append(_("Insurance: the minimum charge, %(amount)s") % {"amount": money(insurance)})
        else:
            reasons.append(_("Insurance %(rate)s of %(net)s net: %(amount)s") % {
                "rate": format_percent(method.insurance_rate_percent), "net": money(goods_net),
                "amount": money(insurance)})

    net = freight + handling + insurance
    vat = vat_amount(net, method.vat_rate)
    if net:
        reasons.append(_("VAT on shipping at %(rate)s: %(vat)s") % {"rate": format_percent(method.vat_rate),
                                                                    "vat": money(vat)})
    return ShippingQuote(
        method=method, currency=currency, goods_net=goods_net, weight_kg=weight, freight_net=freight,
        handling_net=handling, insurance_net=insurance, charge_net=net, vat_rate=method.vat_rate, charge_vat=vat,
        charge_gross=net + vat, free=free, free_threshold=threshold, to_go=to_go, insured=insured, rule_id=rule.pk,
        reasons=reasons)


def rules_for(*, dealer, method, addresses) -> list[tuple]:
    """The rate rules of `method` that can price `dealer`'s shipments, with the addresses each holds for:
    [(rule, [addresses])], the addresses empty for a rule that holds everywhere. Another dealer's or another segment's
    rule is left out (never shown to this dealer), and so is a zone rule whose zone holds none of `addresses`."""
    result = []
    for rule in method.rules.all():
        if rule.dealer_id is not None and rule.dealer_id != dealer.pk:
            continue
        if rule.segment_id is not None and rule.segment_id != dealer.segment_id:
            continue
        if rule.zone_id is None:
            result.append((rule, []))
            continue
        here = [a for a in addresses if rule.zone.contains(city=a.city, postal_code=a.postal_code)]
        if here:
            result.append((rule, here))
    return result


def methods_for(*, dealer):
    """The active methods `dealer` may use, in their order, with what pricing them reads prefetched."""
    methods = (ShippingMethod.objects.active().select_related("carrier")
               .prefetch_related("segments", "dealers", "rules__zone__lines"))
    return [method for method in methods if may_use_method(dealer, method)]


def available_methods(*, dealer, address, lines, insured=False, currency=DEFAULT_CURRENCY) -> list[tuple]:
    """[(method, ShippingQuote or the ShippingError saying why it cannot be used)] for every method `dealer` may
    use, so a page can show a method disabled with its reason. Insurance is quoted only on methods offering it."""
    lines = as_ship_lines(lines)
    result = []
    for method in methods_for(dealer=dealer):
        try:
            answer = quote_shipping(dealer=dealer, address=address, lines=lines, method=method,
                                    insured=insured and method.offers_insurance, currency=currency)
        except ShippingError as exc:
            answer = exc
        result.append((method, answer))
    return result
