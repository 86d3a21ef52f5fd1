"""Invoices: issued when an order ships (or at confirmation, settings.INVOICE_ON), numbered, due by the dealer's
payment terms, split into monthly installments when the order was placed on account with an installment plan,
rendered as a PDF by a Celery worker and mailed to the dealer's owners and finance users; voided by staff while
nothing is settled, and reissued for the same goods.

One invoice per order (`issue_invoice`), or, with INVOICE_ON=shipped and a later stage that ships the order in parts
(shipping answers the hook `payments.invoiced_by_parts`), one per part (`issue_invoice_for`: a shipment's
quantities). A part's line takes the line's net and VAT pro rata of everything of the line invoiced so far minus
what the earlier parts took (credit.pro_rata), so the parts of an order add up exactly to its totals; the order's
shipping charge goes on the first part that asks for it, never twice."""
from __future__ import annotations

import calendar
import datetime
from decimal import ROUND_DOWN, Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from dealers import permissions as dealer_permissions
from dealers.models import Role
from dealers.selectors import list_users_who_may
from orders.models import OrderStatus, PaymentMethod
from portal import audit, locks, outbox
from portal.documents import DocumentKind, request_document
from portal.lifecycle import acting_user
from portal.money import CENT

from .. import hooks, permissions
from ..errors import (
    InvalidInstallments,
    InvoiceNotVoid,
    InvoiceSettled,
    NotAllowed,
    NothingToInvoice,
    OverInvoiced,
    ReasonRequired,
)
from ..models import INVOICE, ZERO, Allocation, Invoice, InvoiceInstallment, InvoiceLine, InvoiceStatus, Payment
from .allocation import credit_invoice_unchecked, lock_rows, settle_order_payments_unchecked
from .cards import capture_when_invoiced
from .credit import account_of, pro_rata

__all__ = ["INVOICE_KIND", "INVOICE_PDF", "SHIPPING_SKU", "add_months", "billing_lines", "dealer_language",
           "invoice_context", "invoice_on_status_changed", "invoice_recipients", "invoice_url", "invoices_each_part",
           "issue_invoice", "issue_invoice_for", "order_invoices", "reissue_invoice", "split_installments",
           "void_invoice", "void_invoice_unchecked", "withdraw_invoice_unchecked"]

INVOICE_PDF = "payments.invoice"
# Orders that are not (or no longer) a sale are never invoiced.
S = OrderStatus
NOT_INVOICEABLE = (S.PENDING_APPROVAL, S.CANCELLED, S.REJECTED)
# An order reaching one of these is invoiced, per settings.INVOICE_ON; later stages count too, so an order that
# skips the trigger status (placed → processing → shipped) is still invoiced.
INVOICE_AT = {
    S.SHIPPED: (S.PARTIALLY_SHIPPED, S.SHIPPED, S.DELIVERED),
    S.CONFIRMED: (S.CONFIRMED, S.PROCESSING, S.PARTIALLY_SHIPPED, S.SHIPPED, S.DELIVERED),
}


# --- arithmetic ----------------------------------------------------------------------------------------------------

def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, clamped to the month's last day (31 Jan + 1 month = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def split_installments(total: Decimal, installments: int, first_due: datetime.date) -> list[tuple[int, datetime.date,
                                                                                                 Decimal]]:
    """`installments` (number, due date, amount) rows, monthly from `first_due`, adding up to `total` exactly: each
    gets the total / n rounded down to cents, the last takes what rounding left."""
    if installments < 1:
        raise InvalidInstallments(_("Choose at least one installment."), field="installments")
    share = (total / installments).quantize(CENT, rounding=ROUND_DOWN)
    if installments > 1 and share <= 0:
        raise InvalidInstallments(_("The total is too small to split into %(n)s installments.")
                                  % {"n": installments}, field="installments")
    rows = [(i + 1, add_months(first_due, i), share) for i in range(installments - 1)]
    rows.append((installments, add_months(first_due, installments - 1), total - share * (installments - 1)))
    return rows


# --- issuing -------------------------------------------------------------------------------------------------------

