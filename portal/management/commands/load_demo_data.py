"""Load the demo data of every app, in the order of the trade. Running it twice creates nothing new."""
from django.core.management.base import BaseCommand

from catalog import demo as catalog_demo
from dealers import demo as dealers_demo
from feedback import demo as feedback_demo
from orders import demo as orders_demo
from payments import demo as payments_demo
from portal import demo as portal_demo
from pricing import demo as pricing_demo
from shipping import demo as shipping_demo
from support import demo as support_demo

# Each app with demo data exposes demo.load() -> list of (role, e-mail, password[, dealer code]).
LOADERS = [portal_demo.load, dealers_demo.load, catalog_demo.load, pricing_demo.load, payments_demo.load, orders_demo.load,
           shipping_demo.load, support_demo.load, feedback_demo.load]


class Command(BaseCommand):
    help = "Create demo data (idempotent) and print the demo logins."

    def handle(self, *args, **options):
        logins = []
        for load in LOADERS:
            logins.extend(load())
        self.stdout.write(self.style.SUCCESS("Demo data ready. Logins:"))
        for row in logins:
            role, email, password, *rest = row
            code = f"  dealer code {rest[0]}" if rest and rest[0] else ""
            self.stdout.write(f"  {role:<24} {email:<34} {password}{code}")
