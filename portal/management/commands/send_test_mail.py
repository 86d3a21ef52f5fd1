"""Queue a test e-mail through the outbox (checks the worker and the mail settings end to end)."""
from django.core.management.base import BaseCommand
from django.db import transaction

from portal import outbox


class Command(BaseCommand):
    help = "Queue a test e-mail to an address; a running Celery worker delivers it."

    def add_arguments(self, parser):
        parser.add_argument("to")
        parser.add_argument("--language", default="en")

    def handle(self, *args, to, language, **options):
        with transaction.atomic():
            row = outbox.notify(to=to, template="test_message", language=language)
        self.stdout.write(f"Queued notification #{row.pk} to {to}.")
