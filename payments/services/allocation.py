"""Payments, credit notes and their allocation to invoices.

Every allocation locks what it decides on, always in one order: payments (by primary key), then credit notes (by
primary key), then invoices (by primary key) — so two allocations touching the same rows wait for each other
instead of deadlocking. Nothing is ever over-settled or over-allocated (checked here under the locks, and by the
database's check constraints). What a payment or credit note does not settle stays unallocated: the dealer's credit
balance, used later by `allocate_credit` or by hand."""
from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from dealers.permissions import PAY
from dealers.selectors import list_users_who_may
from portal import audit, locks, outbox
from portal.lifecycle import acting_user
from portal.money import quantize, to_decimal
from portal.numbering import next_number

from .. import permissions
from ..errors import (
    IdempotencyKeyReused,
    InvalidAmount,
    InvalidPayment,
    InvoiceNotOpen,
    NotAllowed,
    NotRefundable,
    OverAllocation,
    ReasonRequired,
    ReservedForOrder,
    ReturnNotInvoiced,
    WrongDealer,
)
from ..models import (
    INVOICE,
    OPEN_STATUSES,
    ZERO,
    Allocation,
    CreditNote,
    Invoice,
    InvoiceStatus,
    Payment,
    PaymentKind,
)
from ..permissions import is_invoice_of
from ..selectors import ENDED_ORDER_STATUSES
from .credit import uninvoiced_rest

__all__ = ["OLDEST", "all_that_fits", "allocate", "allocate_credit", "allocate_source", "clean_amount",
           "credit_invoice_unchecked", "credit_note_from_return", "dealer_invoices_by_number",
           "free_payment_for_refund_unchecked", "issue_credit_note", "lock_rows", "record_payment", "record_payment_unchecked", "reserved_for",
           "settle_order_payments_unchecked"]

OLDEST = "oldest"


# --- input ---------------------------------------------------------------------------------------------------------

def clean_amount(value, *, field="amount") -> Decimal:
    """A positive amount in cents. Floats are refused: they cannot hold money exactly."""
    if isinstance(value, float):
        raise InvalidAmount(_("Amounts must be given as text or Decimal, never as a floating-point number."),
                            field=field)
    try:
        amount = to_decimal(value)
    except (TypeError, ValueError):
        raise InvalidAmount(_("Enter an amount."), field=field) from None
    if not amount.is_finite() or amount <= 0:
        raise InvalidAmount(_("Enter an amount above zero."), field=field)
    if amount >= Decimal("1e12"):
        raise InvalidAmount(_("This amount is too large."), field=field)
    if quantize(amount) != amount:
        raise InvalidAmount(_("Enter an amount with at most two decimals."), field=field)
    return quantize(amount)


def _user(actor):
    """The user behind `actor` for the rows that keep who made them (None: a task, the portal itself)."""
    return acting_user(actor)[0]


def _require_finance(actor):
    if not permissions.can_record_payments(actor):
        raise NotAllowed(_("Only finance staff record payments and allocations."))


def _clean_date(value, field) -> datetime.date:
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value.strip())
        except ValueError:
            raise InvalidPayment(_("Enter a date as YYYY-MM-DD."), field=field) from None
    if not isinstance(value, datetime.date):
        raise InvalidPayment(_("Enter a date."), field=field)
    if value > timezone.localdate():
        raise InvalidPayment(_("A payment cannot be received in the future."), field=field)
    return value


# --- locking and the one place an allocation is written ------------------------------------------------------------

def lock_rows(*, payments=(), credit_notes=(), invoices=()):
    """Lock the given rows (ids or objects) in the module's one order; returns ({pk: payment}, {pk: credit note},
    {pk: invoice})."""
    def ids(rows):
        return sorted({getattr(row, "pk", row) for row in rows})

    locked_payments = {p.pk: p for p in Payment.objects.select_for_update().filter(pk__in=ids(payments)).order_by("pk")}
    locked_notes = {c.pk: c for c in
                    CreditNote.objects.select_for_update().filter(pk__in=ids(credit_notes)).order_by("pk")}
    return locked_payments, locked_notes, locks.invoices(ids(invoices))


def _current_due_date(invoice, plan) -> datetime.date:
    """With installments: the due date of the first installment not yet covered by what is settled."""
    covered = ZERO
    for installment in plan:
        covered += installment.amount
        if covered > invoice.settled:
            return installment.due_date
    return plan[-1].due_date if plan else invoice.due_date


