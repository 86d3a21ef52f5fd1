"""Credit: one account per dealer, its exposure and what is still available, and the one check every order
passes before it commits to an amount on account.

Exposure = open invoice balances + the uninvoiced rest of each on-account order (placed to delivered): its total
minus what its live (not void) invoices cover, minus the value of what staff short-shipped (cancelled, never ships).
An order shipped and invoiced in parts (one invoice per shipment) so counts at its total before, during and after
its shipments, until it is paid. Available = limit − exposure.

The check (`check_order_credit`) is registered with orders (`orders.commitment`, orders/hooks.py) and so runs
inside the transaction of every path that makes an order count: checkout, the API, quote acceptance, an
approver's approval, a change upwards, and agents acting for the dealer. It locks the dealer's credit account
row first: two orders of one dealer are decided one after the other, so no number of parallel orders can pass
the limit. A cancelled order never comes back (orders' transitions), so it cannot be reopened around the check.

Reading a dealer's credit writes nothing (`account_of`, `credit_status`: a dealer without an account is answered with
the defaults); only paths that write open the account (`open_account`: an order that counts, a dealer's approval,
finance adding one in the admin).
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import connection, transaction
from django.db.models import DecimalField, ExpressionWrapper, F, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Greatest, Round
from django.utils.translation import gettext as _

from dealers import permissions as dealer_permissions
from dealers.selectors import list_users_who_may
from orders.models import OrderStatus, PaymentMethod
from portal import audit, locks, outbox
from portal.lifecycle import acting_user
from portal.money import format_money, quantize

from ..errors import AccountOnHold, InvalidCreditAccount, MethodNotAllowed, NotFinanceStaff, OverCreditLimit
from ..models import OPEN_STATUSES, ZERO, CreditAccount, Invoice
from ..permissions import can_change_credit_accounts

__all__ = ["ACCOUNT_FIELDS", "APPROVAL_FIELDS", "COUNTING_STATUSES", "MAX_CREDIT_LIMIT", "MAX_PAYMENT_TERMS_DAYS",
           "AccountOnHold", "CreditStatus", "InvalidCreditAccount", "MethodNotAllowed", "NotFinanceStaff",
           "OverCreditLimit", "account_of", "allowed_methods", "check_order_credit", "clean_account_changes",
           "credit_status", "default_account", "explain_methods", "exposure", "lock_account", "on_account_problem",
           "open_account", "open_account_for_new_dealer", "pro_rata", "put_on_hold", "require_finance",
           "short_shipped_value", "status_of", "uninvoiced_rest", "update_credit_account", "with_exposure"]

# Orders whose uninvoiced rest counts (what their invoices cover counts as those invoices instead).
S = OrderStatus
COUNTING_STATUSES = (S.PLACED, S.CONFIRMED, S.PROCESSING, S.PARTIALLY_SHIPPED, S.SHIPPED, S.DELIVERED)


@dataclass(frozen=True)
class CreditStatus:
    limit: Decimal
    exposure: Decimal
    available: Decimal
    currency: str
    on_hold: bool
    hold_reason: str
    payment_terms_days: int

    @property
    def used_percent(self) -> int:
        if not self.limit:
            return 100 if self.exposure > 0 else 0
        return int(self.exposure * 100 / self.limit)


def _defaults() -> dict:
    """A new account's settings: settings.DEFAULT_CREDIT_LIMIT (0 unless configured: no orders on account until
    finance sets a limit) and settings.DEFAULT_PAYMENT_TERMS_DAYS."""
    return {"credit_limit": quantize(getattr(settings, "DEFAULT_CREDIT_LIMIT", "0")),
            "payment_terms_days": getattr(settings, "DEFAULT_PAYMENT_TERMS_DAYS", 30)}


def default_account(dealer=None) -> CreditAccount:
    """An unsaved account with the defaults: what a dealer without an account is treated as."""
    return CreditAccount(dealer=dealer, **_defaults())


def account_of(dealer) -> CreditAccount:
    """The dealer's account, read only: a dealer without one is answered with an unsaved account with the defaults
    (pk None). Pages and reports read through this; nothing is written."""
    account = CreditAccount.objects.filter(dealer=dealer).first()
    return account if account is not None else default_account(dealer)


def open_account(dealer) -> CreditAccount:
    """The dealer's account, made with the defaults when it has none: only for paths that write (an order that
    counts, a dealer's approval, finance adding an account)."""
    account, _created = CreditAccount.objects.get_or_create(dealer=dealer, defaults=_defaults())
    return account


