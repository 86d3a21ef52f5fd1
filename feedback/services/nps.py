"""NPS (issue 17 §1): the one scoring rule, invitations after a delivery, answering through the signed link.

The scoring rule (`kind_of`, `score`) is pure and is the ONLY place where a 0–10 answer becomes a promoter, a passive
or a detractor and where a set of answers becomes a score; every page, CSV and API uses it.

- Scale 0–10, 0 included (not 1–10): 0–6 detractor, 7–8 passive, 9–10 promoter — decided by the value, never by an
  index into a list of buckets.
- NPS = %promoters − %detractors with passives in the denominator (n = every answer), −100 … 100.
- Rounded to a whole number, halves away from zero (12.5 → 13, −12.5 → −13): the rounding a reader expects, and
  symmetric, so swapping promoters and detractors only flips the sign. Computed in exact fractions (no float drift).
- n == 0 → `nps` is None (no score, not 0); n < 30 → `thin` (shown flagged next to the score).
- Which answers count: every answer given in the period (one per invitation). A dealer user answers at most once
  per invitation and invitations go out at most once per window, so there are no duplicates to pick from; the
  "rolling, oldest answer per user" rule some libraries use is never applied.
"""
import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.conf import settings as django_settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import Category
from dealers.models import Dealer, Role
from orders.models import ReturnRequest, ReturnStatus
from portal import locks, outbox
from shipping.models import Shipment, ShipmentKind, ShipmentStatus
from support.models import Ticket, TicketStatus

from ..errors import NpsAlreadyAnswered, NpsInvalid, NpsLinkExpired
from ..models import NpsInvitation, NpsKind, NpsReason, NpsResponse
from .survey import settings as survey_settings

SCALE = range(0, 11)
THIN_BELOW = 30


def kind_of(score: int) -> NpsKind:
    """The kind of one 0–10 answer. Anything but an int in 0..10 (bools, floats, strings, 11, −1) is a ValueError."""
    if isinstance(score, bool) or not isinstance(score, int):
        raise ValueError(f"an NPS score is an integer 0–10, not {score!r}")
    if score < 0 or score > 10:
        raise ValueError(f"an NPS score is 0–10, not {score}")
    if score >= 9:
        return NpsKind.PROMOTER
    if score >= 7:
        return NpsKind.PASSIVE
    return NpsKind.DETRACTOR


@dataclass(frozen=True)
class NpsResult:
    nps: int | None
    n: int
    promoters: int
    passives: int
    detractors: int
    thin: bool

    @property
    def promoter_share(self) -> int | None:
        return _percent(self.promoters, self.n)

    @property
    def passive_share(self) -> int | None:
        return _percent(self.passives, self.n)

    @property
    def detractor_share(self) -> int | None:
        return _percent(self.detractors, self.n)


def _round_half_away(value: Fraction) -> int:
    """Whole number, halves away from zero (exact: `value` is a Fraction)."""
    whole = int(abs(value) + Fraction(1, 2))  # floor of |value| + ½
    return -whole if value < 0 else whole


def _percent(part: int, n: int) -> int | None:
    return None if not n else _round_half_away(Fraction(100 * part, n))


def _count(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"a count is a whole number ≥ 0, not {value!r}")
    return value


