"""`manage.py hooks`: every hook point (portal/hooks.py), its keywords and doc, and who is registered on it."""
from django.core.management.base import BaseCommand

from portal import hooks


class Command(BaseCommand):
    help = "Lists every hook point, its keywords, and the functions registered on it."

    def handle(self, *args, **options):
        for point in hooks.all_points():
            kind = " (one provider)" if point.single else ""
            self.stdout.write(self.style.MIGRATE_HEADING(f"{point.name}({', '.join(point.args)}){kind}"))
            self.stdout.write(f"    {point.doc}")
            functions = point.functions
            if not functions and point.default is not None:
                self.stdout.write(f"    default: {point.default.__module__}.{point.default.__qualname__}")
            for fn in functions:
                self.stdout.write(f"    - {fn.__module__}.{fn.__qualname__}")
            if not functions and point.default is None:
                self.stdout.write("    (nobody registered)")