def open_account_for_new_dealer(*, dealer, actor=None, setup=None) -> CreditAccount:
    """Registered with dealers' approval: the new dealer's account with the defaults, changed by what finance staff
    chose on the approve page (`setup`: credit_limit, payment_terms_days, allowed_methods; through the audited
    update_credit_account, which needs the finance permission). While its limit is 0 the dealer can pay by wire
    transfer or card but not on account, so finance is asked to set a limit."""
    from django.urls import reverse

    account = open_account(dealer)
    changes = {name: value for name, value in (setup or {}).items() if name in APPROVAL_FIELDS}
    if changes:
        account = update_credit_account(actor=actor, account=account, changes=changes)
    if account.credit_limit == ZERO:
        for address in _finance_addresses(dealer):
            outbox.notify(to=address, template="payments/set_credit_limit", context={
                "dealer_name": str(dealer), "dealer_code": dealer.code or "",
                "url": settings.SITE_URL + reverse("admin:payments_creditaccount_change", args=[account.pk])})
    return account


def on_account_problem(account) -> str:
    """Why `account` cannot take an order on account at all now ("" if it can): no credit limit yet, or on hold."""
    if account.on_hold:
        return _("Your account is on hold, so orders on account are not possible now. Please contact our finance "
                 "team.") + (f" ({account.hold_reason})" if account.hold_reason else "")
    if account.credit_limit <= ZERO:
        return _("Your company has no credit limit yet, so it cannot order on account until our finance team sets "
                 "one.")
    return ""


def explain_methods(dealer) -> dict:
    """Registered on `orders.payment_methods_unavailable`: on account is shown disabled, with the reason,
    while the dealer has no credit limit or is on hold. One query; a dealer without an account has the default."""
    account = CreditAccount.objects.filter(dealer=dealer).only("credit_limit", "on_hold", "hold_reason").first()
    if account is None:
        account = default_account()
    problem = on_account_problem(account)
    return {PaymentMethod.ON_ACCOUNT.value: problem} if problem else {}


def allowed_methods(dealer) -> list | None:
    """The payment methods the dealer's account allows (None: all, also while it has no account yet)."""
    allowed = CreditAccount.objects.filter(dealer=dealer).values_list("allowed_methods", flat=True).first()
    return allowed or None


def lock_account(dealer) -> CreditAccount:
    """The dealer's credit account, locked until the transaction ends (created first when missing). Its place in the
    one lock order (portal/locks.py): after the dealer, before any cart, quote, order or stock row."""
    account = locks.credit_account(dealer)  # the caller locked it already (the lock order): a free re-lock
    if account is None:
        open_account(dealer)
        account = locks.credit_account(dealer)
    return account


# --- what an order still owes without an invoice -----------------------------------------------------------------

def pro_rata(amount: Decimal, quantity: Decimal, of: Decimal) -> Decimal:
    """`amount` (a line's net or VAT) for `quantity` of the line's `of`, rounded to cents (the whole line's amount
    exactly when quantity == of). Invoices of parts take their share as the line's amount pro rata of everything
    invoiced so far minus what the earlier parts took, so the parts of a line always add up to the line."""
    if quantity == of:
        return amount
    return quantize(amount * quantity / of)


def short_shipped_value(line) -> Decimal:
    """The gross value of what staff short-shipped of an order line (never ships, never invoiced): the line's gross
    minus what the rest of the line is invoiced at, pro rata (so it and the line's invoices add up to the line)."""
    short = line.short_shipped_quantity or ZERO
    if short <= 0:
        return ZERO
    kept = line.quantity - short
    return (line.line_net + line.line_vat - pro_rata(line.line_net, kept, line.quantity)
            - pro_rata(line.line_vat, kept, line.quantity))


def uninvoiced_rest(order) -> Decimal:
    """What of `order` no live invoice covers yet: its total minus its invoices (not void) minus what was
    short-shipped; never below zero. The goods of an order shipped in parts are in here until their shipment's
    invoice is issued."""
    invoiced = Invoice.objects.filter(order_id=order.pk).aggregate(total=Sum("total_gross"))["total"] or ZERO
    short = sum((short_shipped_value(line) for line in order.lines.filter(short_shipped_quantity__gt=0)), ZERO)
    return max(order.total_gross - invoiced - short, ZERO)


_MONEY = DecimalField(max_digits=14, decimal_places=2)