def score(scores_or_counts: Iterable[int] | Mapping) -> NpsResult:
    """The NPS of a set of answers: an iterable of 0–10 scores, or a mapping of counts keyed by score (0–10) or by
    kind (NpsKind / "promoter", "passive", "detractor"), e.g. the rows of a `values("kind").annotate(n=Count(...))`.
    """
    counts = {NpsKind.PROMOTER: 0, NpsKind.PASSIVE: 0, NpsKind.DETRACTOR: 0}
    if isinstance(scores_or_counts, Mapping):
        for key, value in scores_or_counts.items():
            if isinstance(key, str):
                try:
                    kind = NpsKind(key)
                except ValueError:
                    raise ValueError(f"not an NPS kind: {key!r}") from None
            else:
                kind = kind_of(key)
            counts[kind] += _count(value)
    else:
        if isinstance(scores_or_counts, (str, bytes)):
            raise ValueError("scores are integers 0–10, not a string")
        for one in scores_or_counts:
            counts[kind_of(one)] += 1
    promoters, passives, detractors = counts[NpsKind.PROMOTER], counts[NpsKind.PASSIVE], counts[NpsKind.DETRACTOR]
    n = promoters + passives + detractors
    nps = None if not n else _round_half_away(Fraction(100 * (promoters - detractors), n))
    return NpsResult(nps=nps, n=n, promoters=promoters, passives=passives, detractors=detractors,
                     thin=n < THIN_BELOW)


# --- Invitations after a delivery ------------------------------------------------------------------------------------
#
# Who is asked, and when (run by the beat task feedback.tasks.invite_nps_task):
# - a dealer that is approved, whose outbound shipment was delivered between `delay_days` and `delay_days` +
#   DELIVERY_GRACE_DAYS ago (the latest such delivery is the one asked about): a beat that did not run for a few days
#   still asks, but a delivery of months ago never triggers a survey;
# - not when the dealer was invited within `window_days` (whatever the delivery), nor twice for one shipment;
# - not while the dealer has an open support ticket (not resolved or closed) or an open return (requested or
#   approved, goods not yet received): asked about a delivery while a problem is being worked, the answer measures
#   the problem. Once it is settled and the delivery is still within the grace days, the dealer is asked;
# - recipients: the dealer's active owner(s) and its active users whose role is in the settings' `extra_roles`, each
#   with an e-mail address; one invitation (one link) each, in the user's language.
# Two beats at once: each dealer is decided under its row lock (portal.locks.dealer) and the checks are read after
# it, so the second beat sees the first one's invitations and skips the dealer.

DELIVERY_GRACE_DAYS = 14
TOKEN_SALT = "feedback.nps"


def invitation_token(invitation) -> str:
    """The credential of the answer link: the invitation's pk signed (salt "feedback.nps"). Expiry is the
    invitation's `expires_at`, single use is its one response; no timestamp inside, so one invitation has one
    link."""
    return signing.Signer(salt=TOKEN_SALT).sign_object(invitation.pk)


def invitation_of_token(token) -> NpsInvitation | None:
    """The invitation a link's token names; None for a forged or damaged token (or one of a deleted invitation)."""
    if not isinstance(token, str) or not token or len(token) > 200 or "\x00" in token:
        return None
    try:
        pk = signing.Signer(salt=TOKEN_SALT).unsign_object(token)
    except (signing.BadSignature, ValueError):
        return None
    if isinstance(pk, bool) or not isinstance(pk, int) or pk <= 0:
        return None
    return NpsInvitation.objects.select_related("dealer", "user").filter(pk=pk).first()


def answer_url(invitation) -> str:
    return django_settings.SITE_URL + reverse("feedback:nps_answer", args=[invitation_token(invitation)])


def _delivered_candidates(now, config):
    """{dealer id: its latest outbound shipment delivered within the asking span}, dealers approved."""
    newest = now - datetime.timedelta(days=config.delay_days)
    oldest = newest - datetime.timedelta(days=DELIVERY_GRACE_DAYS)
    rows = (Shipment.objects.filter(kind=ShipmentKind.OUTBOUND, status=ShipmentStatus.DELIVERED,
                                    delivered_at__lte=newest, delivered_at__gt=oldest,
                                    dealer__status=Dealer.Status.APPROVED)
            .order_by("dealer_id", "-delivered_at", "-pk").distinct("dealer_id").values_list("dealer_id", "pk"))
    return dict(rows)