def _settled_status(invoice) -> str:
    """The status what `invoice` has settled gives it: open → partially_paid → paid. A paid overdue invoice is paid; a
    partly paid overdue one stays overdue unless its installment plan moved the next due date into the future (then
    its next installment is reminded afresh: due_date and last_reminder change on `invoice`, saved by the caller)."""
    if invoice.settled >= invoice.total_gross:
        return InvoiceStatus.PAID
    if invoice.installments > 1:
        due = _current_due_date(invoice, list(invoice.installment_plan.all()))
        if due != invoice.due_date:
            # The next installment is reminded afresh (before, on and after its own due date).
            invoice.due_date, invoice.last_reminder = due, ""
    if invoice.status == InvoiceStatus.OVERDUE and invoice.due_date < timezone.localdate():
        return InvoiceStatus.OVERDUE
    return InvoiceStatus.PARTIALLY_PAID if invoice.settled > 0 else InvoiceStatus.OPEN


def _save_settled(invoice, *, actor, source) -> None:
    """Save a locked invoice's new settled amount; its status moves through the lifecycle when that changes it."""
    fields = ["settled", "due_date", "last_reminder"]
    target = _settled_status(invoice)
    if target == invoice.status:
        invoice.save(update_fields=fields)
        return
    INVOICE.move(invoice, to=target, actor=actor, fields=fields,
                 audit_data={"number": invoice.number, "source": source.number, "settled": str(invoice.settled)})


def reserved_for(source):
    """The order (id, number) whose invoice alone the money of `source` may pay, or None when it is the dealer's
    credit. Money recorded for an order (a wire transfer it waits for, a captured card payment) is kept for that order
    until the order is cancelled or rejected or its invoice is paid; only what is left after that is free."""
    if not isinstance(source, Payment) or source.order_id is None:
        return None
    from orders.models import Order

    order = Order.objects.filter(pk=source.order_id).first()
    if order is None or order.status in ENDED_ORDER_STATUSES:
        return None
    # A void invoice no longer points at its order (void_invoice), so these are the order's live invoices. An order
    # invoiced per shipment keeps its money until every part is invoiced and paid.
    invoices = Invoice.objects.filter(order_id=order.pk)
    if (not invoices.exists() or invoices.filter(status__in=OPEN_STATUSES).exists()
            or uninvoiced_rest(order) > 0):
        return order.pk, order.number
    return None


def _refuse_reserved(source, invoice) -> None:
    reserved = reserved_for(source)
    if reserved is not None and invoice.order_id != reserved[0]:
        raise ReservedForOrder(_("%(source)s is kept for order %(order)s: it pays only that order's invoice.")
                               % {"source": source.number, "order": reserved[1]}, field="invoice")


def _apply_locked(*, source, invoice, amount: Decimal, actor) -> Allocation:
    """Write one allocation of `amount` from `source` (a locked payment or credit note) to `invoice` (locked)."""
    if not is_invoice_of(invoice, source.dealer_id):
        raise WrongDealer(_("Invoice %(invoice)s is not of the same dealer as %(source)s.")
                          % {"invoice": invoice.number, "source": source.number}, field="invoice")
    _refuse_reserved(source, invoice)
    if invoice.status not in OPEN_STATUSES:
        raise InvoiceNotOpen(_("Invoice %(number)s is %(status)s; it takes no more payments.")
                             % {"number": invoice.number, "status": invoice.get_status_display()}, field="invoice")
    if amount > source.unallocated:
        raise OverAllocation(_("%(source)s has only %(left)s left to allocate.")
                             % {"source": source.number, "left": source.unallocated}, field="amount")
    if amount > invoice.total_gross - invoice.settled:
        raise OverAllocation(_("Invoice %(number)s owes only %(left)s.")
                             % {"number": invoice.number, "left": invoice.total_gross - invoice.settled},
                             field="amount")
    is_payment = isinstance(source, Payment)
    allocation = Allocation.objects.create(invoice=invoice, payment=source if is_payment else None,
                                           credit_note=None if is_payment else source, amount=amount,
                                           created_by=_user(actor))
    source.allocated += amount
    source.save(update_fields=["allocated"])
    invoice.settled += amount
    _save_settled(invoice, actor=actor, source=source)
    audit.record(actor=_user(actor), action="payment.allocated", target=invoice, dealer=invoice.dealer, data={
        "invoice": invoice.number, "source": source.number, "amount": str(amount), "status": invoice.status})
    return allocation


