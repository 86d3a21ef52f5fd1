"""Who may do what in pricing: `(actor, object)` questions answered once. Views decide what to show with the `can_…` /
`may_…` functions, the API and the admin ask the same ones, and the services call the `require_…` functions, which
raise pricing's errors (pricing/errors.py)."""
from django.utils import timezone
from django.utils.translation import gettext as _

from dealers import permissions as dealer_permissions
from portal.actors import Actor

from .errors import DealerNotApproved, NoDealer, PriceAsNotAllowed, QuoteNotAllowed


def _user(actor):
    return getattr(actor, "user", actor)


def _acting_for(actor):
    """The dealer an Actor acts for (None for a staff User: a User's own `dealer` field is not an act for it)."""
    return actor.dealer if isinstance(actor, Actor) else None


def can_see_quotes(actor) -> bool:
    """The dealer's quotes (list, detail, PDFs): roles that may ask for quotes or order, and agents acting for it."""
    return dealer_permissions.can(actor, dealer_permissions.CART) or dealer_permissions.can(
        actor, dealer_permissions.ORDER)


def can_read_quote_revision(user, revision) -> bool:
    """A revision's PDF: whoever may read its quote."""
    return can_read_quote(user, revision.quote)


def can_read_quote(user, quote) -> bool:
    """A quote (its pages and its revisions' PDFs): the dealer's roles that see quotes, sales agents assigned to the
    dealer, and staff who may edit or view quotes."""
    actor = dealer_permissions.actor_for(user, quote.dealer)
    if actor is not None and can_see_quotes(actor):
        return True
    return bool(can_edit_quotes_of(user, quote.dealer)
                or (getattr(user, "is_staff", False) and user.is_active and user.has_perm("pricing.view_quote")))


def can_request_quote(actor) -> bool:
    """Ask for a quote: roles with CART (owner, buyer, approver) and agents acting for an approved dealer."""
    return dealer_permissions.can(actor, dealer_permissions.CART)


def can_decide_quote(actor) -> bool:
    """Accept (→ an order) or reject a sent quote: roles that may order, and agents acting for the dealer."""
    return dealer_permissions.can(actor, dealer_permissions.ORDER)


def _decides_for(actor, quote) -> bool:
    return (can_decide_quote(actor) and getattr(actor, "dealer", None) is not None
            and actor.dealer.pk == quote.dealer_id)


def may_accept_quote(actor, quote, *, today=None) -> bool:
    """Accept this quote now: a role that may order (or an agent acting for the dealer) of the quote's dealer, and the
    quote sent and still valid (valid_until ≥ today)."""
    return _decides_for(actor, quote) and quote.is_acceptable_on(today or timezone.localdate())


def may_reject_quote(actor, quote) -> bool:
    """Reject this quote now: a role that may order (or an agent acting for the dealer) of the quote's dealer, and the
    quote sent (also when its validity ended but the nightly job has not marked it expired yet)."""
    from .models import QuoteStatus

    return _decides_for(actor, quote) and quote.status == QuoteStatus.SENT


def can_edit_quotes(user) -> bool:
    """Staff who edit and send quotes at all: admins, and sales agents (for their assigned dealers only)."""
    user = _user(user)
    if not getattr(user, "is_authenticated", False) or not user.is_staff or not user.is_active:
        return False
    return user.is_superuser or user.is_sales_agent or user.has_perm("pricing.change_quote")


def can_edit_quotes_of(user, dealer) -> bool:
    """Edit and send this dealer's quotes: admins (superuser, or the change-quote permission) any dealer's; sales
    agents only those of the dealers assigned to them (dealers.permissions.can_act_for)."""
    user = _user(user)
    if not can_edit_quotes(user):
        return False
    if user.is_superuser:
        return True
    if user.is_sales_agent:
        return dealer_permissions.can_act_for(user, dealer)
    return user.has_perm("pricing.change_quote")


def can_price_as(actor, dealer) -> bool:
    """See a dealer's own prices as that dealer (the admin's "Price as dealer" page, the price calculator's
    `dealer_code`): staff acting for nobody who may view price lists (any dealer), and sales agents for the dealers
    assigned to them. Someone acting for a dealer prices as that dealer only."""
    user = _user(actor)
    if _acting_for(actor) is not None or dealer is None:
        return False
    if not getattr(user, "is_authenticated", False) or not user.is_staff or not user.is_active:
        return False
    return (user.has_perm("pricing.view_pricelist") or user.has_perm("pricing.change_pricelist")
            or dealer_permissions.can_act_for(user, dealer))


# --- the services' checks ---------------------------------------------------------------------------------------

def require_price_as(actor, dealer) -> None:
    """PriceAsNotAllowed unless can_price_as. A dealer this user may not price as is as unknown as one that does not
    exist (`dealer` None): the message does not tell them apart."""
    if can_price_as(actor, dealer):
        return
    user = _user(actor)
    if not getattr(user, "is_staff", False) or _acting_for(actor) is not None:
        raise PriceAsNotAllowed(_("Only staff may price as another dealer."), field="dealer_code")
    raise PriceAsNotAllowed(_("No dealer has this code."), field="dealer_code")


def require_dealer_ability(actor, allowed) -> None:
    """The actor acts for an approved dealer and `allowed(actor)` (can_request_quote, can_decide_quote)."""
    if actor is None or getattr(actor, "dealer", None) is None:
        raise NoDealer(_("Choose a dealer to act for first."))
    if not actor.dealer.is_approved:
        raise DealerNotApproved(_("Your company is not approved; it cannot ask for quotes or order yet."))
    if not allowed(actor):
        raise QuoteNotAllowed(_("Your role does not allow this."))


def require_decider(actor, quote) -> None:
    """The actor may accept or reject quotes of the quote's dealer (the quote's state is the lifecycle's to check)."""
    require_dealer_ability(actor, can_decide_quote)
    if quote.dealer_id != actor.dealer.pk:
        raise QuoteNotAllowed(_("This quote is not one of yours."))


def require_editor(actor, dealer) -> None:
    """Staff, or a sales agent assigned to `dealer`, may prepare and send its quotes."""
    if not can_edit_quotes_of(actor, dealer):
        raise QuoteNotAllowed(_("Only staff, or a sales agent assigned to this dealer, may prepare its quotes."))
