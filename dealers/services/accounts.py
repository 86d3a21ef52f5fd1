"""A dealer's own account: company profile, addresses, users and invitations, terms acceptance."""
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from portal import audit, locks, outbox
from portal.actors import Actor

from .. import permissions
from ..errors import DuplicateEmail, InvalidPassword, InvalidUserSettings, LastOwner, NotAllowed
from ..models import Address, Dealer, Role, TermsAcceptance, TermsVersion, User

# What the owner may change on the company; legal name and tax number are for staff only.
OWNER_EDITABLE_FIELDS = ["trade_name", "phone", "email", "website", "address_line", "city", "postal_code",
                         "sector", "employees", "annual_revenue"]
STAFF_ONLY_FIELDS = ["legal_name", "tax_number", "tax_office", "shipping_address_line", "shipping_city",
                     "shipping_postal_code"]


def update_company_profile(*, actor: Actor, changes: dict, ip_address=None) -> Dealer:
    """The owner edits contact fields; staff may also change legal name, tax office and tax number."""
    permissions.require(permissions.may_edit_company(actor, actor.dealer))
    staff = permissions.may_edit_staff_fields(actor, actor.dealer)
    allowed = set(OWNER_EDITABLE_FIELDS) | (set(STAFF_ONLY_FIELDS) if staff else set())
    refused = set(changes) - allowed
    if refused:
        raise NotAllowed(_("Only staff may change: %(fields)s.") % {"fields": ", ".join(sorted(refused))},
                         field=sorted(refused)[0])
    with transaction.atomic():
        dealer = locks.dealer(actor.dealer)
        before = {k: getattr(dealer, k) for k in changes}
        for field, value in changes.items():
            setattr(dealer, field, value)
        dealer.save(update_fields=list(changes) or None)
        audit.record(actor=actor.user, action="dealer.profile_changed", target=dealer, ip_address=ip_address,
                     data=actor.audit_data(before=before, after=changes))
    return dealer


@locks.retry_when_busy
def save_address(*, actor: Actor, data: dict, address: Address | None = None) -> Address:
    """Create or change an address of the actor's dealer; making it default unsets the previous default."""
    permissions.require(permissions.may_change_address(actor, address))
    with transaction.atomic():
        # Lock the dealer so two default changes at once cannot both win (the lock order: dealer → users → addresses).
        locks.dealer(actor.dealer)
        address = address or Address(dealer=actor.dealer)
        for field, value in data.items():
            setattr(address, field, value)
        siblings = Address.objects.filter(dealer=actor.dealer, kind=address.kind).exclude(pk=address.pk)
        if not siblings.filter(is_default=True).exists():
            address.is_default = True  # the first address of a kind is the default
        if address.is_default:
            siblings.filter(is_default=True).update(is_default=False)
        created = address.pk is None
        address.save()
        audit.record(actor=actor.user, action="address.created" if created else "address.changed", target=address,
                     dealer=actor.dealer, data=actor.audit_data(**{k: str(v) for k, v in data.items()}))
    return address


@locks.retry_when_busy
def delete_address(*, actor: Actor, address: Address) -> None:
    permissions.require(permissions.may_change_address(actor, address))
    with transaction.atomic():
        locks.dealer(actor.dealer)
        was_default, kind = address.is_default, address.kind
        audit.record(actor=actor.user, action="address.deleted", target=address, dealer=actor.dealer,
                     data=actor.audit_data(label=address.label))
        address.delete()
        if was_default:
            successor = Address.objects.filter(dealer=actor.dealer, kind=kind).order_by("pk").first()
            if successor:
                successor.is_default = True
                successor.save(update_fields=["is_default"])


def _check_phone(phone) -> str:
    """A user's phone stripped, or InvalidUserSettings (WhatsApp finds the user by it: dealers.phones)."""
    from .. import phones

    phone = str(phone or "").strip()
    if phone and not phones.to_e164(phone):
        raise InvalidUserSettings(phones.phone_refusal(), field="phone")
    return phone


def _check_role(role, order_limit):
    if role not in Role.values:
        raise InvalidUserSettings(_("Unknown role."), field="role")
    if order_limit is not None and Decimal(order_limit) < 0:
        raise InvalidUserSettings(_("The order limit cannot be negative."), field="order_limit")


def invitation_url(user) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return settings.SITE_URL + reverse("dealers:invitation", args=[uid, default_token_generator.make_token(user)])


