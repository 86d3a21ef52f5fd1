"""Celery tasks of payments. Each imports its service inside the task; the services never import this module (the
card service names its tasks: payments.services.cards.CAPTURE_TASK, RELEASE_TASK), so there is no import cycle."""
from celery import shared_task


@shared_task
def run_overdue_task():
    """Daily (beat): overdue marks, reminders, automatic holds. Safe to run twice."""
    from .services.overdue import run_overdue

    return run_overdue()


@shared_task(bind=True, max_retries=8, default_retry_delay=60)
def capture_card_payment_task(self, card_payment_id):
    """Capture an invoiced card order's authorisation (payments.services.cards). Retries while the provider
    fails; beat's sweep picks up what falls through."""
    from .cards import ProviderError
    from .services.cards import capture_card_payment

    try:
        card = capture_card_payment(card_payment_id)
    except ProviderError as exc:
        raise self.retry(exc=exc)
    return card.status


@shared_task(bind=True, max_retries=8, default_retry_delay=60)
def release_card_payment_task(self, card_payment_id):
    """Release the authorisation of a cancelled or rejected card order."""
    from .cards import ProviderError
    from .services.cards import release_card_payment

    try:
        card = release_card_payment(card_payment_id)
    except ProviderError as exc:
        raise self.retry(exc=exc)
    return card.status


@shared_task
def settle_card_payments_task():
    """Hourly (beat): capture or release authorised card payments a broker outage left behind."""
    from .services.cards import settle_authorised_card_payments

    return settle_authorised_card_payments()