def _open_invoice_ids(dealer, *, first=None) -> list[int]:
    """The dealer's open invoices, oldest due first (`first`, an invoice id, ahead of them all)."""
    ids = list(Invoice.objects.filter(dealer=dealer, status__in=OPEN_STATUSES, settled__lt=F("total_gross"))
               .order_by("due_date", "issue_date", "pk").values_list("pk", flat=True))
    if first is not None and first in ids:
        ids.remove(first)
        ids.insert(0, first)
    return ids


def _spread_locked(*, sources, invoices, order: list[int], actor) -> list[Allocation]:
    """Spread the locked sources (in the given order) over the locked invoices in `order` (invoice ids)."""
    made = []
    queue = [invoices[pk] for pk in order if pk in invoices]
    for source in sources:
        reserved = reserved_for(source)
        for invoice in queue:
            left = source.unallocated
            if left <= 0:
                break
            owed = invoice.total_gross - invoice.settled
            if owed <= 0 or invoice.status not in OPEN_STATUSES:
                continue
            if reserved is not None and invoice.order_id != reserved[0]:
                continue  # money kept for its order is never spent elsewhere automatically
            if reserved is not None:
                # What is left once its order's invoice is paid is free for the invoices after it.
                made.append(_apply_locked(source=source, invoice=invoice, amount=min(left, owed), actor=actor))
                reserved = reserved_for(source)
                continue
            made.append(_apply_locked(source=source, invoice=invoice, amount=min(left, owed), actor=actor))
    return made


# --- payments ------------------------------------------------------------------------------------------------------

def _same_payment(existing: Payment, *, amount, kind) -> Payment:
    if existing.amount != amount or existing.kind != kind:
        raise IdempotencyKeyReused(_("This idempotency key was already used for payment %(number)s of %(amount)s.")
                                   % {"number": existing.number, "amount": existing.amount})
    existing.created = False
    return existing


def _clean_manual(allocate, amount) -> dict[int, Decimal]:
    wanted = {}
    for invoice_id, value in allocate.items():
        try:
            invoice_id = int(getattr(invoice_id, "pk", invoice_id))
        except (TypeError, ValueError):
            raise InvalidPayment(_("Unknown invoice: %(id)s") % {"id": invoice_id}, field="allocations") from None
        wanted[invoice_id] = wanted.get(invoice_id, ZERO) + clean_amount(value, field="allocations")
    if sum(wanted.values(), ZERO) > amount:
        raise OverAllocation(_("The allocations add up to more than the payment."), field="allocations")
    return wanted


def record_payment(*, actor, dealer, amount, kind, received_on, reference="", idempotency_key=None, order=None,
                   allocate=OLDEST) -> Payment:
    """Finance staff (or the accounting system through the API) record money received from `dealer`.

    `allocate`: "oldest" (default: the order's invoice first when `order` is given, then the dealer's open invoices
    oldest due first; money for an order not invoiced yet stays with the order until its invoice is issued), None (leave it all unallocated), or {invoice id: amount} by hand. What is not allocated is the
    dealer's credit balance. The same `idempotency_key` for the dealer returns the first payment (a parallel retry
    collides on the database's unique constraint and returns it too); the returned object's `created` says which."""
    _require_finance(actor)
    return record_payment_unchecked(actor=actor, dealer=dealer, amount=amount, kind=kind, received_on=received_on,
                                    reference=reference, idempotency_key=idempotency_key, order=order,
                                    allocate=allocate)


