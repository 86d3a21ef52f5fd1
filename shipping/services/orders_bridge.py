"""Shipping answers the shipping points of orders (orders/hooks.py) and pricing (pricing/hooks.py), registered in
ShippingConfig.ready(): checkout offers the dealer's shipping methods priced by `quote_shipping` (with cargo
insurance when the dealer asks for it), the chosen one's charge is fixed on the order, a quote carries a method and
its charge, and a method's name is given in the reader's language wherever an order or a quote is shown.

While no shipping method is set up at all (a fresh portal, or tests of the earlier stages), the earlier stage's own
default answers (its three fixed methods, free), so ordering never stops because shipping is not configured yet."""
from __future__ import annotations

from decimal import Decimal

from django.core.cache import cache
from django.utils.translation import gettext as _

from orders import hooks as order_hooks
from orders.errors import InvalidCheckout
from pricing import hooks as pricing_hooks
from pricing.errors import InvalidQuoteHeader

from ..errors import InsuranceNotOffered, ShippingError
from ..models import LANGUAGES, ShippingMethod
from .rates import as_ship_lines, available_methods, insurance_premium, insurance_terms, quote_shipping

ZERO = Decimal("0.00")


def _configured() -> bool:
    """Whether any shipping method is set up (the cached table of names: no query on most calls)."""
    return bool(method_names())


def _insurance(method, lines) -> dict:
    """What insuring these goods with `method` would cost and cover (the dealer sees it before choosing)."""
    if not method.offers_insurance:
        return {}
    goods_net = sum((line.net for line in as_ship_lines(lines)), ZERO)
    premium, _at_minimum = insurance_premium(method=method, goods_net=goods_net)
    return {"insurance_premium": premium, "insurance_terms": insurance_terms(method),
            "insurance_cover": method.insurance_cover()}


def _option(method, quote, lines) -> order_hooks.ShippingOption:
    return order_hooks.ShippingOption(
        code=method.code, label=method.label(), charge_net=quote.charge_net, vat_rate=quote.vat_rate,
        charge_vat=quote.charge_vat, reasons=tuple(str(reason) for reason in quote.reasons), insured=quote.insured,
        insurance_net=quote.insurance_net, **_insurance(method, lines))


def shipping_options(*, actor, dealer, address, lines, insured=False) -> list:
    """orders.shipping_options: every method the dealer may use, priced (insured where asked and offered) or with
    why it cannot carry these goods."""
    if not _configured():
        return order_hooks.default_shipping_options(actor=actor, dealer=dealer, address=address, lines=lines,
                                                    insured=insured)
    lines = as_ship_lines(lines)
    options = []
    for method, answer in available_methods(dealer=dealer, address=address, lines=lines, insured=insured):
        if isinstance(answer, ShippingError):
            options.append(order_hooks.ShippingOption(code=method.code, label=method.label(),
                                                      unavailable=str(answer.message), **_insurance(method, lines)))
        else:
            options.append(_option(method, answer, lines))
    return options


def shipping_charge(*, actor, dealer, address, lines, method_code, insured=False):
    """orders.shipping_charge: the chosen method priced now (with its cargo insurance when `insured`), or the
    ShippingError saying why it cannot be used (`shipping.insurance_not_offered` on the `insured` field)."""
    if not _configured():
        return order_hooks.default_shipping_charge(actor=actor, dealer=dealer, address=address, lines=lines,
                                                   method_code=method_code, insured=insured)
    method = ShippingMethod.objects.active().filter(code=method_code).first()
    if method is None:
        raise InvalidCheckout(_("Choose a shipping method."), field="shipping_method")
    lines = as_ship_lines(lines)
    try:
        quote = quote_shipping(dealer=dealer, address=address, lines=lines, method=method, insured=insured)
    except ShippingError as exc:
        exc.field = exc.field or "shipping_method"
        raise
    return _option(method, quote, lines)


NAMES_KEY = "shipping:method-names:1"
NAMES_SECONDS = 3600


