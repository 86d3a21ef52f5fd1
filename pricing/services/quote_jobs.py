"""The quotes' daily beat jobs: expire sent quotes past their validity, remind the dealer a few days before. Both are
safe to run twice (or on two machines at once): a quote expires once, and a revision is reminded about once."""
from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from portal import audit

from ..models import Quote, QuoteRevision, QuoteStatus
from .quotes import move_quote, notify_dealer

S = QuoteStatus


def expire_quotes(*, today: datetime.date | None = None, ids=None) -> int:
    """Sent quotes whose validity ended before `today` (default: the local date) become expired; the dealer's users
    who may order are mailed. `ids`: only these quotes (the admin's selection). Returns how many expired now."""
    today = today or timezone.localdate()
    expired = 0
    due = Quote.objects.filter(status=S.SENT, valid_until__lt=today)
    if ids is not None:
        due = due.filter(pk__in=list(ids))
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            # skip_locked: a quote being accepted right now is left to that acceptance (or to tomorrow's run).
            locked = (Quote.objects.select_for_update(skip_locked=True, of=("self",)).select_related("dealer")
                      .filter(pk=pk, status=S.SENT, valid_until__lt=today).first())
            if locked is None:
                continue
            move_quote(locked, to=S.EXPIRED, actor=None, note=f"valid until {locked.valid_until.isoformat()}",
                       audit_data={"revision": locked.revision, "valid_until": locked.valid_until.isoformat()})
            notify_dealer(locked, "quote_expired", valid_until=locked.valid_until)
            expired += 1
    return expired


def remind_expiring_quotes(*, today: datetime.date | None = None, days: int | None = None) -> int:
    """Mail the dealer's users who may order about sent quotes valid for at most `days` more days (default
    settings.QUOTE_REMINDER_DAYS), once per revision: the revision row records the reminder, claimed by a
    conditional update, so a second run (or a parallel one) sends nothing. Returns how many quotes were reminded."""
    today = today or timezone.localdate()
    days = settings.QUOTE_REMINDER_DAYS if days is None else days
    last_day = today + datetime.timedelta(days=days)
    reminded = 0
    candidates = Quote.objects.filter(status=S.SENT, valid_until__gte=today, valid_until__lte=last_day)
    for pk in candidates.values_list("pk", flat=True):
        with transaction.atomic():
            locked = (Quote.objects.select_for_update(skip_locked=True, of=("self",)).select_related("dealer")
                      .filter(pk=pk, status=S.SENT, valid_until__gte=today, valid_until__lte=last_day).first())
            if locked is None:
                continue
            claimed = QuoteRevision.objects.filter(quote=locked, number=locked.revision,
                                                   reminder_sent_at__isnull=True).update(reminder_sent_at=timezone.now())
            if not claimed:
                continue
            audit.record(actor=None, action="quote.expiry_reminder", target=locked, dealer=locked.dealer,
                         data={"revision": locked.revision, "valid_until": locked.valid_until.isoformat()})
            notify_dealer(locked, "quote_expiring", valid_until=locked.valid_until,
                          days_left=(locked.valid_until - today).days)
            reminded += 1
    return reminded