def dealer_language(dealer) -> str:
    """The dealer's document language: its first active owner's, else the portal's default."""
    language = (dealer.users.filter(role=Role.OWNER, is_active=True).order_by("pk")
                .values_list("language", flat=True).first())
    return language or settings.LANGUAGE_CODE


def invoice_recipients(dealer) -> list:
    """The dealer's active users who pay (owners and finance users: the roles table's PAY)."""
    return list_users_who_may(dealer=dealer, ability=dealer_permissions.PAY)


def _live(order):
    """The order's live invoices (a void invoice lets go of its order)."""
    return Invoice.objects.filter(order_id=order.pk)


def order_invoices(order) -> list[Invoice]:
    """Every invoice of `order`, live and void, oldest first (the order page lists them)."""
    from django.db.models import Q

    return list(Invoice.objects.filter(Q(order_id=order.pk) | Q(voided_order_id=order.pk))
                .order_by("issue_date", "pk"))


def _invoice_on() -> str:
    on = getattr(settings, "INVOICE_ON", S.SHIPPED)
    return on if on in INVOICE_AT else S.SHIPPED


def invoices_each_part(*, order) -> bool:
    """Whether each part (shipment) of `order` gets its own invoice when it leaves: INVOICE_ON=shipped, and the
    order has no live invoice of the whole order (staff shipped it by hand, or it was invoiced at confirmation)."""
    return _invoice_on() == S.SHIPPED and not _live(order).filter(part="").exists()


def issue_invoice(*, order, actor=None) -> Invoice:
    """The order's invoice: numbered INV-YYYY-NNNNNN, issued today, due after the dealer's payment terms, lines and
    totals copied from the order. An order placed on account with an installment plan (its surcharge is already in
    the line prices) is split into that many monthly due dates. One invoice of the whole order: calling again returns
    the one there is; an order invoiced per part (issue_invoice_for) is refused."""
    existing = _live(order).filter(part="").first()
    if existing is not None:
        return existing
    with transaction.atomic():
        # The order row lock makes two parallel issuers (a status move and staff) wait for each other.
        order = locks.order(order, related=("dealer",))
        existing = _live(order).filter(part="").first()
        if existing is not None:
            return existing
        if order.status in NOT_INVOICEABLE:
            raise NothingToInvoice(_("Order %(number)s is not a sale yet (or any more); it cannot be invoiced.")
                                   % {"number": order.number})
        if _live(order).exists():
            raise NothingToInvoice(_("Order %(number)s is invoiced per shipment; it gets no invoice of the whole "
                                     "order.") % {"number": order.number})
        lines = [InvoiceLine(ordering=line.ordering, order_line=line, sku=line.sku, name=line.name,
                             quantity=line.quantity, unit=line.unit, unit_price=line.unit_price, vat_rate=line.vat_rate,
                             line_net=line.line_net, line_vat=line.line_vat)
                 for line in order.lines.all()] + shipping_invoice_lines(None, order)
        return _issue_locked(order=order, part="", lines=lines, totals=(order.total_net, order.total_vat),
                             actor=actor)


def _quantity(value) -> Decimal | None:
    try:
        quantity = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return quantity if quantity.is_finite() else None


def issue_invoice_for(*, order, lines: dict, include_shipping: bool, part: str, actor=None) -> Invoice:
    """The invoice of a part of `order` (a shipment, named by `part`): `lines` {order line id: quantity} at the
    line's unit price, each line's net and VAT pro rata (module doc), plus the order's shipping charge when
    `include_shipping` and no live invoice of the order carries it yet. Numbered, due, split, mailed and settled
    like any invoice. Idempotent per part: calling again returns the part's live invoice. Refused for an order not a
    sale, an order invoiced as a whole, and a quantity beyond what of the line is not invoiced yet."""
    part = (part or "").strip()[:40]
    if not part:
        raise NothingToInvoice(_("Name the part of the order the invoice is for."))
    existing = _live(order).filter(part=part).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        order = locks.order(order, related=("dealer",))
        existing = _live(order).filter(part=part).first()
        if existing is not None:
            return existing
        if order.status in NOT_INVOICEABLE:
            raise NothingToInvoice(_("Order %(number)s is not a sale yet (or any more); it cannot be invoiced.")
                                   % {"number": order.number})
        if _live(order).filter(part="").exists():
            raise NothingToInvoice(_("Order %(number)s is invoiced as a whole already.") % {"number": order.number})
        invoice_lines = _part_lines(order, lines)
        if include_shipping and not InvoiceLine.objects.filter(invoice__order_id=order.pk,
                                                                sku=SHIPPING_SKU).exists():
            invoice_lines += shipping_invoice_lines(None, order)
        if not invoice_lines:
            raise NothingToInvoice(_("Nothing of order %(number)s to invoice for %(part)s.")
                                   % {"number": order.number, "part": part})
        totals = (sum((line.line_net for line in invoice_lines), ZERO),
                  sum((line.line_vat for line in invoice_lines), ZERO))
        return _issue_locked(order=order, part=part, lines=invoice_lines, totals=totals, actor=actor)


