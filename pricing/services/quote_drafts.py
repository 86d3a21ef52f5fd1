"""Staff (admins, or the dealer's assigned sales agent) prepare a quote and send it: start_draft, update_quote (header
and lines; the price engine gives each line its list price), send_quote (each send a new revision: a frozen snapshot,
its PDF rendered by a worker, a mail to the dealer's users who may order)."""
from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import audit, documents
from portal.errors import DomainError
from portal.lifecycle import acting_user

from .. import hooks, permissions
from ..engine import price_lines
from ..errors import InvalidQuoteHeader, ProductUnavailable, QuoteInvalidTransition, QuoteLineUnpriced, QuoteNoLines
from ..models import QUOTE, PaymentAdjustment, Quote, QuoteLine, QuoteRevision, QuoteStatus
from ..models.quotes import EDITABLE
from .quote_figures import build_snapshot, quote_figures
from .quote_inputs import checked_quantity, clean_header, clean_lines
from .quote_pdf import QUOTE_PDF, quote_language
from .quotes import lock_quote, move_quote, notify_dealer, site_url

S = QuoteStatus
DEFAULT_VALIDITY_DAYS = 14
ZERO = Decimal("0.00")


def ship_lines(lines) -> list[tuple]:
    """The quote's priced lines as the shipping points take them: [(product, quantity, line net)]."""
    return [(line.product, line.quantity, line.line_net) for line in lines if line.line_net is not None]


def shipping_options(quote, lines=None) -> list[hooks.QuoteShipping]:
    """The delivery methods staff may put on the quote (pricing.shipping_options: the dealer's shipping methods,
    each priced for the quote's priced lines or with why it cannot carry them)."""
    lines = list(quote.lines.select_related("product")) if lines is None else lines
    return list(hooks.shipping_options.call(dealer=quote.dealer, lines=ship_lines(lines)))


def draft_defaults(quote, options=None) -> dict:
    """The header a quote gets when staff first prepare it, for the fields still empty: valid for
    DEFAULT_VALIDITY_DAYS days, on account, the first delivery method that can carry the goods (without a shipping
    stage: standard), delivery on the requested date. `options`: the quote's shipping_options, when known already."""
    defaults = {}
    if quote.valid_until is None:
        defaults["valid_until"] = timezone.localdate() + datetime.timedelta(days=DEFAULT_VALIDITY_DAYS)
    if not quote.payment_method:
        defaults["payment_method"] = PaymentAdjustment.Method.ON_ACCOUNT
    if not quote.delivery_method:
        if options is None:
            options = shipping_options(quote) if quote.pk else []
        first = next((o.code for o in options if not o.unavailable), "")  # none fits: staff choose one
        if first:
            defaults["delivery_method"] = first
    if quote.delivery_date is None and quote.requested_delivery_date is not None:
        defaults["delivery_date"] = quote.requested_delivery_date
    return defaults


def price_shipping(locked: Quote, lines) -> hooks.QuoteShipping | None:
    """Price the quote's delivery method for its lines (pricing.shipping_charge: the dealer's rates to its default
    shipping address, cargo insurance when asked) and keep the charge on the quote; None (no charge) without a method.
    Refuses (a DomainError on `delivery_method` or `shipping_insured`) a method the dealer may not use, that cannot
    carry these goods, or insurance a method does not offer. While no line has a price yet, only the code is checked."""
    charge = None
    if locked.delivery_method:
        priced = ship_lines(lines)
        if priced:
            charge = hooks.shipping_charge.call(dealer=locked.dealer, lines=priced, method_code=locked.delivery_method,
                                                insured=locked.shipping_insured)
        else:
            known = {o.code for o in hooks.shipping_options.call(dealer=locked.dealer, lines=[])}
            if locked.delivery_method not in known:
                raise InvalidQuoteHeader(_("Unknown delivery method: %(method)s") % {"method": locked.delivery_method},
                                         field="delivery_method")
    locked.shipping_label = str(charge.label)[:100] if charge else ""
    locked.shipping_net = charge.charge_net if charge else ZERO
    locked.shipping_vat_rate = charge.vat_rate if charge else ZERO
    locked.shipping_vat = charge.charge_vat if charge else ZERO
    locked.shipping_insurance_net = charge.insurance_net if charge and charge.insured else ZERO
    return charge


SHIPPING_FIELDS = ["shipping_label", "shipping_net", "shipping_vat_rate", "shipping_vat", "shipping_insurance_net"]


