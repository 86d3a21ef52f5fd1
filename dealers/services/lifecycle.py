"""A dealer's lifecycle: applied → approved | rejected; approved ⇄ suspended. One service per move."""
import secrets

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from portal import audit, locks, outbox

from ..errors import InvalidTransition, NotAllowed
from ..models import SALES_AGENTS_GROUP, Address, Dealer, DealerStatusChange, Segment

# No 0/O, 1/I/L, 5/S, 2/Z, 8/B: a code read over the phone is typed right.
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_LENGTH = 6


def generate_dealer_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def _move(*, dealer, to, by, note="", ip_address=None, only_from=None, **changes) -> Dealer:
    """Lock the dealer, check the transitions table, apply the change, write history and audit. Returns the locked row.

    `only_from` narrows the table for a service that is one particular move (approval is only from applied).
    """
    locked = locks.dealer(dealer)  # first in the one lock order (portal/locks.py)
    current = Dealer.Status(locked.status)
    if to not in Dealer.TRANSITIONS[current] or (only_from and current != only_from):
        raise InvalidTransition(
            _("A dealer that is %(current)s cannot become %(target)s.")
            % {"current": locked.get_status_display(), "target": Dealer.Status(to).label}
        )
    previous = locked.status
    locked.status = to
    locked.status_reason = note
    for field, value in changes.items():
        setattr(locked, field, value)
    locked.save()
    DealerStatusChange.objects.create(dealer=locked, from_status=previous, to_status=to, by=by, note=note)
    audit.record(actor=by, action=f"dealer.{to}", target=locked, ip_address=ip_address,
                 data={"from": previous, "to": to, "note": note, **{k: str(v) for k, v in changes.items()}})
    return locked


def _require_staff(by):
    if by is None or not by.is_staff:
        raise NotAllowed(_("Only staff may change a dealer's status."))


def _owner_links(owner):
    links = {"login_url": settings.SITE_URL + reverse("account_login")}
    if owner is not None and not owner.has_usable_password():
        uid = urlsafe_base64_encode(force_bytes(owner.pk))
        token = default_token_generator.make_token(owner)
        links["set_password_url"] = settings.SITE_URL + reverse("dealers:invitation", args=[uid, token])
    return links


# fn(*, dealer, by, setup) inside the approval's transaction: later stages set a new dealer up (payments: its credit
# account). `setup` holds what staff chose for them on the approve page (payments: credit_limit, payment_terms_days,
# allowed_methods); each takes its own keys. A DomainError refuses the approval: nothing of it is kept.
_approved_listeners = []


def on_dealer_approved(fn):
    if fn not in _approved_listeners:
        _approved_listeners.append(fn)
    return fn


def _check_agent(agent):
    if agent is not None and not (agent.is_active and agent.is_staff
                                  and agent.groups.filter(name=SALES_AGENTS_GROUP).exists()):
        raise NotAllowed(_("Choose a sales agent: an active staff user in the “Sales agents” group."), field="agent",
                         conflict=False)


def _addresses_from_application(*, dealer, by, ip_address=None) -> list[Address]:
    """The addresses typed on the application become the default billing and shipping addresses: the billing
    address, and the delivery address if one was given (else the billing address is both). A kind the dealer
    already has an address of is left alone: nothing is doubled."""
    owner = dealer.owner()
    with translation.override(owner.language if owner is not None else None):
        head_office, delivery = _("Head office"), _("Delivery address")
    billing = (head_office, dealer.address_line, dealer.city, dealer.postal_code)
    shipping = (delivery, dealer.shipping_address_line, dealer.shipping_city, dealer.shipping_postal_code)
    if not (shipping[1].strip() and shipping[2].strip()):
        shipping = billing
    made = []
    for kind, (label, line1, city, postal_code) in ((Address.Kind.BILLING, billing), (Address.Kind.SHIPPING, shipping)):
        if not (line1.strip() and city.strip()) or Address.objects.filter(dealer=dealer, kind=kind).exists():
            continue
        address = Address.objects.create(
            dealer=dealer, kind=kind, label=label, is_default=True,
            contact_name=owner.get_full_name() if owner is not None else "", phone=dealer.phone,
            line1=line1, city=city, postal_code=postal_code, country=dealer.country)
        audit.record(actor=by, action="address.created", target=address, dealer=dealer, ip_address=ip_address,
                     data={"kind": kind, "from": "application", "line1": address.line1, "city": address.city})
        made.append(address)
    return made