def record_payment_unchecked(*, actor, dealer, amount, kind, received_on, reference="", idempotency_key=None,
                             order=None, allocate=OLDEST) -> Payment:
    """`record_payment` without the finance check, for money the portal itself took (a captured card payment)."""
    amount = clean_amount(amount)
    if kind not in PaymentKind.values:
        raise InvalidPayment(_("Choose a payment method."), field="kind")
    received_on = _clean_date(received_on, "received_on")
    reference = (reference or "").strip()
    if len(reference) > 100:
        raise InvalidPayment(_("The reference may be at most 100 characters."), field="reference")
    if order is not None and order.dealer_id != dealer.pk:
        raise WrongDealer(_("Order %(number)s is not this dealer's.") % {"number": order.number}, field="order")
    if allocate not in (OLDEST, None) and not isinstance(allocate, dict):
        raise InvalidPayment(_("Allocate oldest first, by hand, or not at all."), field="allocations")
    manual = _clean_manual(allocate, amount) if isinstance(allocate, dict) else None
    key = (idempotency_key or "").strip()[:100] or None
    if key:
        existing = Payment.objects.filter(dealer=dealer, idempotency_key=key).first()
        if existing is not None:
            return _same_payment(existing, amount=amount, kind=kind)
    try:
        with transaction.atomic():
            payment = Payment.objects.create(
                number=next_number("PAY"), dealer=dealer, kind=kind, amount=amount, received_on=received_on,
                reference=reference, order=order, idempotency_key=key, recorded_by=_user(actor),
                currency=getattr(getattr(dealer, "credit_account", None), "currency", "TRY"))
            audit.record(actor=_user(actor), action="payment.recorded", target=payment, dealer=dealer, data={
                "number": payment.number, "amount": str(amount), "kind": kind, "received_on": received_on.isoformat(),
                "reference": reference, "order": order.number if order else None})
            if manual:
                payments, _notes, invoices = lock_rows(payments=[payment], invoices=list(manual))
                payment = payments[payment.pk]
                for invoice_id, part in manual.items():
                    invoice = invoices.get(invoice_id)
                    if invoice is None:
                        raise InvalidPayment(_("Unknown invoice: %(id)s") % {"id": invoice_id}, field="allocations")
                    _apply_locked(source=payment, invoice=invoice, amount=part, actor=actor)
            elif allocate == OLDEST and order is not None and not Invoice.objects.filter(order=order).exists():
                pass  # money for an order not yet invoiced waits for that order's invoice (wire transfers)
            elif allocate == OLDEST:
                first = Invoice.objects.filter(order=order).values_list("pk", flat=True).first() \
                    if order is not None else None
                order_ids = _open_invoice_ids(dealer, first=first)
                payments, _notes, invoices = lock_rows(payments=[payment], invoices=order_ids)
                payment = payments[payment.pk]
                _spread_locked(sources=[payment], invoices=invoices, order=order_ids, actor=actor)
    except IntegrityError:
        if key:
            existing = Payment.objects.filter(dealer=dealer, idempotency_key=key).first()
            if existing is not None:
                return _same_payment(existing, amount=amount, kind=kind)
        raise
    payment.created = True
    return payment


def dealer_invoices_by_number(*, dealer, numbers, field="allocations") -> dict:
    """{number: invoice} of `dealer`'s invoices by their numbers; a number that is not one of the dealer's invoices
    (unknown, or another dealer's: is_invoice_of) is refused on `field`, and nothing is said of other dealers."""
    wanted = [str(number).strip() for number in numbers]
    found = {invoice.number: invoice for invoice in Invoice.objects.filter(dealer=dealer, number__in=wanted)
             if is_invoice_of(invoice, dealer)}
    for number in wanted:
        if number not in found:
            raise InvalidPayment(_("Unknown invoice of this dealer: %(number)s") % {"number": number}, field=field)
    return found


def all_that_fits(*, source, invoice) -> Decimal:
    """What one allocation of `source` to `invoice` takes when no amount is given: all that fits, what is left of the
    source up to what the invoice still owes."""
    return min(source.unallocated, invoice.balance)


def allocate(*, actor, source, invoice, amount=None) -> Allocation:
    """Finance staff allocate `amount` of a payment or credit note to one invoice of the same dealer (no amount: all
    that fits, decided under the locks)."""
    _require_finance(actor)
    if amount not in (None, ""):
        amount = clean_amount(amount)
    if not isinstance(source, (Payment, CreditNote)):
        raise InvalidPayment(_("Choose a payment or a credit note."), field="source")
    with transaction.atomic():
        is_payment = isinstance(source, Payment)
        payments, notes, invoices = lock_rows(payments=[source] if is_payment else [],
                                              credit_notes=[] if is_payment else [source], invoices=[invoice])
        locked, invoice = (payments if is_payment else notes)[source.pk], invoices[invoice.pk]
        if amount in (None, ""):
            amount = clean_amount(all_that_fits(source=locked, invoice=invoice))
        return _apply_locked(source=locked, invoice=invoice, amount=amount, actor=actor)


