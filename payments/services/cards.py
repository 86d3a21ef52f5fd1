"""Card payments of orders, through the configured provider's hosted page (payments.cards): the portal never sees a
card number.

* The dealer places an order with payment method card; its page offers "Pay by card": `start_card_payment` opens
  the provider's hosted page for what the order still owes, and the dealer comes back to
  `complete_card_authorisation`, which asks the provider (by its reference) what happened. The provider's
  server-to-server notification (`/payments/card/notify/`) and beat's sweep ask the same way, for a dealer who paid
  and closed the browser.
* Like a wire-transfer order, a card order waits: staff cannot confirm, process or ship it until its card payment is
  authorised (`guard_card_order`), and it cannot be changed upwards past what was authorised.
* When the order is invoiced, a Celery task captures the invoice amount and records it as a card `Payment`, which
  settles the invoice. When the order is cancelled or rejected first, a task releases the authorisation.
* Finance refunds captured money (`refund_card_payment`) from the admin: at most what was captured and not yet
  refunded, and only money that no longer settles an invoice (after a return's credit note, say: the credit note
  takes the card payment's place on the invoice). A refund is a debit on the dealer's statement.
"""
from __future__ import annotations

import datetime

from celery import signature
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dealers import permissions as dealer_permissions
from dealers.selectors import list_users_who_may
from orders.models import PaymentMethod
from portal import audit, locks, outbox
from portal.errors import DomainError
from portal.lifecycle import acting_user
from portal.money import format_money
from portal.numbering import next_number
from portal.queue import enqueue, enqueue_on_commit

from .. import permissions
from ..cards import ProviderError, get_provider
from ..errors import (
    CardNotPayable,
    CardPaymentPending,
    CardPaymentsOff,
    CardProviderFailed,
    NotAllowed,
    OverRefund,
    ReasonRequired,
)
from ..models import CARD_PAYMENT, ZERO, CardPayment, CardPaymentStatus, CardRefund, Invoice, PaymentKind
from ..permissions import PAYABLE_ORDER_STATUSES, may_pay_orders
from ..selectors import ENDED_ORDER_STATUSES, live_card_payment
from .allocation import clean_amount, free_payment_for_refund_unchecked, lock_rows, record_payment_unchecked
from .credit import uninvoiced_rest
from .wire import WAITING_MOVES

__all__ = ["CardNotPayable", "CardPaymentPending", "CardPaymentsOff", "CardProviderFailed", "OverRefund",
           "capture_card_payment", "capture_when_invoiced", "card_on_status_changed", "check_card_commitment",
           "complete_card_authorisation",
           "guard_card_order", "refund_card_payment", "release_card_payment", "settle_authorised_card_payments",
           "start_card_payment"]

CP = CardPaymentStatus
# The Celery tasks that capture and release, by name: payments.tasks imports this module, never the other way round.
CAPTURE_TASK = signature("payments.tasks.capture_card_payment_task")
RELEASE_TASK = signature("payments.tasks.release_card_payment_task")


def _provider():
    provider = get_provider()
    if provider is None:
        raise CardPaymentsOff(_("Card payments are not available."))
    return provider


def _move(card, *, to, actor, fields=(), note="", **data):
    """Move a card payment locked with portal.locks.card_payment through its lifecycle; the audit row keeps the
    actions it always had (card.authorised, card.declined, card.captured, card.released, card.refunded: the
    lifecycle's "card.{to}")."""
    return CARD_PAYMENT.move(card, to=to, actor=actor, fields=fields, note=note,
                             audit_data={"reference": card.reference, "order": card.order.number, **data})


# --- authorising on the hosted page --------------------------------------------------------------------------------

