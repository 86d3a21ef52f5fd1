"""The notification outbox: a row per mail written with the business change, delivered after commit, at most once."""
import datetime
import logging
import re
import time
from datetime import timedelta

from celery import shared_task, signature
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import Notification
from .queue import enqueue, enqueue_on_commit

# The delivery task, by name: portal.tasks imports this module, never the other way round.
DELIVER_TASK = signature("portal.tasks.deliver_notification_task")
# Rows written together (notify_many) go out in one message: each message costs the writer (a web request placing
# an order) a broker round trip and ~0.4 ms of CPU. Defined below; a worker has it from importing portal.tasks.
DELIVER_MANY_TASK = signature("portal.outbox.deliver_notifications_task")

log = logging.getLogger(__name__)


def _row(*, to, template, context=None, language=None, user=None, reply_to: str = "") -> Notification:
    """The unsaved outbox row of one mail (see notify)."""
    if hasattr(to, "email"):
        user = to
        to = user.email
        language = language or getattr(user, "language", None)
    context = dict(context or {})
    if reply_to:
        context[REPLY_TO_KEY] = reply_to
    return Notification(recipient=to, user=user, template=template, context=context,
                        language=language or settings.LANGUAGE_CODE)


def notify_many(messages) -> list[Notification]:
    """`notify` for several mails at once (each a dict of notify's keywords): every row in one INSERT, each
    delivered after the commit as notify's are. For a service that writes several mails while it holds locks."""
    rows = Notification.objects.bulk_create([_row(**message) for message in messages])
    if len(rows) == 1:
        transaction.on_commit(lambda: enqueue(DELIVER_TASK, rows[0].pk))
    elif rows:
        # One message for all of them (a broker that is down loses none: every row stays pending for beat).
        ids = [row.pk for row in rows]
        transaction.on_commit(lambda: enqueue(DELIVER_MANY_TASK, ids))
    return rows


def staff_messages(*, template, context=None) -> list[dict]:
    """notify_staff's mails as notify_many takes them."""
    return [{"to": address, "template": template, "context": context} for address in settings.STAFF_NOTIFY_EMAILS]


def notify(*, to, template, context=None, language=None, user=None, reply_to: str = "") -> Notification:
    """Write one outbox row; its delivery is enqueued when the surrounding transaction commits.

    `to` is an e-mail address or a user (whose address and language are used). Call it inside the
    service's transaction so the mail exists exactly when the change does. `reply_to`: the mail's Reply-To address
    (support's signed ticket address). The mail's Message-ID is `message_id(row)`, known as soon as the row exists.
    """
    row = _row(to=to, template=template, context=context, language=language, user=user, reply_to=reply_to)
    row.save(force_insert=True)
    enqueue_on_commit(DELIVER_TASK, row.pk)
    return row


# Mails rendered by a library (allauth's password reset) arrive finished; the outbox only delivers them.
PRERENDERED = "_prerendered"


def notify_rendered(*, to, subject, text, html="", language=None, user=None) -> Notification:
    return notify(to=to, user=user, template=PRERENDERED, language=language,
                  context={"subject": subject, "text": text, "html": html})


def notify_staff(*, template, context=None) -> list[Notification]:
    """One row per address in STAFF_NOTIFY_EMAILS (in the default language)."""
    return [notify(to=address, template=template, context=context) for address in settings.STAFF_NOTIFY_EMAILS]


# Context keys that hold a date or a moment (`due_date`, `valid_until`, `received_on`, `sent_at`).
_DATE_KEY = re.compile(r"(^|_)(date|until|on|at)$")


def _dates_of(context: dict) -> dict:
    """The row's context with dates and moments back as date/datetime objects: the JSON column stores them as ISO
    text, which a template would print as `2027-01-05` in every language instead of the recipient's format."""
    restored = dict(context)
    for key, value in context.items():
        if not (isinstance(value, str) and _DATE_KEY.search(key)):
            continue
        try:
            restored[key] = (datetime.date.fromisoformat(value) if len(value) == 10
                             else datetime.datetime.fromisoformat(value.replace("Z", "+00:00")))
        except ValueError:
            pass
    return restored