def allocate_source(*, actor, source) -> list[Allocation]:
    """Spread what is left of one payment or credit note over its dealer's open invoices, oldest due first (the
    dealer's other credit stays where it is)."""
    _require_finance(actor)
    if not isinstance(source, (Payment, CreditNote)):
        raise InvalidPayment(_("Choose a payment or a credit note."), field="source")
    with transaction.atomic():
        is_payment = isinstance(source, Payment)
        invoice_ids = _open_invoice_ids(source.dealer_id)
        payments, notes, invoices = lock_rows(payments=[source] if is_payment else [],
                                              credit_notes=[] if is_payment else [source], invoices=invoice_ids)
        locked = (payments if is_payment else notes)[source.pk]
        return _spread_locked(sources=[locked], invoices=invoices, order=invoice_ids, actor=actor)


def allocate_credit(*, actor, dealer) -> list[Allocation]:
    """Spend the dealer's credit balance (unallocated payments, then credit notes, oldest first) on its open invoices,
    oldest due first."""
    _require_finance(actor)
    return _allocate_credit_unchecked(actor=actor, dealer=dealer)


def _allocate_credit_unchecked(*, actor, dealer, first_invoice=None) -> list[Allocation]:
    with transaction.atomic():
        payment_ids = list(Payment.objects.with_credit().filter(dealer=dealer)
                           .values_list("pk", flat=True))
        note_ids = list(CreditNote.objects.filter(dealer=dealer, allocated__lt=F("amount"))
                        .values_list("pk", flat=True))
        invoice_ids = _open_invoice_ids(dealer, first=first_invoice)
        if not invoice_ids or not (payment_ids or note_ids):
            return []
        payments, notes, invoices = lock_rows(payments=payment_ids, credit_notes=note_ids, invoices=invoice_ids)
        sources = sorted(payments.values(), key=lambda p: (p.received_on, p.pk)) + \
            sorted(notes.values(), key=lambda c: (c.issued_on, c.pk))
        return _spread_locked(sources=sources, invoices=invoices, order=invoice_ids, actor=actor)


def settle_order_payments_unchecked(*, invoice, actor=None) -> list[Allocation]:
    """A just-issued invoice takes what was paid for its order beforehand (a wire transfer the order waited for)."""
    if invoice.order_id is None or invoice.status not in OPEN_STATUSES:
        return []
    payment_ids = list(Payment.objects.with_credit().filter(order_id=invoice.order_id)
                       .values_list("pk", flat=True))
    if not payment_ids:
        return []
    payments, _notes, invoices = lock_rows(payments=payment_ids, invoices=[invoice.pk])
    return _spread_locked(sources=sorted(payments.values(), key=lambda p: p.pk), invoices=invoices,
                          order=[invoice.pk], actor=actor)


def free_payment_for_refund_unchecked(*, payment, amount: Decimal, actor) -> None:
    """Make `amount` of a locked payment free to be paid back. What it lacks is taken off its allocations (newest
    first) and the dealer's unallocated credit notes take its place on those invoices, so every invoice stays settled
    as it was. Refused when the payment and the dealer's credit notes do not have that much credit."""
    short = amount - payment.unallocated
    if short <= 0:
        return
    note_ids = list(CreditNote.objects.filter(dealer_id=payment.dealer_id, allocated__lt=F("amount"))
                    .values_list("pk", flat=True))
    _payments, notes, _invoices = lock_rows(credit_notes=note_ids)
    queue = sorted(notes.values(), key=lambda c: (c.issued_on, c.pk))
    if sum((note.unallocated for note in queue), ZERO) < short:
        raise NotRefundable(_("Only %(amount)s of this payment is the dealer's credit; the rest still pays its "
                              "invoices. Issue a credit note first.")
                            % {"amount": payment.unallocated + sum((n.unallocated for n in queue), ZERO)},
                            field="amount")
    moved = []
    for allocation in payment.allocations.select_for_update().order_by("-pk"):
        while short > 0 and allocation.amount > 0:
            note = next(n for n in queue if n.unallocated > 0)
            part = min(allocation.amount, short, note.unallocated)
            allocation.amount -= part
            Allocation.objects.create(invoice_id=allocation.invoice_id, credit_note=note, amount=part,
                                      created_by=_user(actor))
            note.allocated += part
            note.save(update_fields=["allocated"])
            payment.allocated -= part
            short -= part
            moved.append({"invoice": allocation.invoice_id, "credit_note": note.number, "amount": str(part)})
        if allocation.amount > 0:
            allocation.save(update_fields=["amount"])
        else:
            allocation.delete()
        if short <= 0:
            break
    payment.save(update_fields=["allocated"])
    audit.record(actor=_user(actor), action="payment.reallocated", target=payment, dealer=payment.dealer,
                 data={"payment": payment.number, "moved": moved})


