"""Who may do what: the roles table of design.md, for dealer users and for agents acting for a dealer, and the
(actor, object) questions of dealers. Services, views, forms, the API and the admin ask these; no rule is re-derived
elsewhere. `actor` is a portal.actors.Actor (a dealer's user, an agent acting for a dealer) or a staff User."""
from django.utils.translation import gettext as _

from portal.actors import Actor

from .errors import NotAllowed
from .models import Role

# Abilities, in the trade's words. Later stages check the same table.
BROWSE = "browse"            # catalog and prices
CART = "cart"                # cart and quote requests
ORDER = "order"              # place orders (buyers up to their limit)
APPROVE_ORDERS = "approve_orders"
PAY = "pay"                  # invoices, statements, payments
CHANGE_ORDERS = "change_orders"
CHANGE_OWN_ORDERS = "change_own_orders"
MANAGE_COMPANY = "manage_company"  # company profile and users
MANAGE_ADDRESSES = "manage_addresses"

ROLE_ABILITIES = {
    Role.OWNER: {BROWSE, CART, ORDER, APPROVE_ORDERS, PAY, CHANGE_ORDERS, CHANGE_OWN_ORDERS, MANAGE_COMPANY,
                 MANAGE_ADDRESSES},
    Role.BUYER: {BROWSE, CART, ORDER, CHANGE_OWN_ORDERS},
    Role.APPROVER: {BROWSE, CART, ORDER, APPROVE_ORDERS, CHANGE_ORDERS, CHANGE_OWN_ORDERS},
    Role.FINANCE: {BROWSE, PAY},
    Role.VIEWER: {BROWSE},
}
# A sales agent acting for an assigned dealer: quotes, orders, carts, addresses (to check out for the
# dealer); sees invoices. Never the dealer's users.
AGENT_ABILITIES = {BROWSE, CART, ORDER, CHANGE_ORDERS, CHANGE_OWN_ORDERS, PAY, MANAGE_ADDRESSES}


def abilities(actor: Actor) -> set:
    if actor is None or actor.dealer is None:
        return set()
    if actor.on_behalf:
        return AGENT_ABILITIES
    if not actor.user.is_active or actor.user.dealer_id != actor.dealer.pk:
        return set()
    return ROLE_ABILITIES.get(actor.user.role, set())


def can(actor: Actor, ability: str) -> bool:
    """May this actor do this for its dealer? Only approved dealers do anything beyond their status page."""
    return actor is not None and actor.dealer is not None and actor.dealer.is_approved and ability in abilities(actor)


def can_manage_users(actor: Actor) -> bool:
    return not actor.on_behalf and can(actor, MANAGE_COMPANY)


def require(allowed: bool, message=None) -> None:
    """Raise NotAllowed (403 `dealers.not_allowed`) unless `allowed`."""
    if not allowed:
        raise NotAllowed(message or _("Your role does not allow this."))


def is_staff(actor) -> bool:
    """Staff acting as staff: a staff User, or an Actor whose user is staff and does not act for a dealer."""
    if actor is None or getattr(actor, "on_behalf", False):
        return False
    user = getattr(actor, "user", actor)
    return bool(getattr(user, "is_staff", False) and getattr(user, "is_active", True))


def _own(actor, dealer_id) -> bool:
    dealer = getattr(actor, "dealer", None)
    return dealer is not None and dealer.pk == dealer_id


def may_change_status(actor, dealer) -> bool:
    """Approve, reject, suspend, reactivate a dealer: staff only."""
    return is_staff(actor)


def may_edit_dealer(actor, dealer) -> bool:
    """Staff edit a dealer's data, segment, account manager and agents (the admin's dealer page)."""
    return is_staff(actor)


def may_edit_company(actor, dealer) -> bool:
    """The company profile of `dealer`: its owner (not an agent acting for it), or staff."""
    return is_staff(actor) or (not actor.on_behalf and _own(actor, dealer.pk) and can(actor, MANAGE_COMPANY))


def may_edit_staff_fields(actor, dealer) -> bool:
    """Legal name, tax office, tax number and the delivery address of the application: staff only."""
    return is_staff(actor)


def may_change_address(actor, address) -> bool:
    """Create (address=None), change or delete an address of the actor's dealer."""
    return can(actor, MANAGE_ADDRESSES) and (address is None or _own(actor, address.dealer_id))


def may_change_user(actor, user) -> bool:
    """Change a dealer user's role, limit or active flag: the dealer's owner, or staff."""
    return (is_staff(actor) or can_manage_users(actor)) and _own(actor, user.dealer_id)


def may_publish_terms(actor, terms) -> bool:
    return is_staff(actor)


def can_act_for(user, dealer) -> bool:
    """Sales agents act only for the dealers assigned to them."""
    return bool(user.is_staff and dealer.agents.filter(pk=user.pk).exists())


def dealers_visible_to(user, queryset):
    """The dealers a staff user reaches through the integration API: a sales agent only those assigned to it (even
    holding a permission that reaches dealers), other staff every dealer their permission covers."""
    if getattr(user, "is_superuser", False) or not getattr(user, "is_sales_agent", False):
        return queryset
    return queryset.filter(agents=user)


DEALER_DOCUMENT = "dealers.document"  # the download kind of an application document (portal.documents)


def actor_for(user, dealer) -> Actor | None:
    """The actor `user` is for `dealer` when it asks for one of the dealer's files: the dealer's own user, or a
    sales agent assigned to the dealer (acting on its behalf); None for anyone else."""
    if dealer is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if getattr(user, "dealer_id", None) == dealer.pk:
        return Actor(user=user, dealer=dealer)
    if user.is_staff and can_act_for(user, dealer):
        return Actor(user=user, dealer=dealer, on_behalf=True)
    return None


def can_read_dealer_document(user, document) -> bool:
    """An application document (tax certificate, signature circular): staff who may view dealers, the dealer's
    assigned sales agents, and the dealer's own owners."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_staff:
        return user.has_perm("dealers.view_dealer") or can_act_for(user, document.dealer)
    return user.dealer_id == document.dealer_id and user.role == Role.OWNER
