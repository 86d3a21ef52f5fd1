"""Parse and check the cells of an import table; the result, error and progress types every import kind shares, and
the helpers every kind's writer uses (also a later stage's, registered on the hook point catalog.import_rows)."""
import csv
import io
from dataclasses import asdict, dataclass, field

from django.utils.translation import gettext as _

from catalog.errors import ImportInvalid  # noqa: F401  (part of this module's interface)
from catalog.models import Product

from .schema import COLUMN_BY_NAME, COLUMNS, CellError, parse_cell

LOOKUP_CHUNK = 10000
PROGRESS_EVERY = 2000
# Rows written per COPY batch.
BATCH_SIZE = 5000


@dataclass
class ImportResult:
    kind: str
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list = field(default_factory=list)

    def as_dict(self):
        return asdict(self)


class Progress:
    """Calls `callback(phase, done, total)` at most every PROGRESS_EVERY rows (and at each phase change)."""

    def __init__(self, callback, total):
        self.callback = callback
        self.total = total
        self.phase = None
        self.last = 0

    def __call__(self, phase, done, *, force=False):
        if self.callback is None:
            return
        if force or phase != self.phase or done - self.last >= PROGRESS_EVERY:
            self.phase, self.last = phase, done
            self.callback(phase, done, self.total)


def add_error(errors, row, column, message):
    errors.append({"row": row, "column": column or "", "message": str(message)})


def parse_rows(kind, table, progress, *, header_checked):
    """Parse every cell. Returns [(row, values)] (only the columns the row carries) and the errors."""
    columns = COLUMN_BY_NAME[kind]
    required = [c.name for c in COLUMNS[kind] if c.required]
    errors = []
    if header_checked:
        for name in table.header:
            if name and name not in columns:
                add_error(errors, 1, name, _("Unknown column “%(name)s”; expected: %(columns)s.")
                          % {"name": name, "columns": ", ".join(columns)})
        for name in required:
            if name not in table.header:
                add_error(errors, 1, name, _("The required column “%(name)s” is missing.") % {"name": name})
        if errors:
            return [], errors
    parsed = []
    count = 0
    for number, raw in table.rows:
        count += 1
        progress("validating", count)
        values = {}
        for name, text in raw.items():
            if name is None:
                add_error(errors, number, "", _("This row has more cells than the header has columns."))
                continue
            column = columns.get(name)
            if column is None:
                if name:
                    add_error(errors, number, name, _("Unknown column “%(name)s”.") % {"name": name})
                continue
            if text == "" and column.empty_keeps:
                continue  # as if the column were left out for this row
            try:
                values[name] = parse_cell(column, text)
            except CellError as exc:
                add_error(errors, number, name, exc)
        if not header_checked:
            for name in required:
                if name not in raw:
                    add_error(errors, number, name, _("This column is required."))
        parsed.append((number, values))
    progress("validating", count, force=True)
    return parsed, errors


def chunks(items, size):
    items = list(items)
    for i in range(0, len(items), size):
        yield items[i:i + size]


def report_duplicates(parsed, key, column, errors, describe):
    """Report every row whose key an earlier row already had; return {key: row} of the first ones."""
    first = {}
    for number, values in parsed:
        k = key(values)
        if k is None:
            continue
        if k in first:
            add_error(errors, number, column, _("%(what)s appears again (first on row %(row)d).")
                      % {"what": describe(k), "row": first[k]})
        else:
            first[k] = number
    return first


def product_ids(skus):
    ids = {}
    for chunk in chunks(skus, LOOKUP_CHUNK):
        ids.update(Product.objects.filter(sku__in=chunk).values_list("sku", "id"))
    return ids


def copy_rows(cursor, table, columns, rows, *, nullable=()):
    """COPY rows into a (temporary) table: far faster than INSERTs built by the ORM for 100,000 rows.
    Every cell is quoted, so an empty one is an empty string; in the `nullable` columns it (a None) is NULL."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerows(rows)
    buffer.seek(0)
    force_null = f", FORCE_NULL ({', '.join(nullable)})" if nullable else ""
    cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv{force_null})", buffer)
