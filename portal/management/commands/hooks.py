"""`manage.py hooks`: every hook point (portal/hooks.py), its keywords and doc, and who is registered on it; then every
document kind (portal/documents.py) the apps registered in ready(), and who may download each kind of file."""
from django.core.management.base import BaseCommand

from portal import documents, hooks


class Command(BaseCommand):
    help = "Lists every hook point, its keywords and the functions registered on it, then the document kinds."

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
        self.list_documents()

    def list_documents(self):
        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING("Document kinds (portal.documents.register_kind)"))
        kinds = documents.registered_kinds()
        for kind in kinds:
            self.stdout.write(f"  {kind.name}: {kind.template}")
            self.stdout.write(f"    may download: {_name(kind.can_read)}")
        if not kinds:
            self.stdout.write("    (none registered)")
        rendered = {kind.name for kind in kinds}
        self.stdout.write(self.style.MIGRATE_HEADING("Other downloadable files (portal.documents.register_access)"))
        others = {name: check for name, check in documents.registered_access().items() if name not in rendered}
        for name, check in others.items():
            self.stdout.write(f"  {name}")
            self.stdout.write(f"    may download: {_name(check)}")
        if not others:
            self.stdout.write("    (none registered)")


def _name(fn) -> str:
    if fn is None:
        return "staff only"
    return f"{fn.__module__}.{fn.__qualname__}"