def render_notification(row: Notification) -> tuple[str, str, str]:
    """Subject, text and HTML of a row, in the row's language."""
    if row.template == PRERENDERED:
        return row.context["subject"], row.context["text"], row.context.get("html") or ""
    context = {
        **_dates_of(row.context),
        "company": settings.COMPANY,
        "portal_name": settings.PORTAL_NAME,
        "site_url": settings.SITE_URL,
        "recipient": row.recipient,
    }
    # Local time in the worker as on the web; dates in the recipient's language's format.
    with translation.override(row.language), timezone.override(settings.TIME_ZONE):
        subject = render_to_string(f"emails/{row.template}.subject.txt", context).strip()
        text = render_to_string(f"emails/{row.template}.txt", context)
        html = render_to_string(f"emails/{row.template}.html", context)
    return " ".join(subject.split()), text, html


def _claim(notification_id) -> Notification | None:
    """Take the row for sending. Two workers racing for it: one gets it, the other gets None."""
    with transaction.atomic():
        row = (
            Notification.objects.select_for_update(skip_locked=True)
            .filter(pk=notification_id, status=Notification.Status.PENDING)
            .first()
        )
        if row is None:
            return None
        if row.next_attempt_at and row.next_attempt_at > timezone.now():
            return None
        row.status = Notification.Status.SENDING
        row.claimed_at = timezone.now()
        row.attempts += 1
        row.save(update_fields=["status", "claimed_at", "attempts"])
        return row


def deliver_notification(*, notification_id) -> bool:
    """Send one pending row. Returns True when this call sent it; a row already sent or being sent
    by another worker is left alone, so a row becomes at most one mail."""
    row = _claim(notification_id)
    if row is None:
        return False
    try:
        subject, text, html = render_notification(row)
        reply_to = (row.context or {}).get(REPLY_TO_KEY)
        message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [row.recipient],
                                         headers={"Message-ID": message_id(row)},
                                         reply_to=[reply_to] if reply_to else None)
        if html:
            message.attach_alternative(html, "text/html")
        message.send()
    except Exception as exc:  # noqa: BLE001 - SMTP, template and network errors alike are recorded on the row
        failed = row.attempts >= settings.OUTBOX_MAX_ATTEMPTS
        backoff = timedelta(seconds=30 * 2 ** (row.attempts - 1))
        Notification.objects.filter(pk=row.pk).update(
            status=Notification.Status.FAILED if failed else Notification.Status.PENDING,
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
            next_attempt_at=None if failed else timezone.now() + backoff,
        )
        log.warning("Notification %s failed (attempt %s): %s", row.pk, row.attempts, exc)
        return False
    Notification.objects.filter(pk=row.pk).update(
        status=Notification.Status.SENT, sent_at=timezone.now(), subject=subject[:255], last_error=""
    )
    return True


# A batch hands what is left to one task per row after this long, well inside its soft time limit (60 s), so a slow
# mail server holds up no row for long and no row is cut off by the limit (see deliver_notifications).
BATCH_SECONDS = 30


def deliver_notifications(*, notification_ids) -> int:
    """Deliver rows written together, each as deliver_notification delivers one (claimed by its own lock, so a row
    becomes at most one mail also when the single task or beat's requeue has it too). A row that failed and waits
    for its backoff is queued again on its own, as the single task retries; the rows left when the batch has run
    BATCH_SECONDS are queued one by one. Returns how many this call sent."""
    started = time.monotonic()
    ids = list(notification_ids)
    sent = 0
    for position, pk in enumerate(ids):
        if time.monotonic() - started > BATCH_SECONDS:
            _hand_on(ids[position:])
            break
        try:
            if deliver_notification(notification_id=pk):
                sent += 1
            else:
                _retry_later(pk)
        except SoftTimeLimitExceeded:
            # The limit came outside a send (a send records it on its row): this row and the rest on their own.
            _hand_on(ids[position:])
            break
    return sent


def _hand_on(ids) -> None:
    for pk in ids:
        enqueue(DELIVER_TASK, pk)


def _retry_later(notification_id) -> None:
    """A row this batch tried and failed to send goes out again after its own backoff (next_attempt_at), in a task
    of its own; a row sent or taken by another worker meanwhile is left alone. Beat catches a lost one."""
    row = Notification.objects.filter(pk=notification_id).only("status", "next_attempt_at").first()
    if row is None or row.status != Notification.Status.PENDING or not row.next_attempt_at:
        return
    countdown = max(1, int((row.next_attempt_at - timezone.now()).total_seconds()) + 1)
    enqueue(DELIVER_TASK.clone(countdown=countdown), notification_id)


# Bounded as the single task is (well below OUTBOX_LEASE_SECONDS); BATCH_SECONDS keeps a batch inside it.
@shared_task(name="portal.outbox.deliver_notifications_task", soft_time_limit=60, time_limit=90)
def deliver_notifications_task(notification_ids):
    return deliver_notifications(notification_ids=notification_ids)