def start_card_payment(*, actor, order, return_url: str) -> tuple[CardPayment, str]:
    """Open the provider's hosted page for the order's total; returns the card payment and the page's address."""
    if not may_pay_orders(actor):
        raise NotAllowed(_("Your role does not allow paying orders."))
    if order.dealer_id != getattr(actor.dealer, "pk", None):
        raise CardNotPayable(_("Unknown card payment."))
    provider = _provider()
    with transaction.atomic():
        order = locks.order(order)
        if order.payment_method != PaymentMethod.CARD:
            raise CardNotPayable(_("Order %(number)s is not paid by card.") % {"number": order.number})
        if order.status not in PAYABLE_ORDER_STATUSES:
            raise CardNotPayable(_("Order %(number)s is %(status)s; it cannot be paid now.")
                                 % {"number": order.number, "status": order.get_status_display()})
        if live_card_payment(order=order) is not None:
            raise CardNotPayable(_("Order %(number)s is already paid by card.") % {"number": order.number})
        try:
            page = provider.authorise(amount=order.total_gross, currency=order.currency,
                                      installments=order.installments, order_number=order.number,
                                      return_url=return_url)
        except ProviderError as exc:
            raise CardProviderFailed(_("The card payment page could not be opened; try again in a moment.")) \
                from exc
        card = CardPayment.objects.create(
            order=order, dealer=order.dealer, provider=provider.name, reference=page.reference,
            amount=order.total_gross, currency=order.currency, installments=order.installments,
            started_by=actor.user)
        audit.record(actor=actor.user, action="card.started", target=order, dealer=order.dealer,
                     data=actor.audit_data(reference=card.reference, amount=str(card.amount)))
    return card, page.url


def complete_card_authorisation(*, reference: str) -> CardPayment:
    """The dealer is back from the hosted page (or the provider notifies us): ask the provider what happened and
    record it. Safe to call again: a decided card payment is returned as it is."""
    reference = (reference or "").strip()[:100]
    found = CardPayment.objects.filter(reference=reference).values_list("pk", "order_id").first()
    if found is None:
        raise CardNotPayable(_("Unknown card payment."))
    with transaction.atomic():
        # The order first (as start_card_payment): two card payments of one order completing at once (two tabs, a
        # return and a notification) are decided one after the other.
        locks.order(found[1])
        card = locks.card_payment(found[0])
        if card.status != CP.STARTED:
            return card
        try:
            result = _provider().authorisation_result(reference=reference)
        except ProviderError as exc:
            raise CardProviderFailed(_("The card payment provider did not answer; try again in a moment.")) \
                from exc
        if result.status == "authorised" and result.amount >= card.amount:
            if live_card_payment(order=card.order) is not None:
                # Paid twice (two tabs): the first stands; this authorisation is released at once.
                try:
                    _provider().refund(reference=card.reference, amount=card.amount)
                except ProviderError as exc:
                    raise CardProviderFailed(_("The card payment provider did not answer; try again in a moment.")) \
                        from exc
                card.message = "The order was already paid by another card payment."
                _move(card, to=CP.RELEASED, actor=card.started_by, fields=["message"], amount=str(card.amount),
                      why="paid twice")
                return card
            to = CP.AUTHORISED
        elif result.status in ("authorised", "declined"):
            to = CP.DECLINED
        else:
            return card
        card.message = result.message[:255]
        _move(card, to=to, actor=card.started_by, fields=["message"], amount=str(card.amount), message=card.message)
        if card.status == CP.AUTHORISED:
            outbox.notify_staff(template="payments/card_authorised", context={
                "number": card.order.number, "amount": str(card.amount), "currency": card.currency})
    return card


# --- the order's life ----------------------------------------------------------------------------------------------

def guard_card_order(*, order, previous, to, actor) -> None:
    """orders' status guard (`orders.order.guard`, registered in payments.apps): a card order waits for its
    authorisation."""
    to_status = to
    if to_status in WAITING_MOVES and order.payment_method == PaymentMethod.CARD \
            and live_card_payment(order=order) is None:
        raise CardPaymentPending(
            _("Order %(number)s waits for its card payment (%(amount)s); the dealer pays it from the order page.")
            % {"number": order.number, "amount": format_money(order.total_gross, order.currency)}, field="status")


