"""A dealer's lifecycle (models.DEALER): applied → approved | rejected; approved ⇄ suspended. One service per move;
each goes through the kernel's DEALER.move() (history row, audit row `dealer.<to>`, the lifecycle's hook points)."""
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
from portal.lifecycle import acting_user

from .. import hooks, permissions
from ..errors import InvalidAgent, ReasonRequired
from ..models import DEALER, SALES_AGENTS_GROUP, Address, Dealer, Segment

# No 0/O, 1/I/L, 5/S, 2/Z, 8/B: a code read over the phone is typed right.
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_LENGTH = 6

S = Dealer.Status

# The staff moves of a dealer, one service each: the status it leads to and, where the lifecycle table allows that
# status from more than one, the one status the service starts from (approval is only from applied, reactivation
# only from suspended: the same target, two services with their own mails). The admin and the API offer a move when
# move_allowed() says so; the service checks it again under its lock.
APPROVE, REJECT, SUSPEND, REACTIVATE = "approve", "reject", "suspend", "reactivate"
MOVES = {
    APPROVE: (S.APPROVED, S.APPLIED),
    REJECT: (S.REJECTED, None),
    SUSPEND: (S.SUSPENDED, None),
    REACTIVATE: (S.APPROVED, S.SUSPENDED),
}


def generate_dealer_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def move_allowed(*, dealer, move) -> bool:
    """Whether the service `move` ("approve", "reject", "suspend", "reactivate") can move `dealer` from its status."""
    to, only_from = MOVES[move]
    return DEALER.allowed(dealer.status, to) and only_from in (None, dealer.status)


def _move(*, dealer, move, actor, note="", ip_address=None, **changes) -> Dealer:
    """Lock the dealer, refuse a move its service does not make from this status (the one error of the lifecycle),
    then move it through the kernel with the other fields the move sets. Returns the locked row."""
    locked = locks.dealer(dealer)  # first in the one lock order (portal/locks.py)
    to, _only_from = MOVES[move]
    if not move_allowed(dealer=locked, move=move):
        raise DEALER.refusal(locked.status, to)
    locked.status_reason = note
    for field, value in changes.items():
        setattr(locked, field, value)
    DEALER.move(locked, to=to, actor=actor, note=note, fields=["status_reason", *changes],
                audit_action=f"dealer.{to}", audit_data={k: str(v) for k, v in changes.items()},
                ip_address=ip_address)
    return locked


def _require_staff(actor, dealer):
    permissions.require(permissions.may_change_status(actor, dealer), _("Only staff may change a dealer's status."))


def _owner_links(owner):
    links = {"login_url": settings.SITE_URL + reverse("account_login")}
    if owner is not None and not owner.has_usable_password():
        uid = urlsafe_base64_encode(force_bytes(owner.pk))
        token = default_token_generator.make_token(owner)
        links["set_password_url"] = settings.SITE_URL + reverse("dealers:invitation", args=[uid, token])
    return links


def _check_agent(agent):
    if agent is not None and not (agent.is_active and agent.is_staff
                                  and agent.groups.filter(name=SALES_AGENTS_GROUP).exists()):
        raise InvalidAgent(_("Choose a sales agent: an active staff user in the “Sales agents” group."), field="agent")


def _addresses_from_application(*, dealer, actor, ip_address=None) -> list[Address]:
    """The addresses typed on the application become the default billing and shipping addresses: the billing
    address, and the delivery address if one was given (else the billing address is both). A kind the dealer
    already has an address of is left alone: nothing is doubled."""
    user, _on_behalf = acting_user(actor)
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
        audit.record(actor=user, action="address.created", target=address, dealer=dealer, ip_address=ip_address,
                     data={"kind": kind, "from": "application", "line1": address.line1, "city": address.city})
        made.append(address)
    return made


def approve_dealer(*, dealer, actor, segment=None, account_manager=None, agent=None, setup=None,
                   ip_address=None) -> Dealer:
    """Approve an applied dealer: a unique dealer code, a segment (the default one unless given), an optional
    account manager and sales agent, the application's address as its default billing and shipping address, and
    what later stages set up (`setup`, hook point `dealers.approved`); the owner is mailed the code and a login link
    in the owner's language. Any refusal leaves the dealer as it was."""
    _require_staff(actor, dealer)
    _check_agent(agent)
    user, _on_behalf = acting_user(actor)
    segment = segment or Segment.objects.filter(is_default=True).first()
    with transaction.atomic():
        for attempt in range(10):
            try:
                # A savepoint per attempt: a code that a concurrent approval took first only retries this step.
                with transaction.atomic():
                    locked = _move(dealer=dealer, move=APPROVE, actor=actor, ip_address=ip_address,
                                   code=generate_dealer_code(), segment=segment,
                                   account_manager=account_manager or dealer.account_manager,
                                   approved_at=timezone.now())
                break
            except IntegrityError as exc:
                if "code" not in str(exc) or attempt == 9:
                    raise
        if agent is not None:
            locked.agents.add(agent)
            audit.record(actor=user, action="dealer.agent_assigned", target=locked, ip_address=ip_address,
                         data={"agent": agent.email})
        _addresses_from_application(dealer=locked, actor=actor, ip_address=ip_address)
        hooks.approved.run(dealer=locked, actor=actor, setup=dict(setup or {}))
        owner = locked.owner()
        if owner is not None:
            outbox.notify(to=owner, template="dealers/dealer_approved", context={
                "dealer_name": locked.legal_name, "dealer_code": locked.code,
                "first_name": owner.first_name, "email": owner.email, **_owner_links(owner)})
    return locked


def reject_dealer(*, dealer, actor, reason, ip_address=None) -> Dealer:
    _require_staff(actor, dealer)
    if not (reason or "").strip():
        raise ReasonRequired(_("Please give the reason for the rejection; the applicant is told."), field="reason")
    with transaction.atomic():
        locked = _move(dealer=dealer, move=REJECT, actor=actor, note=reason.strip(), ip_address=ip_address)
        owner = locked.owner()
        if owner is not None:
            outbox.notify(to=owner, template="dealers/dealer_rejected", context={
                "dealer_name": locked.legal_name, "reason": locked.status_reason, "first_name": owner.first_name})
    return locked


def suspend_dealer(*, dealer, actor, reason="", ip_address=None) -> Dealer:
    _require_staff(actor, dealer)
    with transaction.atomic():
        locked = _move(dealer=dealer, move=SUSPEND, actor=actor, note=(reason or "").strip(), ip_address=ip_address)
        owner = locked.owner()
        if owner is not None:
            outbox.notify(to=owner, template="dealers/dealer_suspended", context={
                "dealer_name": locked.legal_name, "reason": locked.status_reason, "first_name": owner.first_name})
    return locked


def reactivate_dealer(*, dealer, actor, ip_address=None) -> Dealer:
    _require_staff(actor, dealer)
    with transaction.atomic():
        locked = _move(dealer=dealer, move=REACTIVATE, actor=actor, ip_address=ip_address)
        owner = locked.owner()
        if owner is not None:
            outbox.notify(to=owner, template="dealers/dealer_reactivated", context={
                "dealer_name": locked.legal_name, "dealer_code": locked.code, "first_name": owner.first_name,
                **_owner_links(owner)})
    return locked
