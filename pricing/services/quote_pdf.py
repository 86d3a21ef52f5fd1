"""The quote PDF: a portal document kind rendered by a Celery worker from templates/pdf/quote.html, only from the
revision's frozen snapshot (so the PDF says exactly what the revision says), in the dealer's language."""
from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.urls import reverse
from django.utils.functional import lazy
from django.utils.translation import gettext

from portal.documents import DocumentKind

from .. import permissions
from ..hooks import method_name
from ..models import PaymentAdjustment

QUOTE_PDF = "pricing.quote"
PAYMENT_LABELS = dict(PaymentAdjustment.Method.choices)  # lazy labels: translated when the template renders
# A delivery method's name in the language the page or PDF is rendered in (pricing.shipping_method_name), worked
# out when the template shows it: a PDF's context is built before its language is switched on.
lazy_method_name = lazy(method_name, str)


def quote_language(dealer) -> str:
    """The dealer's language: its (first) owner's, else the portal's default. Each mail still goes out in its own
    recipient's language."""
    from dealers.models import Role

    language = (dealer.users.filter(role=Role.OWNER, is_active=True).order_by("pk")
                .values_list("language", flat=True).first())
    return language or settings.LANGUAGE_CODE


def _decimal(value):
    return None if value in (None, "") else Decimal(value)


def _day(value):
    return datetime.date.fromisoformat(value) if value else None


def _shipping(snapshot: dict) -> dict | None:
    """The revision's delivery charge with Decimals restored (None for a revision sent before quotes carried one)."""
    shipping = snapshot.get("shipping")
    if not shipping:
        return None
    return {**shipping, **{key: _decimal(shipping.get(key)) for key in ("net", "vat_rate", "vat", "gross",
                                                                        "insurance_net")},
            "name": lazy_method_name(shipping.get("method") or "", label=shipping.get("label") or "")}


def snapshot_context(snapshot: dict) -> dict:
    """The snapshot with Decimals and dates restored and codes turned into (lazily translated) labels; the quote
    pages read revisions through this too. A line's unit stays a code, worded with its quantity by `with_unit`."""
    header = snapshot.get("header", {})
    return {
        "number": snapshot["number"],
        "revision": snapshot["revision"],
        "currency": snapshot["currency"],
        "sent_at": datetime.datetime.fromisoformat(snapshot["sent_at"]),
        "sent_by": snapshot.get("sent_by", {}),
        "dealer": snapshot.get("dealer", {}),
        "header": {
            **header,
            "quote_date": _day(header.get("quote_date")),
            "delivery_date": _day(header.get("delivery_date")),
            "valid_until": _day(header.get("valid_until")),
            "requested_delivery_date": _day(header.get("requested_delivery_date")),
            "payment_method_label": PAYMENT_LABELS.get(header.get("payment_method"), header.get("payment_method")),
            "delivery_method_label": lazy_method_name(
                header.get("delivery_method") or "", label=(snapshot.get("shipping") or {}).get("label", "")),
        },
        "shipping": _shipping(snapshot),
        "lines": [{
            **line,
            **{key: _decimal(line.get(key)) for key in ("list_price", "discount_percent", "net_unit_price",
                                                        "line_net", "vat_rate", "vat")},
        } for line in snapshot.get("lines", [])],
        "totals": {key: _decimal(value) for key, value in snapshot.get("totals", {}).items()},
    }


def _context(revision) -> dict:
    return {
        **snapshot_context(revision.snapshot),
        "accept_url": settings.SITE_URL + reverse("quotes:detail", args=[revision.quote.number]),
    }


def _title(revision) -> str:
    return gettext("Quote %(number)s, revision %(revision)s") % {"number": revision.quote.number,
                                                                 "revision": revision.number}


# The quote PDF's document kind, registered in PricingConfig.ready().
QUOTE_KIND = DocumentKind(
    name=QUOTE_PDF,
    template="pdf/quote.html",
    context=_context,
    title=_title,
    dealer=lambda revision: revision.quote.dealer,
    can_read=permissions.can_read_quote_revision,
)