def method_names() -> dict:
    """{code: {language: name}} of every method (inactive ones too), from the cache: pages that name a method per
    order, revision or mail read the table once. Forgotten whenever a method is saved or deleted (forget_names)."""
    names = cache.get(NAMES_KEY)
    if names is None:
        fields = [f"name_{language}" for language in LANGUAGES]
        names = {row["code"]: {language: row[f"name_{language}"] for language in LANGUAGES}
                 for row in ShippingMethod.objects.values("code", *fields)}
        cache.set(NAMES_KEY, names, NAMES_SECONDS)
    return names


def forget_names(**_kwargs) -> None:
    """post_save / post_delete of a ShippingMethod (connected in ShippingConfig.ready)."""
    cache.delete(NAMES_KEY)


def shipping_method_name(*, code, language) -> str:
    """orders.shipping_method_name and pricing.shipping_method_name: the method's name in `language` (an inactive
    method too: an old order still shows it), English when it has none in that language; the earlier stage's fixed
    names for its own codes."""
    names = method_names().get(code) if code else None
    if names is None:
        return order_hooks.default_shipping_method_name(code=code, language=language)
    language = (language or "en").replace("-", "_").lower()
    return names.get(language) or names.get("en") or ""


# --- quotes (pricing's points) --------------------------------------------------------------------------------

def _default_address(dealer):
    """Where a quote's goods go: the dealer's default shipping address (the order made from it ships there)."""
    from dealers.models import Address

    return (Address.objects.shipping().filter(dealer=dealer).order_by("-is_default", "pk").first()
            or Address(dealer=dealer, kind=Address.Kind.SHIPPING, city=dealer.city or "",
                       postal_code=dealer.postal_code or ""))


def _quote_option(method, quote, lines) -> pricing_hooks.QuoteShipping:
    extra = _insurance(method, lines)
    return pricing_hooks.QuoteShipping(
        code=method.code, label=method.label(), charge_net=quote.charge_net, vat_rate=quote.vat_rate,
        charge_vat=quote.charge_vat, insured=quote.insured, insurance_net=quote.insurance_net,
        reasons=tuple(str(reason) for reason in quote.reasons), insurance_premium=extra.get("insurance_premium"))


def quote_shipping_options(*, dealer, lines) -> list:
    """pricing.shipping_options: the methods staff may put on a quote for `dealer` (the dealer's own), each priced to
    its default shipping address or with why it cannot carry these goods."""
    if not _configured():
        return pricing_hooks.default_shipping_options(dealer=dealer, lines=lines)
    lines = as_ship_lines(lines)
    options = []
    for method, answer in available_methods(dealer=dealer, address=_default_address(dealer), lines=lines):
        if isinstance(answer, ShippingError):
            options.append(pricing_hooks.QuoteShipping(code=method.code, label=method.label(),
                                                       unavailable=str(answer.message)))
        else:
            options.append(_quote_option(method, answer, lines))
    return options


def quote_shipping_charge(*, dealer, lines, method_code, insured=False):
    """pricing.shipping_charge: the quote's method priced for its lines to the dealer's default shipping address,
    or a DomainError on the quote's `delivery_method` (or `shipping_insured`) field saying why it cannot be used."""
    if not _configured():
        return pricing_hooks.default_shipping_charge(dealer=dealer, lines=lines, method_code=method_code,
                                                     insured=insured)
    method = ShippingMethod.objects.active().filter(code=method_code).first()
    if method is None:
        raise InvalidQuoteHeader(_("Unknown delivery method: %(method)s") % {"method": method_code},
                                 field="delivery_method")
    lines = as_ship_lines(lines)
    try:
        quote = quote_shipping(dealer=dealer, address=_default_address(dealer), lines=lines, method=method,
                               insured=insured)
    except InsuranceNotOffered as exc:
        exc.field = "shipping_insured"
        raise
    except ShippingError as exc:
        exc.field = "delivery_method"
        raise
    return _quote_option(method, quote, lines)