def _part_lines(order, quantities: dict) -> list[InvoiceLine]:
    """Unsaved invoice lines of `quantities` {order line id: quantity} of the locked `order` (zero left out)."""
    order_lines = {line.pk: line for line in order.lines.all()}
    done = {row["order_line_id"]: row for row in InvoiceLine.objects.filter(
        invoice__order_id=order.pk, order_line__isnull=False).values("order_line_id").annotate(
        quantity=Sum("quantity"), net=Sum("line_net"), vat=Sum("line_vat"))}
    made = []
    for line_id, value in (quantities or {}).items():
        line = order_lines.get(int(getattr(line_id, "pk", line_id)))
        quantity = _quantity(value)
        if line is None or quantity is None or quantity < 0:
            raise NothingToInvoice(_("Line %(line)s × %(quantity)s is not something of order %(number)s to invoice.")
                                   % {"line": line_id, "quantity": value, "number": order.number})
        if quantity == 0:
            continue
        before = done.get(line.pk, {"quantity": ZERO, "net": ZERO, "vat": ZERO})
        invoiced = before["quantity"] + quantity
        if invoiced > line.quantity:
            raise OverInvoiced(_("%(sku)s: %(quantity)s more would invoice more than the %(ordered)s ordered.")
                               % {"sku": line.sku, "quantity": f"{quantity.normalize():f}",
                                  "ordered": f"{line.quantity.normalize():f}"})
        made.append(InvoiceLine(
            ordering=line.ordering, order_line=line, sku=line.sku, name=line.name, quantity=quantity, unit=line.unit,
            unit_price=line.unit_price, vat_rate=line.vat_rate,
            line_net=pro_rata(line.line_net, invoiced, line.quantity) - before["net"],
            line_vat=pro_rata(line.line_vat, invoiced, line.quantity) - before["vat"]))
    return sorted(made, key=lambda line: (line.ordering, line.order_line_id))


def _installments(order, total: Decimal, *, part: str) -> int:
    """By card the card issuer splits the payment; only an order on account owes us in installments. A part too
    small to split into the order's installments is due at once."""
    installments = order.installments if order.payment_method == PaymentMethod.ON_ACCOUNT else 1
    if part and installments > 1 and (total / installments).quantize(CENT, rounding=ROUND_DOWN) <= 0:
        return 1
    return installments