def check_card_commitment(*, order, actor, previous_total) -> None:
    """orders' commitment check: an authorised card order cannot grow past what the card authorised."""
    if order.payment_method != PaymentMethod.CARD:
        return
    card = live_card_payment(order=order)
    if card is not None and order.total_gross > card.amount:
        raise CardNotPayable(_("Order %(number)s is paid by card for %(amount)s; it cannot grow past that. Place "
                               "another order for more.") % {"number": order.number,
                                                             "amount": format_money(card.amount, card.currency)},
                             field="lines")


def card_on_status_changed(*, order, previous, actor) -> None:
    """orders' status listener (`orders.order.moved`): capture once the order is invoiced; release when it ends unpaid."""
    if order.payment_method != PaymentMethod.CARD:
        return
    card = CardPayment.objects.filter(order=order, status=CP.AUTHORISED).first()
    if card is None:
        return
    if order.status in ENDED_ORDER_STATUSES:
        enqueue_on_commit(RELEASE_TASK, card.pk)
    elif Invoice.objects.filter(order=order).exists():
        enqueue_on_commit(CAPTURE_TASK, card.pk)


def capture_when_invoiced(order) -> None:
    """An invoice of a part of a card order was just issued (its shipment left after the order moved): the order's
    authorised card payment is captured after the commit."""
    if order.payment_method != PaymentMethod.CARD:
        return
    card = CardPayment.objects.filter(order=order, status=CP.AUTHORISED).first()
    if card is not None:
        enqueue_on_commit(CAPTURE_TASK, card.pk)


def settle_authorised_card_payments(*, asked_after_minutes: int = 15) -> dict:
    """Beat's sweep for what a broker outage or a closed browser may have left: card payments started more than
    `asked_after_minutes` ago and never completed are asked of the provider (the dealer paid but did not come
    back); authorised card payments of invoiced orders are captured, those of cancelled or rejected orders
    released. Returns the counts."""
    counts = {"asked": 0, "capture": 0, "release": 0}
    now = timezone.now()
    # A hosted page left alone for two days was abandoned: it is not asked about any more.
    started = CardPayment.objects.filter(status=CP.STARTED, created_at__lt=now - datetime.timedelta(
        minutes=asked_after_minutes), created_at__gt=now - datetime.timedelta(days=2))
    for reference in started.values_list("reference", flat=True)[:500]:
        try:
            complete_card_authorisation(reference=reference)
            counts["asked"] += 1
        except DomainError:
            continue
    waiting = CardPayment.objects.filter(status=CP.AUTHORISED).select_related("order")
    for card in waiting:
        if card.order.status in ENDED_ORDER_STATUSES:
            counts["release"] += enqueue(RELEASE_TASK, card.pk)
        elif Invoice.objects.filter(order_id=card.order_id).exists():
            counts["capture"] += enqueue(CAPTURE_TASK, card.pk)
    return counts


def capture_card_payment(card_payment_id: int) -> CardPayment:
    """Capture what the order's invoice owes (at most the authorised amount) and record it as a card payment that
    settles the invoice. Idempotent: a captured card payment is left as it is. ProviderError propagates (the
    task retries)."""
    with transaction.atomic():
        card = locks.card_payment(card_payment_id)
        if card.status != CP.AUTHORISED:
            return card
        invoices = list(Invoice.objects.filter(order=card.order).order_by("pk"))
        if not invoices:
            return card
        # What the order still owes: its invoices' balances, and (invoiced per shipment) what its later shipments'
        # invoices will ask; the part of the capture not yet invoiced waits for them (kept for the order).
        amount = min(card.amount, sum((invoice.balance for invoice in invoices), ZERO) + uninvoiced_rest(card.order))
        if amount <= 0:
            # Nothing left to take (settled otherwise, or void): the dealer's card is not held any longer.
            _provider().refund(reference=card.reference, amount=card.amount)
            _move(card, to=CP.RELEASED, actor=None, amount=str(card.amount), why="nothing to capture")
            return card
        _provider().capture(reference=card.reference, amount=amount)
        payment = record_payment_unchecked(
            actor=None, dealer=card.dealer, amount=amount, kind=PaymentKind.CARD, received_on=timezone.localdate(),
            reference=card.reference, idempotency_key=f"card:{card.reference}", order=card.order)
        card.captured, card.payment = amount, payment
        _move(card, to=CP.CAPTURED, actor=None, fields=["captured", "payment"], amount=str(amount),
              payment=payment.number, invoice=", ".join(invoice.number for invoice in invoices))
    return card


