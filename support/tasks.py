"""Celery tasks of support."""
from celery import shared_task


@shared_task
def check_sla_task():
    """Run by beat every few minutes: warn at 80 % of an SLA target, escalate a breach, once each
    (services/clocks.py check_sla). Safe to run twice at once: the stamps are set under the ticket's row lock."""
    from .services.clocks import check_sla

    return check_sla()


# --- WhatsApp (issue 16, support/services/whatsapp.py) --------------------------------------------------------------

# A retryable failure (a timeout, WhatsApp busy) is tried again after these many seconds; after the last the reply is
# "not delivered" and mailed instead.
WHATSAPP_RETRY_SECONDS = (10, 60, 300)


@shared_task(bind=True, max_retries=len(WHATSAPP_RETRY_SECONDS))
def send_whatsapp_task(self, message_id):
    """Send staff's reply `message_id` by WhatsApp (enqueued on the reply's commit). Safe to run twice: only a reply
    still "Sending" is sent, under its row lock."""
    from .services import whatsapp

    final = self.request.retries >= len(WHATSAPP_RETRY_SECONDS)
    outcome = whatsapp.send_message(message_id=message_id, final=final)
    if outcome == whatsapp.RETRY:
        raise self.retry(countdown=WHATSAPP_RETRY_SECONDS[self.request.retries])
    return outcome


@shared_task
def send_pending_whatsapp_task(older_than_seconds=60):
    """Beat: replies still "Sending" after `older_than_seconds` (their task was never published) are sent again, and
    dealers' WhatsApp messages stored but not handled are handled."""
    from .services import whatsapp

    return whatsapp.send_pending(older_than_seconds=older_than_seconds)


# --- Mail intake (issue 16, support/services/mail_poll.py) ----------------------------------------------------------

@shared_task
def poll_mailboxes_task():
    """Beat, every SUPPORT_MAIL_POLL_EVERY_SECONDS: take new mail of every configured support mailbox. Safe to run
    twice at once: a mailbox another poller is working is skipped (advisory lock), and taking a message is
    idempotent."""
    from .services import mail_poll

    return mail_poll.poll_all()