# --- credit notes --------------------------------------------------------------------------------------------------

def issue_credit_note(*, actor, dealer, amount, reason, return_request=None) -> CreditNote:
    """Finance staff credit a dealer by hand (or for a return); it settles the dealer's open invoices oldest first,
    the rest stays as credit balance."""
    if not permissions.can_issue_credit_notes(actor):
        raise NotAllowed(_("Only finance staff issue credit notes."))
    return _issue_credit_note_unchecked(actor=actor, dealer=dealer, amount=amount, reason=reason,
                                        return_request=return_request)


def _issue_credit_note_unchecked(*, actor, dealer, amount, reason, return_request=None) -> CreditNote:
    amount = clean_amount(amount)
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired(_("Say why the dealer is credited."), field="reason")
    with transaction.atomic():
        if return_request is not None:
            existing = CreditNote.objects.filter(return_request=return_request).first()
            if existing is not None:
                return existing
        first = None
        if return_request is not None:
            # The invoice that billed the returned line first (an order invoiced per shipment has several).
            first = _invoices_billing(return_request.order_id, return_request.line_id).values_list(
                "pk", flat=True).first()
        invoice_ids = _open_invoice_ids(dealer, first=first)
        # Lock order (docs/architecture.md): the invoices before the credit-note counter; the new note is this
        # transaction's own row.
        _payments, _notes, invoices = lock_rows(invoices=invoice_ids)
        note = CreditNote.objects.create(
            number=next_number("CN"), dealer=dealer, amount=amount, issued_on=timezone.localdate(),
            reason=reason[:255], return_request=return_request, created_by=_user(actor),
            currency=getattr(getattr(dealer, "credit_account", None), "currency", "TRY"))
        audit.record(actor=_user(actor), action="credit_note.issued", target=note, dealer=dealer, data={
            "number": note.number, "amount": str(amount), "reason": reason,
            "return": return_request.number if return_request is not None else None})
        if invoice_ids:
            _spread_locked(sources=[note], invoices=invoices, order=invoice_ids, actor=actor)
        for user in list_users_who_may(dealer=dealer, ability=PAY):
            outbox.notify(to=user, template="payments/credit_note_issued", context={
                "first_name": user.first_name, "number": note.number, "amount": str(note.amount),
                "currency": note.currency, "reason": note.reason})
    return note