def invite_user(*, actor: Actor, email, first_name, last_name, role, order_limit=None, language=None,
                phone="") -> User:
    """The owner invites a colleague: a user without a password and a mail with a link to set one."""
    permissions.require(permissions.can_manage_users(actor))
    _check_role(role, order_limit)
    phone = _check_phone(phone)
    email = email.strip().lower()
    try:
        with transaction.atomic():
            user = User(email=email, first_name=first_name, last_name=last_name, dealer=actor.dealer, role=role,
                        phone=phone,
                        order_limit=order_limit if role == Role.BUYER else None,
                        language=language or actor.user.language, invited_by=actor.user, invited_at=timezone.now())
            user.set_unusable_password()
            user.save()
            audit.record(actor=actor.user, action="user.invited", target=user, dealer=actor.dealer,
                         data={"email": email, "role": role, "order_limit": str(order_limit) if order_limit else None})
            outbox.notify(to=user, template="dealers/user_invited", context={
                "dealer_name": actor.dealer.legal_name, "dealer_code": actor.dealer.code,
                "inviter": actor.user.get_full_name() or actor.user.email, "first_name": first_name,
                "role": role, "invitation_url": invitation_url(user)})
    except IntegrityError as exc:
        raise DuplicateEmail(_("A user with this e-mail address already exists."), field="email") from exc
    return user


@locks.retry_when_busy
def change_user(*, actor: Actor, user: User, role=None, order_limit=None, is_active=None,
                clear_order_limit=False, phone=None) -> User:
    """The owner (or staff) changes a dealer user's role, order limit or phone, or deactivates it; the last active
    owner stays."""
    permissions.require(permissions.may_change_user(actor, user))
    if role is not None or order_limit is not None:
        _check_role(role or user.role, order_limit)
    if phone is not None:
        phone = _check_phone(phone)
    with transaction.atomic():
        # The lock order (portal/locks.py): the dealer first, as the address paths do, then its user rows.
        locks.dealer(actor.dealer)
        # Lock every owner of the dealer so two owners cannot demote each other at the same moment.
        owners = list(User.objects.select_for_update(no_key=True)
                      .filter(dealer=actor.dealer, role=Role.OWNER, is_active=True).order_by("pk"))
        target = locks.user(user)
        before = {"role": target.role, "order_limit": str(target.order_limit), "is_active": target.is_active,
                  "phone": target.phone}
        if role is not None:
            target.role = role
        if order_limit is not None or clear_order_limit:
            target.order_limit = order_limit
        if target.role != Role.BUYER:
            target.order_limit = None
        if is_active is not None:
            target.is_active = is_active
        if phone is not None:
            target.phone = phone
        check_keeps_an_owner(user=target, role=target.role, is_active=target.is_active, owners=owners)
        target.save(update_fields=["role", "order_limit", "is_active", "phone"])
        audit.record(actor=actor.user, action="user.changed", target=target, dealer=actor.dealer,
                     data={"before": before, "after": {"role": target.role, "order_limit": str(target.order_limit),
                                                       "is_active": target.is_active, "phone": target.phone}})
    return target


# Fields of a dealer that staff edit in the admin; status moves have their own services in lifecycle.py.
STAFF_DEALER_FIELDS = [*STAFF_ONLY_FIELDS, *OWNER_EDITABLE_FIELDS, "country", "segment", "account_manager",
                       "is_key_account"]


def staff_update_dealer(*, dealer, actor, changes: dict, agents=None, ip_address=None) -> Dealer:
    """Staff edit a dealer's data, segment, account manager or agents; each edit leaves an audit row."""
    permissions.require(permissions.may_edit_dealer(actor, dealer))
    refused = set(changes) - set(STAFF_DEALER_FIELDS)
    if refused:
        raise NotAllowed(_("Only staff may change: %(fields)s.") % {"fields": ", ".join(sorted(refused))})
    with transaction.atomic():
        locked = locks.dealer(dealer)
        before = {k: str(getattr(locked, k)) for k in changes}
        for field, value in changes.items():
            setattr(locked, field, value)
        locked.save()
        data = {"before": before, "after": {k: str(v) for k, v in changes.items()}}
        if agents is not None:
            previous = sorted(locked.agents.values_list("email", flat=True))
            locked.agents.set(agents)
            data["agents"] = {"before": previous, "after": sorted(a.email for a in agents)}
        if changes or agents is not None:
            audit.record(actor=actor, action="dealer.changed_by_staff", target=locked, ip_address=ip_address, data=data)
    return locked