def _issue_locked(*, order, part: str, lines: list, totals: tuple, actor) -> Invoice:
    """Write the invoice of the locked `order` (or of its `part`) with these unsaved `lines` and (net, VAT)."""
    # Lock order (docs/architecture.md): the order's payments before the invoice-number counter, which comes last;
    # settling the new invoice below then takes no contended lock after the counter.
    lock_rows(payments=Payment.objects.with_credit().filter(order_id=order.pk).values_list("pk", flat=True))
    account = account_of(order.dealer)  # a dealer without an account yet: the default terms
    today = timezone.localdate()
    first_due = today + datetime.timedelta(days=account.payment_terms_days)
    total_net, total_vat = totals
    total = total_net + total_vat
    installments = _installments(order, total, part=part)
    plan = split_installments(total, installments, first_due) if installments > 1 else []
    invoice = Invoice.objects.create(
        number=_next_invoice_number(), dealer=order.dealer, order=order, part=part, issue_date=today,
        due_date=first_due, currency=order.currency, total_net=total_net, total_vat=total_vat, total_gross=total,
        installments=installments)
    for line in lines:
        line.invoice = invoice
    InvoiceLine.objects.bulk_create(lines)
    InvoiceInstallment.objects.bulk_create([
        InvoiceInstallment(invoice=invoice, number=number, due_date=due, amount=amount)
        for number, due, amount in plan])
    audit.record(actor=acting_user(actor)[0], action="invoice.issued", target=invoice, dealer=order.dealer, data={
        "number": invoice.number, "order": order.number, "part": part, "total": str(total),
        "installments": installments, "due_date": first_due.isoformat()})
    if total == ZERO:  # nothing to pay: paid as it is issued
        INVOICE.move(invoice, to=InvoiceStatus.PAID, actor=actor,
                     audit_data={"number": invoice.number})
    invoice.document = request_document(owner=invoice, kind=INVOICE_PDF, language=dealer_language(order.dealer))
    invoice.save(update_fields=["document"])
    _mail_issued(invoice)
    # A wire transfer recorded against the order before it was invoiced settles its invoice now.
    settle_order_payments_unchecked(invoice=invoice, actor=actor)
    if part:
        # The order moved before its part was invoiced (the shipment leaves after the order follows it), so the
        # card listener on the order's move did not see this invoice: an authorised card is captured now.
        capture_when_invoiced(order)
    return invoice


SHIPPING_SKU = "SHIPPING"


def shipping_invoice_lines(invoice, order) -> list:
    """The order's shipping charge as an invoice line ("Shipping: Standard", at the freight's own VAT rate), so the
    invoice's lines add up to the order's total; none for an order shipped free. `invoice`: None for lines whose
    invoice is set when it is made."""
    if not (order.shipping_net or order.shipping_vat):
        return []
    with translation.override(dealer_language(order.dealer)):
        # The method's name in the dealer's language (orders.shipping_method_name), "(insured)" with cargo insurance.
        name = (_("Shipping: %(method)s (insured)") if order.shipping_insured else _("Shipping: %(method)s")) % {
            "method": order.shipping_method_name()}
    last = max((line.ordering for line in order.lines.all()), default=0)
    return [InvoiceLine(invoice=invoice, ordering=last + 1, sku=SHIPPING_SKU, name=name[:255], quantity=Decimal(1),
                        unit="", unit_price=order.shipping_net, vat_rate=order.shipping_vat_rate,
                        line_net=order.shipping_net, line_vat=order.shipping_vat)]


def _next_invoice_number() -> str:
    from portal.numbering import next_number

    return next_number("INV")


def invoice_url(invoice) -> str:
    return settings.SITE_URL + reverse("payments:invoice", args=[invoice.number])


def _mail_issued(invoice) -> None:
    for user in invoice_recipients(invoice.dealer):
        outbox.notify(to=user, template="payments/invoice_issued", context={
            "first_name": user.first_name, "number": invoice.number, "dealer_name": str(invoice.dealer),
            "total": str(invoice.total_gross), "currency": invoice.currency,
            "due_date": invoice.due_date.isoformat(), "installments": invoice.installments,
            "url": invoice_url(invoice),
            "pdf_url": settings.SITE_URL + reverse("payments:invoice_pdf", args=[invoice.number])})


def invoice_on_status_changed(*, order, previous, actor) -> None:
    """Registered on `orders.order.moved`: invoice an order when it ships (or is confirmed, settings.INVOICE_ON),
    inside the status move's transaction."""
    statuses = INVOICE_AT[_invoice_on()]
    if order.status in statuses and previous not in statuses:
        if _invoice_on() == S.SHIPPED and hooks.invoiced_by_parts.call(order=order):
            return  # each shipment is invoiced for what it carries when it leaves (issue_invoice_for)
        issue_invoice(order=order, actor=actor)


# --- voiding -------------------------------------------------------------------------------------------------------