def _uninvoiced_rest_expression():
    """`uninvoiced_rest` as an expression over an Order queryset (the same arithmetic in SQL: ROUND(…, 2) rounds half
    away from zero as ROUND_HALF_UP does)."""
    from orders.models import OrderLine

    invoiced = (Invoice.objects.filter(order=OuterRef("pk")).order_by().values("order")
                .annotate(total=Sum("total_gross")).values("total"))
    kept = F("quantity") - F("short_shipped_quantity")
    short = (OrderLine.objects.filter(order=OuterRef("pk"), short_shipped_quantity__gt=0).order_by().values("order")
             .annotate(value=Sum(ExpressionWrapper(
                 F("line_net") + F("line_vat") - Round(F("line_net") * kept / F("quantity"), 2)
                 - Round(F("line_vat") * kept / F("quantity"), 2), output_field=_MONEY))).values("value"))
    return Greatest(ExpressionWrapper(
        F("total_gross") - Coalesce(Subquery(invoiced, output_field=_MONEY), Value(ZERO), output_field=_MONEY)
        - Coalesce(Subquery(short, output_field=_MONEY), Value(ZERO), output_field=_MONEY), output_field=_MONEY),
        Value(ZERO), output_field=_MONEY)


def _exposure_query(dealer_pk, exclude_pk=None):
    """The one statement of `exposure`: (open invoice balances, uninvoiced rest of on-account orders)."""
    from dealers.models import Dealer
    from orders.models import Order

    owed = (Invoice.objects.filter(dealer=OuterRef("pk"), status__in=OPEN_STATUSES).order_by()
            .values("dealer").annotate(owed=Sum(F("total_gross") - F("settled"))).values("owed"))
    orders = Order.objects.filter(dealer=OuterRef("pk"), payment_method=PaymentMethod.ON_ACCOUNT,
                                  status__in=COUNTING_STATUSES)
    if exclude_pk is not None:
        orders = orders.exclude(pk=exclude_pk)
    uninvoiced = orders.order_by().values("dealer").annotate(total=Sum(_uninvoiced_rest_expression())).values("total")
    return Dealer.objects.filter(pk=dealer_pk).order_by().values_list(
        Subquery(owed, output_field=_MONEY), Subquery(uninvoiced, output_field=_MONEY))


# Stand-ins for the dealer's and the excluded order's ids in the statement compiled once per process.
_DEALER, _ORDER = -918_273_645_001, -918_273_645_002


@functools.cache
def _exposure_statement(excluding: bool) -> tuple[str, tuple] | None:
    """`_exposure_query` as SQL and parameters, compiled once per process: building and compiling its subqueries
    costs several times what PostgreSQL takes to run it, and the credit check runs it while every order of the
    dealer waits. None when the ids do not come out as parameters (then the query is built each time)."""
    sql, params = _exposure_query(_DEALER, _ORDER if excluding else None).query.sql_with_params()
    if params.count(_DEALER) != 1 or params.count(_ORDER) != (1 if excluding else 0):
        return None
    return sql, params


def exposure(dealer, *, exclude_order=None) -> Decimal:
    """Open invoice balances + the uninvoiced rest of on-account orders: one query (one statement, so both sums
    are read at one moment), which the credit check runs while it holds the dealer's credit account."""
    dealer_pk = getattr(dealer, "pk", dealer)
    exclude_pk = exclude_order.pk if exclude_order is not None else None
    statement = _exposure_statement(exclude_pk is not None)
    if statement is None:
        sums = _exposure_query(dealer_pk, exclude_pk).first()
    else:
        sql, params = statement
        ids = {_DEALER: dealer_pk, _ORDER: exclude_pk}
        with connection.cursor() as cursor:
            cursor.execute(sql, [ids.get(p, p) if type(p) is int else p for p in params])
            sums = cursor.fetchone()
    invoices, uninvoiced = sums if sums is not None else (None, None)
    return quantize((invoices or ZERO) + (uninvoiced or ZERO))


def with_exposure(accounts):
    """Credit accounts annotated with `exposure`, counted as `exposure()` counts it, in the same query: a list of
    accounts shows each one's exposure without asking per row."""
    from orders.models import Order

    money = _MONEY
    owed = (Invoice.objects.filter(dealer=OuterRef("dealer"), status__in=OPEN_STATUSES).order_by()
            .values("dealer").annotate(owed=Sum(F("total_gross") - F("settled"))).values("owed"))
    uninvoiced = (Order.objects.filter(dealer=OuterRef("dealer"), payment_method=PaymentMethod.ON_ACCOUNT,
                                       status__in=COUNTING_STATUSES).order_by()
                  .values("dealer").annotate(total=Sum(_uninvoiced_rest_expression())).values("total"))
    return accounts.annotate(exposure=ExpressionWrapper(
        Coalesce(Subquery(owed, output_field=money), Value(ZERO), output_field=money)
        + Coalesce(Subquery(uninvoiced, output_field=money), Value(ZERO), output_field=money), output_field=money))