def check_keeps_an_owner(*, user, role, is_active, owners=None) -> None:
    """A dealer always keeps one active owner who can sign in: refuse a change that would take away the last one.

    An invited owner who has not set a password yet cannot sign in, so it does not count as the other owner
    (unless no owner can sign in at all: then the company keeps at least one active owner)."""
    if user.dealer_id is None:
        return
    if owners is None:
        owners = list(User.objects.filter(dealer_id=user.dealer_id, role=Role.OWNER, is_active=True))
    stays_owner = role == Role.OWNER and is_active
    if stays_owner or not any(o.pk == user.pk for o in owners):
        return
    others = [o for o in owners if o.pk != user.pk]
    can_sign_in = [o for o in others if o.has_usable_password()]
    if not others or (user.has_usable_password() and not can_sign_in):
        raise LastOwner(_("The company needs at least one active owner; make someone else owner first."))


def user_for_invitation(uidb64, token) -> User | None:
    from django.utils.http import urlsafe_base64_decode

    try:
        user = User.objects.get(pk=int(urlsafe_base64_decode(uidb64).decode()))
    except (ValueError, TypeError, OverflowError, User.DoesNotExist):
        return None
    return user if default_token_generator.check_token(user, token) else None


def accept_invitation(*, user: User, password: str, accept_terms_version=None, ip_address=None) -> User:
    """The invitee (or an owner whose company was created through the API) sets a password."""
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise InvalidPassword(" ".join(exc.messages), field="password") from exc
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        terms = TermsVersion.objects.current()
        if terms is not None and accept_terms_version == terms.version:
            TermsAcceptance.objects.get_or_create(user=user, terms=terms, defaults={"ip_address": ip_address})
        audit.record(actor=user, action="user.password_set", target=user, ip_address=ip_address)
    return user


def needs_terms_acceptance(user, request=None) -> TermsVersion | None:
    """The current terms, if this dealer user has not accepted them yet (staff never need to). `request`: the
    terms are read with what else the page reads (portal.cache.request_value)."""
    if not user.is_authenticated or user.dealer_id is None:
        return None
    terms = current_terms(request)
    if terms is None:
        return None
    # An acceptance is never withdrawn: once found, the session remembers it (for this user and these terms), so
    # the pages after the first do not ask the database again (issue 18). New terms have another id.
    session = getattr(request, "session", None)
    seen = (user.pk, terms.pk)
    if session is not None and session.get(_ACCEPTED_SESSION_KEY) == list(seen):
        return None
    if TermsAcceptance.objects.filter(user=user, terms=terms).exists():
        if session is not None:
            session[_ACCEPTED_SESSION_KEY] = list(seen)
        return None
    return terms


_ACCEPTED_SESSION_KEY = "dealers_terms_accepted"


CURRENT_TERMS_KEY = "dealers:current-terms"


def current_terms(request=None) -> TermsVersion | None:
    """The newest published terms, from the cache (every request of every dealer user asks): saving or deleting
    any terms version forgets it (dealers.apps connects the signals)."""
    from django.core.cache import cache

    from portal.cache import request_value

    cached = request_value(request, CURRENT_TERMS_KEY)
    if cached is None:
        terms = TermsVersion.objects.current()
        cached = terms if terms is not None else False
        cache.set(CURRENT_TERMS_KEY, cached, 3600)
    return cached or None


def terms_read_ahead(request) -> list[str]:
    """Hook portal.request_reads: a dealer user's page asks for the current terms."""
    user = getattr(request, "user", None)
    return [CURRENT_TERMS_KEY] if user is not None and user.is_authenticated and user.dealer_id is not None else []


def forget_current_terms(**kwargs) -> None:
    from django.core.cache import cache
    from django.db import transaction

    cache.delete(CURRENT_TERMS_KEY)
    transaction.on_commit(lambda: cache.delete(CURRENT_TERMS_KEY))


def accept_terms(*, user, terms: TermsVersion, ip_address=None) -> TermsAcceptance:
    if terms.published_at is None:
        raise NotAllowed(_("These terms are not published."))
    with transaction.atomic():
        acceptance, created = TermsAcceptance.objects.get_or_create(user=user, terms=terms,
                                                                    defaults={"ip_address": ip_address})
        if created:
            audit.record(actor=user, action="terms.accepted", target=terms, dealer=user.dealer,
                         ip_address=ip_address, data={"version": terms.version})
    return acceptance
