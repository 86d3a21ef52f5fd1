"""The quote lifecycle, one service per act: a dealer requests (request_quote, here), staff or the dealer's agent
prepare and send revisions (start_draft, update_quote, send_quote in quote_drafts.py), the dealer accepts (accept_quote →
an order through the order maker that the orders stage registers on pricing.order_maker) or rejects (reject_quote).
Every move goes through `move_quote`, the lifecycle kernel's QUOTE.move() on the locked row: it checks
QUOTE_TRANSITIONS and writes the history and audit rows; mails (outbox) are written in the same transaction as the
change. Who may do what is pricing/permissions.py's."""
from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from dealers.permissions import ORDER, ROLE_ABILITIES
from portal import audit, locks, outbox
from portal.numbering import next_number

from .. import hooks, permissions
from ..engine import format_quantity, price_lines
from ..errors import (
    InvalidQuoteHeader,
    OrderingUnavailable,
    QuoteAlreadyAccepted,
    QuoteExpired,
    QuoteInvalidTransition,
    QuoteNoLines,
    QuoteTooManyLines,
    ReasonRequired,
)
from ..models import QUOTE, Quote, QuoteLine, QuoteStatus, QuoteStatusChange
from .quote_inputs import (  # noqa: F401  (QuoteLineInput and HEADER_FIELDS are part of this module's interface)
    HEADER_FIELDS,
    MAX_LINES,
    QuoteLineInput,
    checked_quantity,
    clean_date,
    load_products,
    plain_quantity,
    product_id_of,
)
from .quote_stock import require_quote_deliverable

S = QuoteStatus
NUMBER_SERIES = "QUO"
# Dealer roles that may accept a quote (and so are mailed about it): the roles table of design.md.
ORDER_ROLES = [role for role, abilities in ROLE_ABILITIES.items() if ORDER in abilities]


# --- the order maker -------------------------------------------------------------------------------------------------
#
# Pricing is an earlier stage than orders and must not import it. The orders app registers the function that turns an
# accepted quote into an order on the hook point pricing.order_maker (pricing/hooks.py, where its contract is written).

def ordering_available() -> bool:
    return bool(hooks.order_maker.functions)


# --- locks and moves ------------------------------------------------------------------------------------------------

def lock_quote(quote) -> Quote:
    """The quote row only, its dealer read along (portal/locks.py)."""
    return locks.quote(quote)


def move_quote(locked: Quote, *, to, actor, note="", fields=(), audit_action=None, audit_data=None) -> None:
    """Move the locked quote with the lifecycle kernel (QUOTE.move): checks the transitions table, saves the status
    with `fields`, writes the history row (at the quote's revision) and the audit row ("quote.<to>" unless
    `audit_action` says otherwise)."""
    QUOTE.move(locked, to=to, actor=actor, note=note, fields=fields, history={"revision": locked.revision},
               audit_action=audit_action, audit_data=audit_data, dealer=locked.dealer)


def site_url(name, *args) -> str:
    return settings.SITE_URL + reverse(name, args=args)


def _mail_context(quote, **extra) -> dict:
    return {"number": quote.number, "dealer_name": str(quote.dealer), "dealer_code": quote.dealer.code or "",
            "revision": quote.revision, "quote_url": site_url("quotes:detail", quote.number), **extra}


def order_recipients(dealer):
    """The dealer's active users who may accept quotes (mailed when one is sent, about to expire or expired)."""
    from dealers.models import User

    return list(User.objects.filter(dealer=dealer, is_active=True, role__in=ORDER_ROLES).order_by("pk"))


def notify_dealer(quote, template, **extra) -> int:
    recipients = order_recipients(quote.dealer)
    for user in recipients:
        outbox.notify(to=user, template=template, context=_mail_context(quote, first_name=user.first_name, **extra))
    return len(recipients)


def _who(actor) -> str:
    if actor.on_behalf:
        return _("%(agent)s for %(dealer)s") % {"agent": actor.user, "dealer": actor.dealer}
    return str(actor.user)


# --- request --------------------------------------------------------------------------------------------------------

def request_quote(*, actor, lines, note="", requested_delivery_date=None) -> Quote:
    """A dealer (or its agent) asks for a quote for `lines` [(product or product id, quantity), …]. Quantities obey
    the one quantity rule (a product given twice is one line with the summed quantity); lines start at the price
    engine's price for the dealer. Staff are mailed. Returns the quote (status requested, a QUO-… number)."""
    permissions.require_dealer_ability(actor, permissions.can_request_quote)
    lines = list(lines or [])
    if not lines:
        raise QuoteNoLines(_("Add at least one product to ask for a quote."), field="lines")
    if len(lines) > MAX_LINES:
        raise QuoteTooManyLines(_("A quote may have at most %(count)s lines.") % {"count": MAX_LINES}, field="lines")
    requested_delivery_date = clean_date(requested_delivery_date, "requested_delivery_date")
    if requested_delivery_date is not None and requested_delivery_date < timezone.localdate():
        raise InvalidQuoteHeader(_("The requested delivery date is in the past."), field="requested_delivery_date")
    wanted = [(product_id_of(item), quantity) for item, quantity in lines]
    products = load_products([pk for pk, _q in wanted])
    given: dict[int, list] = {}
    for pk, quantity in wanted:
        given.setdefault(pk, []).append(quantity)
    # A product given twice is one line: the summed quantity obeys the one quantity rule.
    quantities = {pk: checked_quantity(products[pk], values[0] if len(values) == 1 else
                                       sum((plain_quantity(products[pk], v) for v in values), Decimal(0)))
                  for pk, values in given.items()}
    priced = price_lines(dealer=actor.dealer, lines=list(quantities.items()))
    currency = next((line.currency for line in priced if line.priced), None)

    with transaction.atomic():
        quote = Quote.objects.create(
            number=next_number(NUMBER_SERIES), dealer=actor.dealer, status=S.REQUESTED,
            requested_by=None if actor.on_behalf else actor.user, placed_by=actor.user,
            request_note=(note or "").strip(), requested_delivery_date=requested_delivery_date,
            **({"currency": currency} if currency else {}))
        QuoteLine.objects.bulk_create([
            QuoteLine(quote=quote, product_id=line.product_id, quantity=line.quantity, position=position,
                      engine_unit_price=line.unit_price if line.priced else None)
            for position, line in enumerate(priced, start=1)])
        QuoteStatusChange.objects.create(quote=quote, from_status="", to_status=S.REQUESTED, by=actor.user,
                                         on_behalf=actor.on_behalf, note=quote.request_note)
        audit.record(actor=actor.user, action="quote.requested", target=quote, dealer=actor.dealer,
                     data=actor.audit_data(lines=[[products[pk].sku, format_quantity(q)]
                                                  for pk, q in quantities.items()]))
        outbox.notify_staff(template="quote_requested", context=_mail_context(
            quote, placed_by=_who(actor), lines=len(quantities), note=quote.request_note,
            requested_delivery_date=requested_delivery_date,
            edit_url=site_url("quotes:edit", quote.number)))
    return quote