def approve_dealer(*, dealer, by, segment=None, account_manager=None, agent=None, setup=None,
                   ip_address=None) -> Dealer:
    """Approve an applied dealer: a unique dealer code, a segment (the default one unless given), an optional
    account manager and sales agent, the application's address as its default billing and shipping address, and
    what later stages set up (`setup`, see on_dealer_approved); the owner is mailed the code and a login link in
    the owner's language. Any refusal leaves the dealer as it was."""
    _require_staff(by)
    _check_agent(agent)
    segment = segment or Segment.objects.filter(is_default=True).first()
    with transaction.atomic():
        for attempt in range(10):
            try:
                # A savepoint per attempt: a code that a concurrent approval took first only retries this step.
                with transaction.atomic():
                    locked = _move(dealer=dealer, to=Dealer.Status.APPROVED, by=by, ip_address=ip_address,
                                   only_from=Dealer.Status.APPLIED, code=generate_dealer_code(), segment=segment,
                                   account_manager=account_manager or dealer.account_manager,
                                   approved_at=timezone.now())
                break
            except IntegrityError as exc:
                if "code" not in str(exc) or attempt == 9:
                    raise
        if agent is not None:
            locked.agents.add(agent)
            audit.record(actor=by, action="dealer.agent_assigned", target=locked, ip_address=ip_address,
                         data={"agent": agent.email})
        _addresses_from_application(dealer=locked, by=by, ip_address=ip_address)
        for listener in list(_approved_listeners):
            listener(dealer=locked, by=by, setup=dict(setup or {}))
        owner = locked.owner()
        if owner is not None:
            outbox.notify(to=owner, template="dealers/dealer_approved", context={
                "dealer_name": locked.legal_name, "dealer_code": locked.code,
                "first_name": owner.first_name, "email": owner.email, **_owner_links(owner)})
    return locked


def reject_dealer(*, dealer, by, reason, ip_address=None) -> Dealer:
    _require_staff(by)
    if not (reason or "").strip():
        raise InvalidTransition(_("Please give the reason for the rejection; the applicant is told."), conflict=False,
                                field="reason")
    with transaction.atomic():
        locked = _move(dealer=dealer, to=Dealer.Status.REJECTED, by=by, note=reason.strip(), ip_address=ip_address)
        owner = locked.owner()
        if owner is not None:
            outbox.notify(to=owner, template="dealers/dealer_rejected", context={
                "dealer_name": locked.legal_name, "reason": locked.status_reason, "first_name": owner.first_name})
    return locked


def suspend_dealer(*, dealer, by, reason="", ip_address=None) -> Dealer:
    _require_staff(by)
    with transaction.atomic():
        locked = _move(dealer=dealer, to=Dealer.Status.SUSPENDED, by=by, note=(reason or "").strip(),
                       ip_address=ip_address)
        owner = locked.owner()
        if owner is not None:
            outbox.notify(to=owner, template="dealers/dealer_suspended", context={
                "dealer_name": locked.legal_name, "reason": locked.status_reason, "first_name": owner.first_name})
    return locked


def reactivate_dealer(*, dealer, by, ip_address=None) -> Dealer:
    _require_staff(by)
    with transaction.atomic():
        locked = _move(dealer=dealer, to=Dealer.Status.APPROVED, by=by, ip_address=ip_address,
                       only_from=Dealer.Status.SUSPENDED)
        owner = locked.owner()
        if owner is not None:
            outbox.notify(to=owner, template="dealers/dealer_reactivated", context={
                "dealer_name": locked.legal_name, "dealer_code": locked.code, "first_name": owner.first_name,
                **_owner_links(owner)})
    return locked