def status_of(account, owed) -> CreditStatus:
    """The credit status of `account` when its exposure `owed` is known."""
    return CreditStatus(limit=account.credit_limit, exposure=owed, available=account.credit_limit - owed,
                        currency=account.currency, on_hold=account.on_hold, hold_reason=account.hold_reason,
                        payment_terms_days=account.payment_terms_days)


def credit_status(dealer) -> CreditStatus:
    """Limit, exposure and what is available (a read: a dealer without an account has the defaults)."""
    return status_of(account_of(dealer), exposure(dealer))


# --- the check ----------------------------------------------------------------------------------------------

def check_order_credit(*, order, actor, previous_total) -> None:
    """Refuse, with a message in the dealer's language, an on-account order that would take the dealer past
    its limit or that comes while the account is on hold. Runs inside the order's transaction (orders' hook).
    A new order carries the credit account row its transaction locked first (`locked_credit_account`, set by
    orders' place_order_or_find): taken as it is, not read and locked again while every order of the dealer waits."""
    account = getattr(order, "locked_credit_account", None)
    if account is None or account.dealer_id != order.dealer_id:
        account = lock_account(order.dealer)
    if not account.allows(order.payment_method):
        raise MethodNotAllowed(_("Your company cannot pay by %(method)s; choose another payment method.")
                               % {"method": order.get_payment_method_display()}, field="payment_method")
    if order.payment_method != PaymentMethod.ON_ACCOUNT:
        return
    if account.on_hold:
        _report_refusal(account, order, "hold")
        raise AccountOnHold(_with_alternatives(on_account_problem(account), order.dealer))
    others = exposure(order.dealer, exclude_order=order)
    available = account.credit_limit - others
    if order.total_gross > available:
        _report_refusal(account, order, "limit", available=available)
        if account.credit_limit <= ZERO:
            raise OverCreditLimit(_with_alternatives(on_account_problem(account), order.dealer))
        raise OverCreditLimit(_with_alternatives(
            _("Order total %(total)s exceeds your available credit of %(available)s.") % {
                "total": format_money(order.total_gross, account.currency),
                "available": format_money(max(available, ZERO), account.currency)}, order.dealer))
    _watch_threshold(account, others + order.total_gross)


def _with_alternatives(message: str, dealer) -> str:
    """A refusal of on account that names what the dealer can still do (wire transfer, card)."""
    from orders.services.payment_options import alternatives_text

    return " ".join(part for part in (str(message), alternatives_text(dealer)) if part)


def _finance_addresses(dealer) -> list[str]:
    """Finance staff (settings.FINANCE_NOTIFY_EMAILS) and the dealer's account managers (its sales agents)."""
    addresses = list(getattr(settings, "FINANCE_NOTIFY_EMAILS", []) or [])
    addresses += [email for email in dealer.agents.filter(is_active=True).values_list("email", flat=True) if email]
    return list(dict.fromkeys(addresses))


def _report_refusal(account, order, why, available=None):
    """Finance and the account manager hear of every refusal. The order's transaction is rolled back by the
    refusal, so the mail is written on its own transaction (outbox.notify_independently)."""
    context = {"dealer_name": str(account.dealer), "dealer_code": account.dealer.code or "", "why": why,
               "total": str(order.total_gross), "currency": account.currency,
               "available": str(available if available is not None else ""), "limit": str(account.credit_limit),
               "placed_by": str(order.placed_by)}
    for address in _finance_addresses(account.dealer):
        outbox.notify_independently(to=address, template="payments/credit_refused", context=context)


