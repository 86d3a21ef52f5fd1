"""The one module that takes row locks for the portal's services, and the one order they are taken in.

    dealer → dealer users → addresses → credit account → cart → quote → order → payments, credit notes, invoices
           → shipment → support tickets (primary-key order) → stock rows (product primary-key order)
           → number counters

A transaction takes only locks that come later in this list than every lock it already holds (re-locking a row it
holds is free). Two transactions that obey one order can wait for each other but never crosswise, so no deadlock.
Why this order: the dealer and its users are the widest rows (everything of a dealer hangs off them), the credit
account decides whether an order may count at all, stock rows are shared by every dealer's orders and so are held
for the shortest time, and the number counters are shared by the whole portal and taken last of all.
docs/architecture.md ("Lock order") explains it; services call the helpers here instead of `select_for_update`.

Every lock that joins names its own table (`of=("self",)`), so a `select_related` never locks the dealer or user
row behind it. Dealer and user rows are locked FOR NO KEY UPDATE: that still makes two writers of one dealer wait
for each other, but it does not block the foreign-key checks of every order, audit row or mail that points at them.

A deadlock or serialization failure that still happens (a path outside this module, a table added later) is
retried once by `retry_when_busy` around the service's top-level transaction, and otherwise becomes `Busy`
(409 `portal.busy_try_again`, "try again"): never a 500.
"""
from __future__ import annotations

import functools
import logging

from django.apps import apps
from django.db import OperationalError, transaction
from django.utils.translation import gettext_lazy as _

from .errors import Busy  # noqa: F401  (raised here; the API and pages answer it)

log = logging.getLogger(__name__)

# PostgreSQL's SQLSTATEs for "the transaction lost a race and was rolled back; running it again may work".
DEADLOCK_DETECTED = "40P01"
SERIALIZATION_FAILURE = "40001"
RETRYABLE = {DEADLOCK_DETECTED, SERIALIZATION_FAILURE}




def busy_message():
    return _("Several changes reached this account at the same moment, so nothing was saved. Please try again.")


def is_lock_conflict(exc) -> bool:
    """A deadlock or serialization failure reported by PostgreSQL (Django wraps the driver's error)."""
    if not isinstance(exc, OperationalError):
        return False
    cause = exc.__cause__ or exc
    return getattr(cause, "pgcode", None) in RETRYABLE


def retry_when_busy(fn):
    """Run the service; when its top-level transaction is chosen as a deadlock victim (or fails serialization),
    run it once more, and if that fails too raise Busy (409, "try again"). Inside a caller's transaction the
    service runs once: only the outermost transaction can be run again, so the outermost decorated service retries."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        if transaction.get_connection().in_atomic_block:
            return fn(*args, **kwargs)
        try:
            return fn(*args, **kwargs)
        except OperationalError as exc:
            if not is_lock_conflict(exc):
                raise
            log.warning("%s lost a lock race (%s); running it once more", fn.__qualname__, exc.__cause__ or exc)
        try:
            return fn(*args, **kwargs)
        except OperationalError as exc:
            if not is_lock_conflict(exc):
                raise
            log.warning("%s lost a lock race twice; answering try again", fn.__qualname__)
            raise Busy(busy_message()) from exc
    return wrapper


def _pk(value):
    return getattr(value, "pk", value)


# --- 1. dealer, its users, its addresses ---------------------------------------------------------------------------

def dealer(value):
    """The dealer row (FOR NO KEY UPDATE). First in the order: take it before anything else of the dealer."""
    Dealer = apps.get_model("dealers", "Dealer")
    return Dealer.objects.select_for_update(no_key=True).get(pk=_pk(value))


def dealer_users(value, **filters) -> list:
    """Users of the dealer (FOR NO KEY UPDATE, primary-key order), after the dealer row."""
    User = apps.get_model("dealers", "User")
    return list(User.objects.select_for_update(no_key=True).filter(dealer_id=_pk(value), **filters).order_by("pk"))


def user(value):
    User = apps.get_model("dealers", "User")
    return User.objects.select_for_update(no_key=True).get(pk=_pk(value))


# --- 2. credit account -----------------------------------------------------------------------------------------------

def credit_account(value):
    """The dealer's credit account (None when it has none yet): before any cart, quote, order or stock row, because
    every order that counts is decided on it (payments.services.credit.check_order_credit locks it again, free)."""
    CreditAccount = apps.get_model("payments", "CreditAccount")
    return CreditAccount.objects.select_for_update().filter(dealer_id=_pk(value)).first()


# --- 3. cart, quote, order -------------------------------------------------------------------------------------------

def cart(*, user, dealer):
    Cart = apps.get_model("orders", "Cart")
    return Cart.objects.select_for_update().filter(user=user, dealer=dealer).first()


def quote(value, *, related=("dealer",)):
    """The quote row only (its dealer is read along, not locked)."""
    Quote = apps.get_model("pricing", "Quote")
    return Quote.objects.select_for_update(of=("self",)).select_related(*related).get(pk=_pk(value))


def order(value, *, related=("dealer", "placed_by")):
    """The order row only (dealer and placer are read along, not locked)."""
    Order = apps.get_model("orders", "Order")
    return Order.objects.select_for_update(of=("self",)).select_related(*related).get(pk=_pk(value))


def card_payment(value, *, related=("order", "dealer")):
    """A card payment row only (its order and dealer are read along, not locked); after the order."""
    CardPayment = apps.get_model("payments", "CardPayment")
    return CardPayment.objects.select_for_update(of=("self",)).select_related(*related).get(pk=_pk(value))


def invoices(ids) -> dict:
    """Invoice rows in primary-key order ({pk: invoice}), after the order and its payments."""
    Invoice = apps.get_model("payments", "Invoice")
    rows = Invoice.objects.select_for_update(of=("self",)).filter(pk__in=[_pk(i) for i in ids]).order_by("pk")
    return {row.pk: row for row in rows}


def shipment(value, *, related=("order", "carrier")):
    """A shipment row only (its order and carrier are read along, not locked): after the order and its invoices,
    before stock rows. Every writer of a shipment locks its order first, so the order serialises them."""
    Shipment = apps.get_model("shipping", "Shipment")
    return Shipment.objects.select_for_update(of=("self",)).select_related(*related).get(pk=_pk(value))


def tickets(values, *, related=("dealer", "opened_by")) -> dict:
    """Ticket rows in primary-key order ({pk: ticket}): two tickets at once (the desk's merge)."""
    Ticket = apps.get_model("support", "Ticket")
    rows = (Ticket.objects.select_for_update(of=("self",)).select_related(*related)
            .filter(pk__in=[_pk(v) for v in values]).order_by("pk"))
    return {row.pk: row for row in rows}


def ticket(value, *, related=("dealer",)):
    """A support ticket row only (its dealer is read along, not locked): after the order and shipment it is about
    (a tracking event opens one holding both), before the stock rows and the number counters."""
    Ticket = apps.get_model("support", "Ticket")
    return Ticket.objects.select_for_update(of=("self",)).select_related(*related).get(pk=_pk(value))


# --- 4. stock ------------------------------------------------------------------------------------------------------

def stock_rows(product_ids) -> list:
    """Product rows in primary-key order, before any stock of them moves (catalog's take_stock locks the same way)."""
    Product = apps.get_model("catalog", "Product")
    ids = sorted({_pk(p) for p in product_ids})
    if not ids:
        return []
    return list(Product.objects.select_for_update().filter(pk__in=ids).order_by("pk").only("pk", "stock_quantity"))