def _start_draft_locked(locked: Quote, *, actor, note="") -> None:
    """Move to draft (first work on a request, or revising a sent / rejected / expired quote) and fill the header's
    defaults the first time."""
    QUOTE.check(locked.status, S.DRAFT)  # refused before anything is changed
    was = locked.status
    method_before = locked.payment_method
    defaults = draft_defaults(locked)
    for field, value in defaults.items():
        setattr(locked, field, value)
    lines = list(locked.lines.select_related("product"))
    if locked.payment_method != method_before:
        _reprice(locked, lines)  # list prices follow the payment method (an adjustment may apply)
    try:
        price_shipping(locked, lines)  # the default method's charge, shown while staff prepare the quote
    except DomainError:
        pass  # said when staff save or send the quote
    move_quote(locked, to=S.DRAFT, actor=actor, note=note, fields=[*defaults, "currency", *SHIPPING_FIELDS],
               audit_action="quote.revising" if was != S.REQUESTED else "quote.drafting",
               audit_data={"revision": locked.revision})


def start_draft(*, actor, quote, note="") -> Quote:
    """Staff (or the dealer's agent) start preparing a requested quote, or a new revision of a sent, rejected or
    expired one. A quote already in preparation is left as it is."""
    permissions.require_editor(actor, quote.dealer)
    with transaction.atomic():
        locked = lock_quote(quote)
        if locked.status != S.DRAFT:
            if locked.status not in EDITABLE:
                raise QuoteInvalidTransition(_("An accepted quote cannot be changed."))
            _start_draft_locked(locked, actor=actor, note=note)
    return locked


def update_quote(*, actor, quote, header: dict | None = None, lines=None) -> Quote:
    """Staff (or the dealer's assigned agent) change the header and/or the lines of a quote that is not accepted.

    `header`: any of HEADER_FIELDS. `lines`: the whole list as it should be — QuoteLineInput (or dicts / tuples of
    its fields), in order; products not listed are removed. A new line, a changed quantity or a changed payment method
    re-prices the lines concerned with the price engine (the list price); negotiated prices and discounts stay. A
    requested, sent, rejected or expired quote moves to draft: the next send is a new revision.
    """
    permissions.require_editor(actor, quote.dealer)
    header = clean_header(header or {})
    clean = clean_lines(lines) if lines is not None else None
    with transaction.atomic():
        locked = lock_quote(quote)
        if locked.status not in EDITABLE:
            raise QuoteInvalidTransition(_("An accepted quote cannot be changed."))
        if locked.status != S.DRAFT:
            _start_draft_locked(locked, actor=actor)
        changed = [field for field, value in header.items() if getattr(locked, field) != value]
        method_changed = "payment_method" in changed
        for field in changed:
            setattr(locked, field, header[field])
        if clean is None and method_changed:  # the list prices depend on the payment method: price them again
            clean = [(line.product, line.quantity, line.negotiated_unit_price, line.discount_percent)
                     for line in locked.lines.select_related("product")]
        line_changes = _apply_lines(locked, clean, reprice_all=method_changed) if clean is not None else {}
        # The delivery method's charge follows the lines and the method (a refusal says why, on its field).
        price_shipping(locked, list(locked.lines.select_related("product")))
        locked.save()
        if changed or line_changes:
            audit.record(actor=acting_user(actor)[0], action="quote.updated", target=locked, dealer=locked.dealer,
                         data={"header": {f: str(header[f]) for f in changed}, **line_changes})
    return locked


def _apply_lines(locked: Quote, clean, *, reprice_all: bool) -> dict:
    existing = {line.product_id: line for line in locked.lines.select_related("product")}
    wanted = {product.pk for product, *_rest in clean}
    removed = [line for pk, line in existing.items() if pk not in wanted]
    if removed:
        QuoteLine.objects.filter(pk__in=[line.pk for line in removed]).delete()
    to_price, to_save, added, changed = [], [], [], []
    for position, (product, quantity, price, discount) in enumerate(clean, start=1):
        line = existing.get(product.pk)
        if line is None:
            line = QuoteLine(quote=locked, product=product, quantity=quantity, position=position,
                             negotiated_unit_price=price, discount_percent=discount)
            to_price.append(line)
            added.append(product.sku)
            continue
        before = (line.quantity, line.negotiated_unit_price, line.discount_percent, line.position)
        if quantity != line.quantity or reprice_all:
            to_price.append(line)
        line.quantity, line.negotiated_unit_price, line.discount_percent, line.position = (
            quantity, price, discount, position)
        if before != (quantity, price, discount, position) or line in to_price:
            to_save.append(line)
            if before[:3] != (quantity, price, discount):
                changed.append(product.sku)
    if reprice_all:
        to_price += [line for line in existing.values() if line.product_id in wanted and line not in to_price]
    _price_with_engine(locked, to_price)
    new = [line for line in to_price if line.pk is None]
    if new:
        QuoteLine.objects.bulk_create(new)
    updates = {line.pk: line for line in to_save + [line for line in to_price if line.pk is not None]}
    if updates:
        QuoteLine.objects.bulk_update(list(updates.values()), ["quantity", "negotiated_unit_price", "discount_percent",
                                                               "position", "engine_unit_price"])
    if not (added or changed or removed):
        return {}
    return {"added": added, "changed": changed, "removed": [line.product.sku for line in removed]}


