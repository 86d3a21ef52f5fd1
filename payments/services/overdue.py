"""Overdue invoices, once a day (beat): mark them overdue, remind the dealer on the configured days, and put an
account on hold when an invoice is late beyond the configured number of days. Safe to run twice a day: each
reminder step is sent once per invoice, and an account already on hold is left alone."""
from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import audit, outbox

from ..models import INVOICE, OPEN_STATUSES, CreditAccount, Invoice, InvoiceStatus
from .allocation import lock_rows
from .invoices import invoice_recipients

__all__ = ["reminder_days", "run_overdue"]


def reminder_days() -> list[int]:
    """Days relative to the due date on which the dealer is reminded: negative before, 0 on the day, positive
    after (settings.INVOICE_REMINDER_DAYS, e.g. "-3,0,7,14")."""
    return sorted({int(day) for day in getattr(settings, "INVOICE_REMINDER_DAYS", [-3, 0, 7, 14])})


def _step(invoice, today) -> int | None:
    """The latest reminder day reached and not yet sent for this invoice, if any."""
    late = (today - invoice.due_date).days
    sent = int(invoice.last_reminder) if invoice.last_reminder not in ("", None) else None
    due = [day for day in reminder_days() if day <= late and (sent is None or day > sent)]
    return due[-1] if due else None


def run_overdue(*, today: datetime.date | None = None) -> dict:
    """Returns counts: {"overdue": n marked, "reminded": n mails' invoices, "held": n accounts put on hold}."""
    today = today or timezone.localdate()
    counts = {"overdue": 0, "reminded": 0, "held": 0}
    with transaction.atomic():
        late = Invoice.objects.filter(status__in=(InvoiceStatus.OPEN, InvoiceStatus.PARTIALLY_PAID),
                                      due_date__lt=today).values_list("pk", flat=True)
        _payments, _notes, locked = lock_rows(invoices=late)  # in primary-key order, as allocation locks them
        for invoice in locked.values():
            if invoice.status not in (InvoiceStatus.OPEN, InvoiceStatus.PARTIALLY_PAID) or invoice.due_date >= today:
                continue  # paid (or moved on) between the read and the lock
            # Written by the daily task: no one acts (actor None).
            INVOICE.move(invoice, to=InvoiceStatus.OVERDUE, actor=None,  # audited as invoice.overdue
                         audit_data={"number": invoice.number, "due_date": invoice.due_date.isoformat()})
            counts["overdue"] += 1
    for invoice in Invoice.objects.filter(status__in=OPEN_STATUSES).select_related("dealer").order_by("pk"):
        if _step(invoice, today) is None:
            continue
        with transaction.atomic():
            invoice = Invoice.objects.select_for_update(of=("self",)).select_related("dealer").get(pk=invoice.pk)
            step = _step(invoice, today)
            if step is None or invoice.status not in OPEN_STATUSES:
                continue
            invoice.last_reminder = str(step)
            invoice.save(update_fields=["last_reminder"])
            context = {"number": invoice.number, "due_date": invoice.due_date.isoformat(),
                       "balance": str(invoice.balance), "currency": invoice.currency, "days": abs(step),
                       "when": "before" if step < 0 else "on" if step == 0 else "after"}
            for user in invoice_recipients(invoice.dealer):
                outbox.notify(to=user, template="payments/invoice_reminder",
                              context={**context, "first_name": user.first_name})
            counts["reminded"] += 1
    hold_after = getattr(settings, "AUTO_HOLD_AFTER_DAYS", 30)
    if hold_after:
        limit = today - datetime.timedelta(days=hold_after)
        dealers = Invoice.objects.filter(status=InvoiceStatus.OVERDUE, due_date__lte=limit).values_list(
            "dealer_id", flat=True).distinct()
        for account in CreditAccount.objects.filter(dealer_id__in=list(dealers), on_hold=False):
            with transaction.atomic():
                account = CreditAccount.objects.select_for_update().get(pk=account.pk)
                if account.on_hold:
                    continue
                account.on_hold = True
                account.hold_reason = _("An invoice is more than %(days)s days overdue.") % {"days": hold_after}
                account.save(update_fields=["on_hold", "hold_reason", "updated_at"])
                audit.record(actor=None, action="credit.auto_hold", target=account, dealer=account.dealer,
                             data={"days": hold_after})
                for user in invoice_recipients(account.dealer):
                    outbox.notify(to=user, template="payments/account_on_hold",
                                  context={"first_name": user.first_name, "days": hold_after})
                counts["held"] += 1
    return counts