def credit_invoice_unchecked(*, actor, invoice, reason) -> CreditNote | None:
    """Cancel a live `invoice` that payments or credit notes settle already (so it cannot be voided) by a credit note
    for the whole of it, for the portal itself (withdraw_invoice_unchecked: goods that came back undelivered, to be
    invoiced again when they ship). The credit note takes the place of every payment on the invoice (those
    allocations move to it: the money is free again, and money kept for the order pays the order's next invoice when
    it is issued, any other is the dealer's credit balance) and pays what the invoice still owes; the invoice ends
    paid by credit notes alone and lets go of its order like a void one (`voided_order` keeps it), so its goods are
    not invoiced any more. A credit note already on the invoice (a return's) stays: the new one is for the rest.
    Returns the credit note (None when the invoice is void or let go of its order already, or credit notes cover it
    all). Locks: payments on the invoice, the invoice, then the credit-note counter (docs/architecture.md)."""
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired(_("Say why the dealer is credited."), field="reason")
    with transaction.atomic():
        payment_ids = Allocation.objects.filter(invoice_id=invoice.pk, payment__isnull=False).values_list(
            "payment_id", flat=True)
        payments, _notes, invoices = lock_rows(payments=payment_ids, invoices=[invoice])
        invoice = invoices[invoice.pk]
        if invoice.order_id is None or invoice.status == InvoiceStatus.VOID:
            return None
        by_notes = invoice.allocations.filter(credit_note__isnull=False).aggregate(total=Sum("amount"))["total"]
        amount = invoice.total_gross - (by_notes or ZERO)
        note = None
        if amount > 0:
            note = CreditNote.objects.create(
                number=next_number("CN"), dealer_id=invoice.dealer_id, amount=amount, issued_on=timezone.localdate(),
                reason=reason[:255], created_by=_user(actor), currency=invoice.currency)
            moved = []
            for row in invoice.allocations.select_for_update().filter(payment__isnull=False).order_by("pk"):
                payment = payments[row.payment_id]
                payment.allocated -= row.amount
                payment.save(update_fields=["allocated"])
                row.payment, row.credit_note = None, note
                row.save(update_fields=["payment", "credit_note"])
                note.allocated += row.amount
                moved.append({"payment": payment.number, "amount": str(row.amount)})
            note.save(update_fields=["allocated"])
            owed = invoice.total_gross - invoice.settled
            if owed > 0:
                _apply_locked(source=note, invoice=invoice, amount=owed, actor=actor)
            audit.record(actor=_user(actor), action="credit_note.issued", target=note, dealer=invoice.dealer, data={
                "number": note.number, "amount": str(amount), "reason": reason, "invoice": invoice.number,
                "payments_freed": moved})
            for user in list_users_who_may(dealer=invoice.dealer, ability=PAY):
                outbox.notify(to=user, template="payments/credit_note_issued", context={
                    "first_name": user.first_name, "number": note.number, "amount": str(note.amount),
                    "currency": note.currency, "reason": note.reason})
        invoice.voided_order_id, invoice.order_id = invoice.order_id, None
        invoice.save(update_fields=["order", "voided_order"])
        audit.record(actor=_user(actor), action="invoice.credited", target=invoice, dealer=invoice.dealer, data={
            "number": invoice.number, "order": invoice.voided_order_id, "credit_note": note.number if note else None,
            "reason": reason})
    return note


def _invoices_billing(order_id, order_line_id):
    """The order's live invoices that bill this order line: its invoice of the whole order, or those of its parts
    (shipments) with the line on them; oldest first."""
    return (Invoice.objects.filter(order_id=order_id).exclude(status=InvoiceStatus.VOID)
            .filter(Q(part="") | Q(lines__order_line_id=order_line_id)).distinct().order_by("pk"))


def credit_note_from_return(*, rma, previous, actor) -> CreditNote | None:
    """Registered on `orders.return.moved`: once an approved return's goods are received back (orders'
    receive_return: staff, or shipping's return shipment delivered), the returned quantity at the line's unit price
    incl. VAT (rounded like every line: net, then VAT on it), credited inside the receipt's transaction, once (a
    return credited at its approval, before goods were received, is not credited again). Approving a return whose
    goods are on no live invoice is refused already, so it never waits for goods that cannot be credited."""
    from orders.models import ReturnStatus

    if rma.status not in (ReturnStatus.APPROVED, ReturnStatus.RECEIVED):
        return None
    return_request = rma
    from portal.money import vat_amount

    order = return_request.order
    # Only goods on a live invoice are credited: a void invoice no longer points at its order (void_invoice), and
    # crediting goods nobody is billed for would pay the dealer's other invoices with nothing given back. Invoiced
    # per shipment, the returned line must be on one of them.
    if not _invoices_billing(order.pk, return_request.line_id).exists():
        if rma.status == ReturnStatus.APPROVED:
            raise ReturnNotInvoiced(_("Order %(order)s has no valid invoice (its invoice was voided): issue its "
                                      "invoice again before approving return %(rma)s.")
                                    % {"order": order.number, "rma": return_request.number})
        raise ReturnNotInvoiced(_("Order %(order)s has no valid invoice (its invoice was voided): issue its invoice "
                                  "again before receiving the goods of return %(rma)s.")
                                % {"order": order.number, "rma": return_request.number})
    if rma.status == ReturnStatus.APPROVED or CreditNote.objects.filter(return_request=return_request).exists():
        return None
    line = return_request.line
    net = quantize(return_request.quantity * line.unit_price)
    amount = net + vat_amount(net, line.vat_rate)
    if amount <= 0:
        return None
    reason = _("Return %(rma)s of order %(order)s: %(quantity)s × %(sku)s") % {
        "rma": return_request.number, "order": return_request.order.number,
        "quantity": f"{return_request.quantity.normalize():f}", "sku": line.sku}
    return _issue_credit_note_unchecked(actor=return_request.decided_by, dealer=return_request.order.dealer,
                                        amount=amount, reason=reason, return_request=return_request)
