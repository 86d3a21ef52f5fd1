"""Import one table all-or-nothing, in this process: a CSV/XLSX file (command, Celery task) or the bulk API's rows.

Every row is validated first and every bad cell reported as (row, column, message); only a clean table is
written, in one transaction, with bulk upserts keyed by category code, SKU and (price list, SKU, from-quantity).
Rows equal to what is stored are not written, so importing the same file twice changes nothing.
"""
from django.db import connection, transaction
from django.utils.translation import gettext as _

from catalog import hooks
from catalog.errors import UnknownImportKind
from catalog.search import bump_catalog_version
from portal import audit

from . import readers
from .apply import HANDLERS
from .rows import ImportInvalid, ImportResult, Progress, parse_rows
from .schema import KINDS

# After a large import the planner's statistics are stale: with none, PostgreSQL guessed one match for a word
# found in 100,000 products and chose a plan a hundred times slower. Autovacuum would catch up only later.
ANALYZE_AFTER_ROWS = 1000
# (A later stage's writer analyzes its own tables: see catalog/hooks.py.)
ANALYZE_TABLES = {"categories": ["catalog_category"], "products": ["catalog_product"], "stock": ["catalog_product"]}


def analyze(kind=None, *, tables=None):
    """ANALYZE the tables of `kind` (or `tables`), after a large import committed."""
    with connection.cursor() as cursor:
        for table in tables or ANALYZE_TABLES.get(kind, []):
            cursor.execute(f"ANALYZE {table}")


def writer_of(kind):
    """The catalog's own handler of `kind`, else the one a later stage registered on catalog.import_writer, else
    None (prices while pricing is not installed)."""
    if kind in HANDLERS:
        return HANDLERS[kind]
    return next((writer for writer in hooks.import_writer.collect(kind=kind) if writer is not None), None)


def check_kind(kind):
    if kind not in KINDS:
        raise UnknownImportKind(_("Unknown import kind “%(kind)s”; use one of: %(kinds)s.")
                                % {"kind": kind, "kinds": ", ".join(KINDS)}, field="kind")
    if writer_of(kind) is None:
        raise UnknownImportKind(_("“%(kind)s” cannot be imported here.") % {"kind": kind}, field="kind")


def import_table(*, kind, table, actor, progress=None, source="file", header_checked=True) -> ImportResult:
    """Validate every row of `table`, then write all of it or (on any bad row) raise ImportInvalid."""
    check_kind(kind)
    write = writer_of(kind)
    tick = Progress(progress, table.total)
    parsed, errors = parse_rows(kind, table, tick, header_checked=header_checked)
    result = ImportResult(kind=kind, total=len(parsed))
    if errors and not parsed:
        raise ImportInvalid(errors)
    tick.total = len(parsed)
    with transaction.atomic():
        # The handler adds the errors that need the database (unknown codes, duplicates) to the cell errors,
        # so one run reports every bad row; it writes only when there are none.
        write(parsed, errors, result, tick)
        if errors:
            # Raising inside the block rolls back whatever a handler wrote before it saw the error.
            raise ImportInvalid(sorted(errors, key=lambda e: e["row"]))
        tick("writing", len(parsed), force=True)
        bump_catalog_version()
        if result.created + result.updated >= ANALYZE_AFTER_ROWS:
            transaction.on_commit(lambda: analyze(kind))
        audit.record(actor=actor, action="catalog.import", data={
            "kind": kind, "source": source, "total": result.total, "created": result.created,
            "updated": result.updated, "unchanged": result.unchanged})
    return result


def import_rows(*, kind, rows, actor, progress=None) -> ImportResult:
    """The bulk API's entry: `rows` is a list of dicts with the file's columns; row numbers count from 1."""
    return import_table(kind=kind, table=readers.json_rows(rows), actor=actor, progress=progress, source="api",
                        header_checked=False)


def import_file(*, kind, path, actor, progress=None) -> ImportResult:
    """Import a CSV or XLSX file in-process (management command, Celery task)."""
    check_kind(kind)
    try:
        table = readers.read_table(path)
    except readers.UnreadableFile as exc:
        raise ImportInvalid([{"row": 0, "column": "", "message": str(exc)}], message=str(exc))
    return import_table(kind=kind, table=table, actor=actor, progress=progress)