def void_invoice(*, actor, invoice, reason, reissue=False) -> Invoice:
    """Staff cancel an invoice issued in error. Only with nothing settled (reverse the allocations first); a void
    invoice owes nothing, leaves statements and keeps its number. Voiding twice changes nothing.

    A void invoice lets go of its order (`voided_order` keeps it): its goods are not invoiced any more, so what the
    order shipped on account counts in the dealer's exposure again until a new invoice is issued for them
    (`reissue=True` does that in the same transaction through reissue_invoice; reissue_invoice later does it too) or
    the order ends."""
    if not permissions.can_void_invoices(actor):
        raise NotAllowed(_("Only finance staff void invoices."))
    return _void(actor=actor, invoice=invoice, reason=reason, reissue=reissue)


def void_invoice_unchecked(*, actor, invoice, reason) -> Invoice:
    """`void_invoice` without the finance check, for the portal itself (withdraw_invoice_unchecked: the invoice of
    goods that came back undelivered); refused alike when anything settles the invoice."""
    return _void(actor=actor, invoice=invoice, reason=reason, reissue=False)


def _void(*, actor, invoice, reason, reissue) -> Invoice:
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired(_("Say why the invoice is voided."), field="reason")
    with transaction.atomic():
        # Lock order (docs/architecture.md): the order, then its payments (a reissue settles from them), then the
        # invoice.
        order_id = Invoice.objects.filter(pk=invoice.pk).values_list("order_id", flat=True).first()
        payment_ids = []
        if order_id is not None:
            locks.order(order_id)
            payment_ids = Payment.objects.with_credit().filter(order_id=order_id).values_list("pk", flat=True)
        _payments, _notes, invoices = lock_rows(payments=payment_ids, invoices=[invoice])
        invoice = invoices[invoice.pk]
        if invoice.status == InvoiceStatus.VOID:
            return invoice
        if invoice.settled > 0 or invoice.allocations.exists():
            raise InvoiceSettled(_("Invoice %(number)s is partly settled; it cannot be voided.")
                                 % {"number": invoice.number})
        invoice.void_reason = reason[:255]
        if invoice.order_id is not None:
            invoice.voided_order_id, invoice.order_id = invoice.order_id, None
        INVOICE.move(invoice, to=InvoiceStatus.VOID, actor=actor, note=reason,
                     fields=["void_reason", "order", "voided_order"], audit_action="invoice.voided",
                     audit_data={"number": invoice.number, "reason": reason})
        for user in invoice_recipients(invoice.dealer):
            outbox.notify(to=user, template="payments/invoice_voided", context={
                "first_name": user.first_name, "number": invoice.number, "reason": invoice.void_reason})
        if reissue and invoice.voided_order_id is not None:
            reissue_invoice(actor=actor, invoice=invoice)
    return invoice


def reissue_invoice(*, actor, invoice) -> Invoice:
    """A new invoice for the goods of a void invoice, returned: the whole order again (issue_invoice), or the same
    part of it (a shipment): the void invoice's quantities of each order line, and the shipping charge again when the
    void invoice carried it (and no live invoice of the order does). Later stages hear of a part's replacement
    (`payments.invoice_replaced`: the shipment points at its new invoice). Reissuing again returns the invoice that
    took its place."""
    if not permissions.can_void_invoices(actor):
        raise NotAllowed(_("Only finance staff reissue invoices."))
    invoice = Invoice.objects.select_related("voided_order").get(pk=invoice.pk)
    if invoice.status != InvoiceStatus.VOID:
        raise InvoiceNotVoid(_("Invoice %(number)s is not void; only a void invoice is reissued.")
                             % {"number": invoice.number})
    if invoice.voided_order is None:
        raise NothingToInvoice(_("Invoice %(number)s was not issued for an order; there is nothing to reissue.")
                               % {"number": invoice.number})
    with transaction.atomic():
        order = locks.order(invoice.voided_order, related=("dealer",))
        replacement = _live(order).filter(part=invoice.part).first()
        if replacement is not None:
            return replacement
        if invoice.part:
            quantities = {}
            for line_id, quantity in invoice.lines.filter(order_line__isnull=False).values_list("order_line_id",
                                                                                              "quantity"):
                quantities[line_id] = quantities.get(line_id, ZERO) + quantity
            replacement = issue_invoice_for(
                order=order, lines=quantities, include_shipping=invoice.lines.filter(sku=SHIPPING_SKU).exists(),
                part=invoice.part, actor=actor)
        else:
            replacement = issue_invoice(order=order, actor=actor)
        audit.record(actor=acting_user(actor)[0], action="invoice.reissued", target=replacement,
                     dealer=invoice.dealer, data={"number": replacement.number, "replaces": invoice.number,
                                                  "part": invoice.part})
        if invoice.part:
            hooks.invoice_replaced.run(invoice=invoice, replacement=replacement, actor=actor)
    return replacement


