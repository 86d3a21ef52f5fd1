"""A dealer's lifecycle: applied → approved | rejected; approved ⇄ suspended. One service per move."""
import secrets

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from portal import audit, outbox

from ..errors import InvalidTransition, NotAllowed
from ..models import Dealer, DealerStatusChange, Segment

# No 0/O, 1/I/L, 5/S, 2/Z, 8/B: a code read over the phone is typed right.
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_LENGTH = 6


def generate_dealer_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def _move(*, dealer, to, by, note="", ip_address=None, only_from=None, **changes) -> Dealer:
    """Lock the dealer, check the transitions table, apply the change, write history and audit. Returns the locked row.

    `only_from` narrows the table for a service that is one particular move (approval is only from applied).
    """
    locked = Dealer.objects.select_for_update().get(pk=dealer.pk)
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


# fn(*, dealer, by) inside the approval's transaction: later stages set a new dealer up (payments: its credit account).
_approved_listeners = []


def on_dealer_approved(fn):
    if fn not in _approved_listeners:
        _approved_listeners.append(fn)
    return fn


def approve_dealer(*, dealer, by, segment=None, account_manager=None, ip_address=None) -> Dealer:
    """Approve an applied dealer: a unique dealer code, a segment (the default one unless given), an optional
    account manager; the owner is mailed the code and a login link in the owner's language."""
    _require_staff(by)
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
        for listener in list(_approved_listeners):
            listener(dealer=locked, by=by)
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
