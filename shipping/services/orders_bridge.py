"""Shipping answers orders' shipping points (orders/hooks.py), registered in ShippingConfig.ready(): checkout offers
the dealer's shipping methods priced by `quote_shipping`, and the chosen one's charge is fixed on the order.

While no shipping method is set up at all (a fresh portal, or tests of the earlier stages), orders' own default
answers (its three fixed methods, free), so ordering never stops because shipping is not configured yet."""
from __future__ import annotations

from django.utils.translation import gettext as _

from orders import hooks as order_hooks
from orders.errors import InvalidCheckout

from ..errors import ShippingError
from ..models import ShippingMethod
from .rates import available_methods, quote_shipping


def _configured() -> bool:
    return ShippingMethod.objects.exists()


def _option(method, quote) -> order_hooks.ShippingOption:
    return order_hooks.ShippingOption(
        code=method.code, label=method.label(), charge_net=quote.charge_net, vat_rate=quote.vat_rate,
        charge_vat=quote.charge_vat, reasons=tuple(str(reason) for reason in quote.reasons))


def shipping_options(*, actor, dealer, address, lines) -> list:
    """orders.shipping_options: every method the dealer may use, priced or with why it cannot carry these goods."""
    if not _configured():
        return order_hooks.default_shipping_options(actor=actor, dealer=dealer, address=address, lines=lines)
    options = []
    for method, answer in available_methods(dealer=dealer, address=address, lines=lines):
        if isinstance(answer, ShippingError):
            options.append(order_hooks.ShippingOption(code=method.code, label=method.label(),
                                                      unavailable=str(answer.message)))
        else:
            options.append(_option(method, answer))
    return options


def shipping_charge(*, actor, dealer, address, lines, method_code):
    """orders.shipping_charge: the chosen method priced now, or the ShippingError saying why it cannot be used."""
    if not _configured():
        return order_hooks.default_shipping_charge(actor=actor, dealer=dealer, address=address, lines=lines,
                                                   method_code=method_code)
    method = ShippingMethod.objects.active().filter(code=method_code).first()
    if method is None:
        raise InvalidCheckout(_("Choose a shipping method."), field="shipping_method")
    try:
        quote = quote_shipping(dealer=dealer, address=address, lines=lines, method=method)
    except ShippingError as exc:
        exc.field = exc.field or "shipping_method"
        raise
    return _option(method, quote)