def _suppressed(dealer, shipment, now, config) -> bool:
    """Why not to ask this dealer now (read under the dealer's lock): invited within the window or for this
    shipment already, an open ticket, an open return, not approved."""
    if not dealer.is_approved:
        return True
    invited = NpsInvitation.objects.filter(dealer=dealer)
    if invited.filter(sent_at__gt=now - datetime.timedelta(days=config.window_days)).exists() \
            or invited.filter(shipment=shipment).exists():
        return True
    if Ticket.objects.filter(dealer=dealer).exclude(status__in=(TicketStatus.RESOLVED, TicketStatus.CLOSED)).exists():
        return True
    return ReturnRequest.objects.filter(order__dealer=dealer,
                                        status__in=(ReturnStatus.REQUESTED, ReturnStatus.APPROVED)).exists()


def recipients(dealer, config) -> list:
    """The dealer's active owner(s) and active users in the settings' extra roles, with an e-mail address."""
    roles = {Role.OWNER.value} | {str(role) for role in (config.extra_roles or []) if isinstance(role, str)}
    return list(dealer.users.filter(is_active=True, role__in=roles, email__gt="").order_by("pk"))


def sales_agent_of(dealer):
    """The dealer's account manager, else its first sales agent (by pk), else None."""
    if dealer.account_manager_id is not None:
        return dealer.account_manager
    return dealer.agents.order_by("pk").first()


def product_family_of(shipment):
    """The top-level catalog category with the largest net value among the shipment's lines (each line's share of
    its order line's net by quantity); ties go to the lower category id. None for a shipment without lines."""
    values: dict[int, Decimal] = {}
    lines = shipment.lines.select_related("order_line__product__category")
    for line in lines:
        order_line = line.order_line
        category = order_line.product.category if order_line.product_id else None
        if category is None or not order_line.quantity:
            continue
        root = int((category.path or f"{category.pk}/").split("/")[0])
        values[root] = values.get(root, Decimal(0)) + order_line.line_net * line.quantity / order_line.quantity
    if not values:
        return None
    root = min(values, key=lambda pk: (-values[pk], pk))
    return Category.objects.filter(pk=root).first()


def _invite_dealer(dealer_id, shipment_id, now, config) -> int:
    """Invite one dealer's recipients about one shipment, under the dealer's row lock; the number of invitations."""
    with transaction.atomic():
        dealer = locks.dealer(dealer_id)
        shipment = Shipment.objects.select_related("order").get(pk=shipment_id)
        if _suppressed(dealer, shipment, now, config):
            return 0
        people = recipients(dealer, config)
        if not people:
            return 0
        agent, family = sales_agent_of(dealer), product_family_of(shipment)
        made = 0
        for user in people:
            invitation = NpsInvitation.objects.create(
                dealer=dealer, user=user, shipment=shipment, order=shipment.order,
                delivered_at=shipment.delivered_at, sent_at=now,
                expires_at=now + datetime.timedelta(days=config.link_days), language=user.language or "en",
                tier=dealer.tier or "", city=(dealer.city or "")[:100], sales_agent=agent, product_family=family)
            outbox.notify(to=user, template="feedback/nps_invitation", language=invitation.language, context={
                "first_name": user.first_name, "company": str(dealer), "order": shipment.order.number,
                "shipment": shipment.number, "answer_url": answer_url(invitation),
                "expires_at": invitation.expires_at.isoformat()})
            made += 1
        return made


def invite_due(now=None) -> int:
    """Send the NPS invitations that are due (see the rules above); the number of invitations written. Idempotent:
    a second run (or a parallel one) writes none for the same dealers."""
    config = survey_settings()
    if not config.active:
        return 0
    now = now or timezone.now()
    total = 0
    for dealer_id, shipment_id in sorted(_delivered_candidates(now, config).items()):
        total += locks.retry_when_busy(_invite_dealer)(dealer_id, shipment_id, now, config)
    return total


# --- Answering through the link ----------------------------------------------------------------------------------------

