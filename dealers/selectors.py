"""Reads of dealers shared by pages and API; every dealer-side read is scoped to the actor's dealer. Keyword-only."""
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404

from portal.actors import Actor

from .models import Address, Dealer, DealerDocument, User


def actor_for(*, user, session) -> Actor:
    """Who acts for which dealer, from the signed-in user and (for agents) the dealer chosen in the session."""
    if not user.is_authenticated:
        return Actor(user=user)
    if user.dealer_id is not None:
        return Actor(user=user, dealer=user.dealer)
    dealer_id = session.get(ACTING_SESSION_KEY) if session is not None else None
    if user.is_staff and dealer_id:
        dealer = Dealer.objects.filter(pk=dealer_id, agents=user).select_related("segment").first()
        if dealer is not None:
            return Actor(user=user, dealer=dealer, on_behalf=True)
        session.pop(ACTING_SESSION_KEY, None)  # unassigned meanwhile: stop acting
    return Actor(user=user)


ACTING_SESSION_KEY = "acting_dealer_id"


def list_addresses(*, actor: Actor, kind=None):
    qs = Address.objects.filter(dealer=actor.dealer)
    return qs.filter(kind=kind) if kind else qs


def get_address(*, actor: Actor, pk) -> Address:
    return get_object_or_404(Address, pk=pk, dealer=actor.dealer)


def list_users(*, actor: Actor):
    return User.objects.filter(dealer=actor.dealer).order_by("-is_active", "role", "email")


def get_user(*, actor: Actor, pk) -> User:
    return get_object_or_404(User, pk=pk, dealer=actor.dealer)


def list_agent_dealers(*, agent, search=""):
    qs = Dealer.objects.assigned_to(agent).select_related("segment").order_by("legal_name")
    if search:
        from django.db.models import Q

        qs = qs.filter(Q(legal_name__icontains=search) | Q(trade_name__icontains=search) | Q(code__iexact=search))
    return qs


def list_dealers(*, status=None, segment=None, search=None):
    """Staff and integrations: every dealer, filterable."""
    from django.db.models import Q

    qs = Dealer.objects.select_related("segment", "account_manager").prefetch_related(
        Prefetch("users", queryset=User.objects.filter(role="owner"), to_attr="owners"))
    if status:
        qs = qs.filter(status=status)
    if segment:
        qs = qs.filter(segment__code=segment)
    if search:
        qs = qs.filter(Q(legal_name__icontains=search) | Q(trade_name__icontains=search) | Q(tax_number=search)
                       | Q(code__iexact=search) | Q(email__iexact=search))
    return qs.order_by("-created_at")


def get_dealer_document(*, token) -> DealerDocument:
    """An application document by the signed id of its download URL (404 for a forged one); who may read it is
    permissions.can_read_dealer_document's to say."""
    from portal.documents import unsign_id

    from .permissions import DEALER_DOCUMENT

    pk = unsign_id(DEALER_DOCUMENT, token)
    if pk is None or not pk.isdigit():
        raise Http404
    return get_object_or_404(DealerDocument.objects.select_related("dealer", "doc_type"), pk=int(pk))


def dealer_document_url(*, document) -> str:
    from django.urls import reverse

    from portal.documents import sign_id

    from .permissions import DEALER_DOCUMENT

    return reverse("dealers:document", args=[sign_id(DEALER_DOCUMENT, document.pk)])


def list_users_who_may(*, dealer, ability) -> list[User]:
    """The dealer's active users whose role has `ability` (permissions.py's roles table): who is mailed about
    approvals (APPROVE_ORDERS), invoices and credit (PAY)."""
    from .permissions import ROLE_ABILITIES

    roles = [role for role, abilities in ROLE_ABILITIES.items() if ability in abilities]
    return list(User.objects.filter(dealer=dealer, is_active=True, role__in=roles).order_by("pk"))