def requeue_pending(*, older_than_seconds=None) -> int:
    """Re-enqueue rows still pending a while after they were written (a broker outage, a lost task), and rows
    whose sending worker died (their lease ran out, see release_expired_leases)."""
    wait = settings.OUTBOX_REQUEUE_AFTER_SECONDS if older_than_seconds is None else older_than_seconds
    now = timezone.now()
    cutoff = now - timedelta(seconds=wait)
    release_expired_leases(now=now)
    ids = list(
        Notification.objects.filter(status=Notification.Status.PENDING, created_at__lte=cutoff)
        .exclude(next_attempt_at__gt=now)
        .values_list("pk", flat=True)[:1000]
    )
    for pk in ids:
        enqueue(DELIVER_TASK, pk)
    return len(ids)


def release_expired_leases(*, now=None) -> int:
    """A row claimed for sending longer ago than OUTBOX_LEASE_SECONDS belongs to a worker that died (a live send is
    cut off by the task's time limit well before): it is pending again, or failed once it used all its attempts.
    The mail keeps its Message-ID, so a receiving server can drop the rare copy of a mail whose worker died after
    the server took it and before the row was marked sent."""
    now = now or timezone.now()
    expired = Notification.objects.filter(
        status=Notification.Status.SENDING, claimed_at__lt=now - timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)
    )
    failed = expired.filter(attempts__gte=settings.OUTBOX_MAX_ATTEMPTS).update(
        status=Notification.Status.FAILED, last_error="Delivery state unknown: the worker stopped while sending."
    )
    released = expired.update(
        status=Notification.Status.PENDING, next_attempt_at=None,
        last_error="The worker stopped while sending; the mail is sent again.",
    )
    if failed or released:
        log.warning("Outbox: %s rows taken back from dead workers, %s marked failed", released, failed)
    return released


def message_id(row: Notification) -> str:
    """The same Message-ID for every attempt at one row."""
    from urllib.parse import urlparse

    domain = urlparse(settings.SITE_URL).hostname or "portal.invalid"
    generation = (row.context or {}).get(RESEND_KEY, 0)  # a staff resend is a new mail, not a copy
    return f"<outbox-{row.pk}-{int(row.created_at.timestamp())}-{generation}@{domain}>"


RESEND_KEY = "_resends"
REPLY_TO_KEY = "_reply_to"  # the Reply-To address a row was written with (notify(reply_to=...))


def resend(*, notification: Notification, actor=None) -> Notification:
    """Staff: try a failed (or sent) row again as a fresh pending row attempt."""
    from .audit import record

    with transaction.atomic():
        row = Notification.objects.select_for_update().get(pk=notification.pk)
        row.status = Notification.Status.PENDING
        row.attempts = 0
        row.next_attempt_at = None
        row.last_error = ""
        row.context = {**(row.context or {}), RESEND_KEY: (row.context or {}).get(RESEND_KEY, 0) + 1}
        row.save(update_fields=["status", "attempts", "next_attempt_at", "last_error", "context"])
        record(actor=actor, action="notification.resend", target=row)
        enqueue_on_commit(DELIVER_TASK, row.pk)
    return row


def purge_sent(*, older_than_days=90) -> int:
    cutoff = timezone.now() - timedelta(days=older_than_days)
    deleted, _ = Notification.objects.filter(status=Notification.Status.SENT, sent_at__lt=cutoff).delete()
    return deleted


def notify_independently(*, to: str, template, context=None, language=None) -> None:
    """Write an outbox row that survives the caller's rollback (an "autonomous transaction"): for telling staff
    about a refusal whose own transaction is rolled back. The row is written and committed on another database
    connection (a short-lived thread), then delivered like any other. `to` is an address: rows written this way
    carry no foreign key to rows the caller may not have committed yet."""
    import threading

    from django.db import connection as _unused  # noqa: F401  (the thread opens its own)
    from django.db import transaction

    error = []

    def write():
        from django.db import connection

        try:
            with transaction.atomic():
                notify(to=to, template=template, context=context, language=language)
        except Exception as exc:  # noqa: BLE001 - reported to the caller's log below
            error.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=write, name="outbox-independent")
    thread.start()
    thread.join(10)
    if error:
        import logging

        logging.getLogger(__name__).warning("Could not record the notification %s to %s: %s", template, to, error[0])
