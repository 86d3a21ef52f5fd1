"""Satisfaction (issue 15, section 6): on resolution the dealer is asked once, by mail with a signed link to the
rating page; a ticket is rated once, 1–5 and a comment, by a user of its dealer who may see it."""
from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import outbox

from ..errors import AlreadyRated, NotRateable, RatingInvalid, RatingNotAllowed
from ..models import Satisfaction, Ticket, TicketStatus
from ..permissions import may_rate_ticket

RATE_TOKEN_SALT = "support.rate"
RATE_TOKEN_MAX_AGE = 30 * 24 * 3600  # a mail's link works for 30 days
RATEABLE = (TicketStatus.RESOLVED, TicketStatus.CLOSED)
RATINGS = (1, 2, 3, 4, 5)


def rate_token(ticket, user) -> str:
    """The signed token of the rating link mailed to `user` for `ticket`."""
    return signing.dumps({"t": ticket.pk, "u": user.pk if user else None}, salt=RATE_TOKEN_SALT, compress=True)


def ticket_of_rate_token(token: str) -> Ticket | None:
    """The ticket a rating link's token names; None when the token is forged, damaged or older than 30 days."""
    try:
        data = signing.loads(token, salt=RATE_TOKEN_SALT, max_age=RATE_TOKEN_MAX_AGE)
    except signing.BadSignature:
        return None
    return Ticket.objects.select_related("dealer").filter(pk=data.get("t")).first()


def rate_url(ticket, user) -> str:
    return settings.SITE_URL + reverse("support:rate_link", args=[rate_token(ticket, user)])


def ask_for_satisfaction(*, ticket, previous=None, actor=None) -> bool:
    """Listener of `support.ticket.moved`: when a ticket reaches `resolved` for the first time, stamp
    `satisfaction_asked_at` and mail its opener (in their language) a link to the rating page. A ticket resolved
    again after a reopen is not asked again. Returns whether a mail was written."""
    if ticket.status != TicketStatus.RESOLVED or ticket.satisfaction_asked_at is not None:
        return False
    # Inside the move's transaction: the row is stamped only if it was still empty (a concurrent resolve asks once).
    now = timezone.now()
    stamped = Ticket.objects.filter(pk=ticket.pk, satisfaction_asked_at__isnull=True).update(
        satisfaction_asked_at=now)
    ticket.satisfaction_asked_at = now
    opener = ticket.opened_by
    if not stamped or opener is None or not opener.is_active or opener.dealer_id != ticket.dealer_id \
            or not opener.email:
        return False
    outbox.notify(to=opener, template="support/satisfaction_asked", context={
        "first_name": opener.first_name, "number": ticket.number, "subject": ticket.subject,
        "rate_url": rate_url(ticket, opener),
        "ticket_url": settings.SITE_URL + reverse("support:rate", args=[ticket.number]),
    })
    return True


def rateable_refusal(ticket):
    """Why `ticket` cannot be rated now (a DomainError), or None."""
    if Satisfaction.objects.filter(ticket_id=ticket.pk).exists():
        return AlreadyRated(_("This ticket has already been rated. Thank you!"))
    if ticket.status not in RATEABLE:
        return NotRateable(_("A ticket can be rated once it is resolved."))
    return None


@transaction.atomic
def rate_ticket(*, actor, ticket, rating, comment="") -> Satisfaction:
    """Rate `ticket` 1–5 with an optional comment, once. Refusals: not this dealer's user who may see it
    (`support.rating_not_allowed`, 403), not resolved or closed (`support.not_rateable`, 409), already rated
    (`support.already_rated`, 409), a rating outside 1–5 (`support.rating_invalid`, 400)."""
    if not may_rate_ticket(actor, ticket):
        raise RatingNotAllowed(_("Only the dealer's users who see this ticket may rate it."))
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        rating = 0
    if rating not in RATINGS:
        raise RatingInvalid(_("Choose a rating from 1 to 5."), field="rating")
    refusal = rateable_refusal(ticket)
    if refusal is not None:
        raise refusal
    try:
        with transaction.atomic():
            return Satisfaction.objects.create(ticket=ticket, rating=rating, comment=(comment or "").strip()[:2000],
                                               rated_by=actor.user)
    except IntegrityError:  # rated by someone else a moment ago (one row per ticket)
        raise AlreadyRated(_("This ticket has already been rated. Thank you!")) from None