def _price_with_engine(locked: Quote, lines) -> None:
    """Set the list price (the engine's net unit price for the dealer, quantity and payment method) of `lines`."""
    if not lines:
        return
    priced = price_lines(dealer=locked.dealer, lines=[(line.product_id, line.quantity) for line in lines],
                         payment_method=locked.payment_method or None)
    for line, result in zip(lines, priced, strict=True):
        line.engine_unit_price = result.unit_price if result.priced else None
        if result.priced and locked.currency != result.currency:
            locked.currency = result.currency


def _reprice(locked: Quote, lines) -> None:
    _price_with_engine(locked, lines)
    if lines:
        QuoteLine.objects.bulk_update(lines, ["engine_unit_price"])


def _check_sendable(locked: Quote, lines) -> None:
    if not lines:
        raise QuoteNoLines(_("Add at least one line before sending the quote."), field="lines")
    inactive = [line.product.sku for line in lines if not line.product.active]
    if inactive:
        raise ProductUnavailable(_("No longer sold: %(skus)s") % {"skus": ", ".join(inactive)}, field="lines")
    for line in lines:
        checked_quantity(line.product, line.quantity)
    unpriced = [line.product.sku for line in lines if line.net_unit_price is None]
    if unpriced:
        raise QuoteLineUnpriced(_("These lines have no price yet; enter a net unit price: %(skus)s")
                                % {"skus": ", ".join(unpriced)}, field="lines")
    if locked.valid_until is None or locked.valid_until <= timezone.localdate():
        raise InvalidQuoteHeader(_("The quote must be valid until a date in the future."), field="valid_until")
    if locked.payment_method not in PaymentAdjustment.Method.values:
        raise InvalidQuoteHeader(_("Choose a payment method."), field="payment_method")
    if not locked.delivery_method:
        raise InvalidQuoteHeader(_("Choose a delivery method."), field="delivery_method")


def send_quote(*, actor, quote) -> Quote:
    """Send the quote as its next revision: checks it (lines with prices and valid quantities, validity in the
    future, payment and delivery method), freezes the snapshot, asks for its PDF (rendered by a worker in the
    dealer's language) and mails the dealer's users who may accept it. A requested, sent, rejected or expired quote
    passes through draft (both moves in the history). Returns the quote; `quote.revision` is the new number."""
    permissions.require_editor(actor, quote.dealer)
    user, _on_behalf = acting_user(actor)
    with transaction.atomic():
        locked = lock_quote(quote)
        if locked.status not in EDITABLE:
            raise QuoteInvalidTransition(_("An accepted quote cannot be sent again."))
        if locked.status != S.DRAFT:
            _start_draft_locked(locked, actor=actor)  # fills the header's defaults; rolled back if the checks refuse
        lines = list(locked.lines.select_related("product"))
        _check_sendable(locked, lines)
        # The charge the revision freezes: priced now for its lines (the dealer's rates may have changed).
        price_shipping(locked, lines)
        now = timezone.now()
        if locked.quote_date is None:
            locked.quote_date = timezone.localdate()
        number = locked.revision + 1
        revision = QuoteRevision.objects.create(
            quote=locked, number=number, sent_at=now, sent_by=user,
            snapshot=build_snapshot(quote=locked, lines=lines, revision=number, sent_at=now, sent_by=user))
        revision.document = documents.request_document(owner=revision, kind=QUOTE_PDF,
                                                       language=quote_language(locked.dealer))
        revision.save(update_fields=["document"])
        locked.revision = number
        locked.sent_at = now
        locked.rejection_reason = ""
        locked.decided_by = None
        locked.decided_at = None
        _rows, totals = quote_figures(lines, shipping=locked)
        move_quote(locked, to=S.SENT, actor=actor,
                   fields=["quote_date", "revision", "sent_at", "rejection_reason", "decided_by", "decided_at",
                           *SHIPPING_FIELDS],
                   audit_data={
                       "revision": number, "net": str(totals.net), "gross": str(totals.gross),
                       "currency": locked.currency, "valid_until": locked.valid_until.isoformat(),
                       "document": revision.document.pk})
        notify_dealer(locked, "quote_sent", valid_until=locked.valid_until, net=totals.net, gross=totals.gross,
                      currency=locked.currency, pdf_url=site_url("quotes:revision_pdf", locked.number, number))
    return locked
