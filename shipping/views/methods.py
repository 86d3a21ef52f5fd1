"""The dealer's shipping methods page (`shipping:methods`): the methods the dealer may use, who carries them, how long
they take, their rates in plain words (only the rules that can price this dealer's shipments: general ones, zones
holding one of its shipping addresses, its segment's and its own), free shipping, cargo insurance and what it covers,
and what fragile or hazardous goods each carries."""
from __future__ import annotations

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dealers import permissions
from dealers.models import Address
from dealers.views import dealer_page
from portal.money import format_money, format_percent

from ..models import RateKind
from ..services import insurance_terms, methods_for, rules_for
from ..services.rates import format_weight

methods_page = dealer_page(ability=permissions.BROWSE)


def _band(rule, currency) -> str:
    """What a rule's band holds, in words: "Any goods", "From 10 kg up to 50 kg", "Goods worth 5,000.00 TRY net or
    more"."""
    if rule.kind == RateKind.FLAT:
        return _("Any goods")
    low, high = rule.from_value, rule.to_value
    if rule.kind == RateKind.WEIGHT:
        low_text, high_text = f"{format_weight(low)} kg", f"{format_weight(high)} kg" if high is not None else ""
        if high is None:
            return _("%(low)s and heavier") % {"low": low_text}
        if not low:
            return _("Lighter than %(high)s") % {"high": high_text}
        return _("From %(low)s, lighter than %(high)s") % {"low": low_text, "high": high_text}
    low_text = format_money(low, currency)
    high_text = format_money(high, currency) if high is not None else ""
    if high is None:
        return _("Goods worth %(low)s net or more") % {"low": low_text}
    if not low:
        return _("Goods worth less than %(high)s net") % {"high": high_text}
    return _("Goods worth %(low)s net, less than %(high)s") % {"low": low_text, "high": high_text}


def _scope(rule, addresses) -> str:
    """For whom or where a rule holds, in words ("" for everyone, everywhere)."""
    parts = []
    if rule.dealer_id is not None:
        parts.append(_("Your company's own rate"))
    elif rule.segment_id is not None:
        parts.append(_("Your segment's rate (%(segment)s)") % {"segment": rule.segment})
    if addresses:
        parts.append(_("Deliveries to %(addresses)s") % {"addresses": ", ".join(
            f"{a.label} ({a.city})" for a in addresses)})
    return " · ".join(parts)


def method_terms(*, dealer, currency="TRY") -> list[dict]:
    """Every method `dealer` may use, with what the page says about it (rates limited to what holds for the dealer)."""
    addresses = list(Address.objects.shipping().filter(dealer=dealer))
    rows = []
    for method in methods_for(dealer=dealer):
        rules = sorted(rules_for(dealer=dealer, method=method, addresses=addresses),
                       key=lambda pair: (pair[0].dealer_id is not None, pair[0].segment_id is not None,
                                         pair[0].zone_id is not None, pair[0].kind, pair[0].from_value))
        carrier = method.carrier
        rows.append({
            "method": method, "name": method.label(),
            "carrier": (_("Our own truck") if carrier.own_truck else carrier.name) if carrier else "",
            "lead_time": ngettext("Usually %(count)s day", "Usually %(count)s days", method.lead_time_days) % {
                "count": method.lead_time_days},
            "rates": [{"band": _band(rule, currency), "scope": _scope(rule, here), "price": rule.price,
                       "kind": rule.kind, "own": rule.dealer_id is not None or rule.segment_id is not None}
                      for rule, here in rules],
            "vat_rate": format_percent(method.vat_rate),
            "insurance_terms": insurance_terms(method, currency), "insurance_cover": method.insurance_cover(),
        })
    return rows


@methods_page
def methods(request):
    dealer = request.actor.dealer
    return render(request, "shipping/methods.html", {"methods": method_terms(dealer=dealer), "currency": "TRY"})