COMMENT_MAX = 2000


def link_state(invitation, now=None) -> str:
    """"answered", "expired" or "open" (answered wins: a thank-you page rather than "expired" after answering)."""
    if NpsResponse.objects.filter(invitation_id=invitation.pk).exists():
        return "answered"
    if (now or timezone.now()) >= invitation.expires_at:
        return "expired"
    return "open"


def mark_opened(invitation) -> None:
    """Stamp `opened_at` on the first view of the link (later views keep the first moment)."""
    if invitation.opened_at is None:
        now = timezone.now()
        if NpsInvitation.objects.filter(pk=invitation.pk, opened_at__isnull=True).update(opened_at=now):
            invitation.opened_at = now


def _clean_score(value) -> int:
    refusal = NpsInvalid(_("Choose a score from 0 to 10."), field="score")
    if isinstance(value, str):
        value = value.strip()
        if not (value.isascii() and value.isdigit() and len(value) <= 2):
            raise refusal
        value = int(value)
    try:
        kind_of(value)
    except ValueError:
        raise refusal from None
    return value


def _clean_reasons(reasons) -> list[str]:
    if reasons is None:
        return []
    if isinstance(reasons, (str, bytes)) or not isinstance(reasons, Iterable):
        raise NpsInvalid(_("Choose reasons from the list."), field="reasons")
    chosen = list(reasons)
    if len(chosen) > 50 or any(not isinstance(r, str) or r not in NpsReason.values for r in chosen):
        raise NpsInvalid(_("Choose reasons from the list."), field="reasons")
    return [value for value in NpsReason.values if value in chosen]


def _clean_comment(comment) -> str:
    if comment is None:
        return ""
    if not isinstance(comment, str) or "\x00" in comment:
        raise NpsInvalid(_("The comment holds characters that cannot be stored."), field="comment")
    comment = comment.strip()
    if len(comment) > COMMENT_MAX:
        raise NpsInvalid(_("The comment can be at most %(max)d characters long.") % {"max": COMMENT_MAX},
                         field="comment")
    return comment


def answer(*, invitation, score, comment="", reasons=()):
    """Store the answer to `invitation` (no login: the signed link is the credential): 0–10, a comment, reason tags.
    Refusals, nothing stored: a bad score, reason or comment (`feedback.nps_invalid`, 400), the link expired
    (`feedback.nps_link_expired`, 410), already answered (`feedback.nps_already_answered`, 409; also the loser of a
    parallel double submit). Inside the same transaction `feedback.services.loop.after_answer(response)` closes the
    loop (a detractor's ticket, a thank-you, a review invitation) when that part is installed."""
    value = _clean_score(score)
    comment = _clean_comment(comment)
    tags = _clean_reasons(reasons)
    now = timezone.now()
    state = link_state(invitation, now)
    if state == "answered":
        raise NpsAlreadyAnswered(_("This survey has already been answered. Thank you!"))
    if state == "expired":
        raise NpsLinkExpired(_("This survey link has expired."))
    with transaction.atomic():
        try:
            with transaction.atomic():
                response = NpsResponse.objects.create(
                    invitation=invitation, dealer_id=invitation.dealer_id, score=value, kind=kind_of(value),
                    comment=comment, reasons=tags, responded_at=now)
        except IntegrityError:  # answered a moment ago by a parallel submit (one response per invitation)
            raise NpsAlreadyAnswered(_("This survey has already been answered. Thank you!")) from None
        if invitation.opened_at is None:
            type(invitation).objects.filter(pk=invitation.pk, opened_at__isnull=True).update(opened_at=now)
        _after_answer(response)
    return response


def _after_answer(response) -> None:
    """Closing the loop (feedback/services/loop.py), imported lazily: that part may not be installed yet."""
    try:
        from . import loop
    except ImportError:
        return
    hook = getattr(loop, "after_answer", None)
    if hook is not None:
        hook(response)