def release_card_payment(card_payment_id: int) -> CardPayment:
    """Release the authorisation of a cancelled or rejected order (nothing was captured). Idempotent.
    ProviderError propagates (the task retries)."""
    with transaction.atomic():
        card = locks.card_payment(card_payment_id)
        if card.status != CP.AUTHORISED or card.order.status not in ENDED_ORDER_STATUSES:
            return card
        _provider().refund(reference=card.reference, amount=card.amount)
        _move(card, to=CP.RELEASED, actor=None, amount=str(card.amount))
    return card


# --- refunds -------------------------------------------------------------------------------------------------------

def refund_card_payment(*, actor, card_payment, amount, reason) -> CardRefund:
    """Finance pays `amount` of a captured card payment back to the card. Refused beyond what was captured and not
    yet refunded, and beyond the dealer's credit (money that still settles an invoice is not the dealer's to get
    back: issue a credit note first)."""
    if not permissions.can_record_payments(actor):
        raise NotAllowed(_("Only finance staff refund card payments."))
    user, _on_behalf = acting_user(actor)
    amount = clean_amount(amount)
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired(_("Say why the money is refunded."), field="reason")
    with transaction.atomic():
        card = locks.card_payment(card_payment.pk)
        if card.status not in (CP.CAPTURED, CP.REFUNDED) or card.payment_id is None:
            raise OverRefund(_("Only a captured card payment can be refunded."))
        if amount > card.refundable:
            raise OverRefund(_("At most %(amount)s of this card payment can still be refunded.")
                             % {"amount": format_money(card.refundable, card.currency)}, field="amount")
        payments, _notes, _invoices = lock_rows(payments=[card.payment_id])
        payment = payments[card.payment_id]
        free_payment_for_refund_unchecked(payment=payment, amount=amount, actor=actor)
        try:
            _provider().refund(reference=card.reference, amount=amount)
        except ProviderError as exc:
            raise CardProviderFailed(_("The card payment provider refused the refund: %(error)s")
                                     % {"error": exc}) from exc
        payment.refunded += amount
        payment.save(update_fields=["refunded"])
        card.refunded += amount
        refund = CardRefund.objects.create(
            number=next_number("RFD"), card_payment=card, dealer=card.dealer, amount=amount, currency=card.currency,
            refunded_on=timezone.localdate(), reason=reason[:255], created_by=user)
        data = {"amount": str(amount), "refund": refund.number, "reason": reason}
        if card.status == CP.CAPTURED:
            _move(card, to=CP.REFUNDED, actor=actor, fields=["refunded"], note=reason, **data)
        else:  # refunded before: the amount grows, the status stays (no move)
            card.save(update_fields=["refunded", "updated_at"])
            audit.record(actor=user, action="card.refunded", target=card, dealer=card.dealer,
                         data={"reference": card.reference, "order": card.order.number, **data})
        for user in list_users_who_may(dealer=card.dealer, ability=dealer_permissions.PAY):
            outbox.notify(to=user, template="payments/card_refunded", context={
                "first_name": user.first_name, "number": refund.number, "order": card.order.number,
                "amount": str(amount), "currency": card.currency, "reason": refund.reason})
    return refund