# --- the dealer's decision ------------------------------------------------------------------------------------------

@locks.retry_when_busy
def accept_quote(*, actor, quote, idempotency_key=None) -> Quote:
    """Accept the latest revision of a sent, still valid quote (valid_until ≥ today): the order maker makes the order
    at its prices, the quote becomes accepted → ordered with the order's number; staff are mailed.

    Only roles that may order (and agents acting for the dealer). The quote row is locked first, so two people
    accepting at the same moment make one order: the second waits for the first and then gets
    QuoteAlreadyAccepted (409, naming the order) — unless it repeats the first one's `idempotency_key`, which returns
    the accepted quote unchanged (a double click, a reload, an API retry). Raises OrderingUnavailable when no order
    maker is registered."""
    permissions.require_decider(actor, quote)
    key = (idempotency_key or "").strip()[:100]
    if not ordering_available():
        raise OrderingUnavailable(_("Ordering is not available yet; please contact your sales representative."))
    today = timezone.localdate()
    # Durable: it makes an order, so when it returns the order is committed (never part of a caller's transaction).
    with transaction.atomic(durable=True):
        # The lock order (portal/locks.py): the credit account the order will be decided on, then the quote.
        locks.credit_account(actor.dealer)
        locked = lock_quote(quote)
        if locked.status in (S.ACCEPTED, S.ORDERED):
            if key and key == locked.accept_idempotency_key:
                return locked
            raise QuoteAlreadyAccepted(_("Quote %(number)s was already accepted: order %(order)s.")
                                       % {"number": locked.number, "order": locked.order_number or "—"})
        if locked.status == S.EXPIRED or (locked.status == S.SENT and not locked.is_acceptable_on(today)):
            expired_on = date_format(locked.valid_until, "SHORT_DATE_FORMAT")  # the reader's format, not ISO
            raise QuoteExpired(_("Quote %(number)s expired on %(date)s; ask for a new revision.")
                               % {"number": locked.number, "date": expired_on})
        if locked.status != S.SENT:
            raise QuoteInvalidTransition(_("Only a sent quote can be accepted; this one is “%(status)s”.")
                                         % {"status": locked.get_status_display()})
        revision = locked.revisions.get(number=locked.revision)
        # The catalog's availability rule, with the reason per line, before the order maker's last guard.
        require_quote_deliverable(list(locked.lines.select_related("product")))
        order = hooks.order_maker.call(actor=actor, quote=locked, revision=revision)
        order_number = str(getattr(order, "number", "") or "")
        if not order_number:
            raise RuntimeError("The order maker must return an order with a `number`.")
        locked.order_number = order_number
        locked.decided_by = actor.user
        locked.decided_at = timezone.now()
        locked.accept_idempotency_key = key
        move_quote(locked, to=S.ACCEPTED, actor=actor, note=f"rev. {locked.revision}",
                   fields=["order_number", "decided_by", "decided_at", "accept_idempotency_key"], audit_data={
                       "revision": locked.revision, "order": order_number, "gross": revision.totals.get("gross"),
                       "currency": locked.currency})
        move_quote(locked, to=S.ORDERED, actor=actor, note=order_number, audit_data={"order": order_number})
        outbox.notify_staff(template="quote_accepted", context=_mail_context(
            locked, by=_who(actor), order_number=order_number, gross=revision.totals.get("gross"),
            currency=locked.currency))
    return locked


def reject_quote(*, actor, quote, reason) -> Quote:
    """The dealer rejects the sent quote with a reason (required); staff are mailed and may send a new revision."""
    permissions.require_decider(actor, quote)
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired(_("Please say why you reject the quote; it helps us make a better offer."),
                             field="reason")
    reason = reason[:2000]
    with transaction.atomic():
        locked = lock_quote(quote)
        if locked.status != S.SENT:
            raise QuoteInvalidTransition(_("Only a sent quote can be rejected; this one is “%(status)s”.")
                                         % {"status": locked.get_status_display()})
        locked.rejection_reason = reason
        locked.decided_by = actor.user
        locked.decided_at = timezone.now()
        move_quote(locked, to=S.REJECTED, actor=actor, note=reason,
                   fields=["rejection_reason", "decided_by", "decided_at"],
                   audit_data={"revision": locked.revision, "reason": reason})
        outbox.notify_staff(template="quote_rejected", context=_mail_context(
            locked, by=_who(actor), reason=reason, edit_url=site_url("quotes:edit", locked.number)))
    return locked