def _watch_threshold(account, used: Decimal) -> None:
    """Crossing THRESHOLD percent of the limit tells finance and the dealer's owners, once per crossing."""
    threshold = Decimal(getattr(settings, "CREDIT_THRESHOLD_PERCENT", 90))
    above = bool(account.credit_limit) and used * 100 >= account.credit_limit * threshold
    if above == account.threshold_notified:
        return
    account.threshold_notified = above
    account.save(update_fields=["threshold_notified", "updated_at"])
    if not above:
        return
    context = {"dealer_name": str(account.dealer), "used": str(quantize(used)), "limit": str(account.credit_limit),
               "currency": account.currency, "threshold": str(threshold)}
    for address in _finance_addresses(account.dealer):
        outbox.notify(to=address, template="payments/credit_threshold", context=context)
    for user in list_users_who_may(dealer=account.dealer, ability=dealer_permissions.PAY):
        outbox.notify(to=user, template="payments/credit_threshold", context={**context,
                                                                              "first_name": user.first_name})


# --- the account itself (finance staff) --------------------------------------------------------------------

ACCOUNT_FIELDS = ("credit_limit", "currency", "payment_terms_days", "allowed_methods", "on_hold", "hold_reason")
# What staff set on dealers' approve page (the rest keeps the defaults).
APPROVAL_FIELDS = ("credit_limit", "payment_terms_days", "allowed_methods")
# The largest limit the money columns hold (max_digits=14, two decimals).
MAX_CREDIT_LIMIT = Decimal("999999999999.99")
MAX_PAYMENT_TERMS_DAYS = 365


def _credit_limit(value) -> Decimal:
    """A limit typed or sent: an amount from 0 to MAX_CREDIT_LIMIT, else a refusal (never a database error)."""
    refusal = InvalidCreditAccount(_("A credit limit is an amount of zero or more, at most %(max)s.")
                                   % {"max": format_money(MAX_CREDIT_LIMIT, "").strip()}, field="credit_limit")
    if isinstance(value, (float, bool)) or value is None or "\x00" in str(value):
        raise refusal
    try:
        limit = quantize(value)
    except (ValueError, InvalidOperation):
        raise refusal from None
    if not limit.is_finite() or limit < 0 or limit > MAX_CREDIT_LIMIT:
        raise refusal
    return limit


def require_finance(actor) -> None:
    """Only finance staff change credit accounts (payments.permissions.can_change_credit_accounts)."""
    if not can_change_credit_accounts(actor):
        raise NotFinanceStaff(_("Only finance staff may set credit limits, payment terms and payment methods."))


def clean_account_changes(changes: dict) -> dict:
    """The changes of an account checked and cleaned, without writing anything (forms validate with it; the
    update below checks again): a refusal names its field."""
    changes = dict(changes)
    unknown = set(changes) - set(ACCOUNT_FIELDS)
    if unknown:
        raise InvalidCreditAccount(_("Unknown field: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    if "credit_limit" in changes:
        changes["credit_limit"] = _credit_limit(changes["credit_limit"])
    if "payment_terms_days" in changes:
        days = changes["payment_terms_days"]
        if isinstance(days, bool) or not isinstance(days, int) or not 0 <= days <= MAX_PAYMENT_TERMS_DAYS:
            raise InvalidCreditAccount(_("Payment terms are a whole number of days from 0 to %(max)d.")
                                       % {"max": MAX_PAYMENT_TERMS_DAYS}, field="payment_terms_days")
    methods = changes.get("allowed_methods")
    if methods is not None and (not isinstance(methods, list)
                                or any(m not in PaymentMethod.values for m in methods)):
        raise InvalidCreditAccount(_("Give a list of payment methods among on_account, wire and card (empty: all)."),
                                   field="allowed_methods")
    return changes


def update_credit_account(*, actor, account: CreditAccount, changes: dict) -> CreditAccount:
    """Finance staff change an account (admin, API, dealers' approve page); every change is audited with old and
    new values. Finance staff: the permission to change credit accounts (payments.permissions)."""
    require_finance(actor)
    changes = clean_account_changes(changes)
    with transaction.atomic():
        account = CreditAccount.objects.select_for_update().get(pk=account.pk)
        before = {name: _plain(getattr(account, name)) for name in changes}
        for name, value in changes.items():
            setattr(account, name, value)
        if not account.on_hold:
            account.hold_reason = account.hold_reason if "hold_reason" in changes else ""
        account.save()
        after = {name: _plain(getattr(account, name)) for name in changes}
        if before != after:
            audit.record(actor=acting_user(actor)[0], action="credit.account_changed", target=account,
                         dealer=account.dealer, data={"before": before, "after": after})
    return account


def put_on_hold(*, actor, account: CreditAccount, reason: str) -> CreditAccount:
    return update_credit_account(actor=actor, account=account, changes={"on_hold": True, "hold_reason": reason})


def _plain(value):
    return str(value) if isinstance(value, Decimal) else value
