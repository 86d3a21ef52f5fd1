"""Hooks later stages register with orders (orders must not import them): payments checks credit before an order
commits to an amount and issues invoices when an order moves."""

# fn(*, order, actor, previous_total) inside the order's transaction, when `order` (already saved with its new
# total and status) starts to count or counts more: placed at checkout/API/quote, approved, changed upwards.
# It may raise a DomainError to refuse; everything rolls back.
_order_commitment_checks = []
# fn(*, order, previous, by) inside the status move's transaction, after the move is saved.
_status_listeners = []
# fn(*, order, to_status) before a staff move of a placed order; may raise a DomainError to refuse the move
# (payments: an order paid by wire transfer waits for its money before it is confirmed).
_status_guards = []
# fn(dealer) -> a set of payment method codes the dealer may use, or None for all (payments: the credit account).
_payment_method_filters = []
# fn(dealer) -> {method code: why it cannot be used now} (payments: on account with no credit limit, or on hold);
# checkout shows such a method disabled with the reason instead of refusing it at the last click.
_payment_method_explainers = []


def on_order_commitment(fn):
    if fn not in _order_commitment_checks:
        _order_commitment_checks.append(fn)
    return fn


def on_status_changed(fn):
    if fn not in _status_listeners:
        _status_listeners.append(fn)
    return fn


def guard_status(fn):
    if fn not in _status_guards:
        _status_guards.append(fn)
    return fn


def filter_payment_methods(fn):
    if fn not in _payment_method_filters:
        _payment_method_filters.append(fn)
    return fn


def explain_payment_methods(fn):
    if fn not in _payment_method_explainers:
        _payment_method_explainers.append(fn)
    return fn


def unavailable_payment_methods(dealer) -> dict:
    reasons = {}
    for fn in list(_payment_method_explainers):
        for method, reason in (fn(dealer) or {}).items():
            reasons.setdefault(method, reason)
    return reasons


def allowed_payment_methods(dealer) -> set | None:
    allowed = None
    for fn in list(_payment_method_filters):
        methods = fn(dealer)
        if methods is not None:
            allowed = set(methods) if allowed is None else allowed & set(methods)
    return allowed


def check_status_move(*, order, to_status):
    for fn in list(_status_guards):
        fn(order=order, to_status=to_status)


def order_commits(*, order, actor, previous_total):
    for fn in list(_order_commitment_checks):
        fn(order=order, actor=actor, previous_total=previous_total)


def status_changed(*, order, previous, by):
    for fn in list(_status_listeners):
        fn(order=order, previous=previous, by=by)