def withdraw_invoice_unchecked(*, actor, invoice, reason) -> Invoice:
    """Take back a live invoice whose goods came back undelivered and will be invoiced again when they ship (a
    later stage's call, e.g. shipping when a shipment is `returned`; no finance check: the portal does it itself).
    Either way the invoice lets go of its order (`voided_order` keeps it), so its goods count in the order's
    uninvoiced rest again (exposure stays exact) and the next invoice of them is not refused as over-invoiced:

    * nothing settles it (no payment or credit note allocated): it is voided (void_invoice_unchecked, the dealer is
      mailed the reason), as staff would void it;
    * something settles it already, so it cannot be voided: it is cancelled by a credit note for the whole of it
      (credit_invoice_unchecked, the dealer is mailed the credit note): the payments on it are free again (money kept
      for the order pays the order's next invoice) and the invoice ends paid by the credit note.

    Returns the invoice as it is now; an invoice void or taken back already is left as it is. Locks: the order, its
    payments and those on the invoice, the invoice, then (credited) the credit-note counter."""
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired(_("Say why the invoice is taken back."), field="reason")
    with transaction.atomic():
        order_id = Invoice.objects.filter(pk=invoice.pk).values_list("order_id", flat=True).first()
        if order_id is None:
            return Invoice.objects.get(pk=invoice.pk)
        locks.order(order_id)
        payment_ids = {*Payment.objects.with_credit().filter(order_id=order_id).values_list("pk", flat=True),
                       *Allocation.objects.filter(invoice_id=invoice.pk, payment__isnull=False)
                       .values_list("payment_id", flat=True)}
        _payments, _notes, invoices = lock_rows(payments=payment_ids, invoices=[invoice])
        invoice = invoices[invoice.pk]
        if invoice.order_id is None or invoice.status == InvoiceStatus.VOID:
            return invoice
        if invoice.settled == ZERO and not invoice.allocations.exists():
            return _void(actor=actor, invoice=invoice, reason=reason, reissue=False)
        credit_invoice_unchecked(actor=actor, invoice=invoice, reason=reason)
        return Invoice.objects.get(pk=invoice.pk)


# --- the PDF -------------------------------------------------------------------------------------------------------

def billing_lines(invoice) -> list[str]:
    """The address the invoice is billed to, printed once: the order's billing address as chosen at checkout (its
    lines that only repeat the company's name left out), else the dealer's registered address."""
    dealer = invoice.dealer
    names = {(dealer.legal_name or "").strip().casefold(), (dealer.trade_name or "").strip().casefold()}
    order = invoice.order or invoice.voided_order
    text = order.billing_address if order is not None else ""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    lines = [line for line in lines if line.casefold() not in names]
    if lines:
        return lines
    return [line for line in (dealer.address_line, " ".join(filter(None, [dealer.postal_code, dealer.city,
                                                                          str(dealer.country or "")])))
            if line.strip()]


def invoice_context(invoice) -> dict:
    return {
        "invoice": invoice,
        "dealer": invoice.dealer,
        "billing_lines": billing_lines(invoice),
        "lines": list(invoice.lines.all()),
        "plan": list(invoice.installment_plan.all()),
        "currency": invoice.currency,
        "bank_account": getattr(settings, "INVOICE_BANK_ACCOUNT", ""),
        "invoice_url": invoice_url(invoice),
    }


# The invoice PDF's document kind, registered in PaymentsConfig.ready().
INVOICE_KIND = DocumentKind(
    name=INVOICE_PDF,
    template="pdf/invoice.html",
    context=invoice_context,
    title=lambda invoice: gettext("Invoice %(number)s") % {"number": invoice.number},
    dealer=lambda invoice: invoice.dealer,
    can_read=permissions.can_read_invoice,
)
