"""Read an import file (CSV in UTF-8 with any of , ; tab as delimiter, or the first sheet of an XLSX) as text rows.

Every reader yields `(row_number, {column: text})` where row 1 is the header, so the numbers match what a
person sees in a spreadsheet. Cells are stripped strings; fully blank rows are skipped.
"""
import csv
import datetime
import io
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from portal import spreadsheets

DELIMITERS = (",", ";", "\t")


class UnreadableFile(ValueError):
    """The file is not a CSV or XLSX we can read; the message is shown to the user."""


@dataclass
class Table:
    header: list[str]
    rows: Iterator[tuple[int, dict]]
    total: int  # an estimate of the data rows, for progress


def normalise_header(name) -> str:
    return str(name or "").replace("\ufeff", "").strip().lower()


def cell_text(value) -> str:
    """A spreadsheet or JSON value as the text a person typed: 12.5 → "12.5", 8690000000011.0 → "8690000000011"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return format(Decimal(repr(value)), "f")
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return str(value).strip()


def detect_delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_csv(path) -> Table:
    raw = Path(path).read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadableFile(_("The file is not UTF-8 text (byte %(pos)d). Save the CSV as UTF-8.") % {"pos": exc.start})
    first_line = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=detect_delimiter(first_line))
    try:
        header = [normalise_header(h) for h in next(reader)]
    except StopIteration:
        raise UnreadableFile(_("The file is empty."))
    total = max(text.count("\n") - 1 + (0 if text.endswith("\n") else 1), 0)

    def rows():
        number = 1
        for record in reader:
            number += 1
            cells = [c.strip() for c in record]
            if not any(cells):
                continue
            row = {name: (cells[i] if i < len(cells) else "") for i, name in enumerate(header) if name}
            if len(cells) > len(header) and any(cells[len(header):]):
                row[None] = cells[len(header):]  # more cells than columns: reported by the validator
            yield number, row

    return Table(header=header, rows=rows(), total=total)


def xlsx_limits() -> spreadsheets.Limits:
    """The catalog import's bounds for the one spreadsheet guard (settings IMPORT_XLSX_*)."""
    return spreadsheets.Limits(
        max_unpacked_bytes=settings.IMPORT_XLSX_MAX_UNPACKED_MB * 1024 * 1024,
        max_shared_strings_bytes=settings.IMPORT_XLSX_MAX_SHARED_STRINGS_MB * 1024 * 1024,
        max_rows=settings.IMPORT_XLSX_MAX_ROWS, max_columns=settings.IMPORT_XLSX_MAX_COLUMNS)


def read_xlsx(path) -> Table:
    """The first sheet, read through the one spreadsheet guard (portal.spreadsheets): a workbook that unpacks too
    large, or a sheet with too many rows or columns, is refused with a message before or while it is read."""
    limits = xlsx_limits()
    try:
        workbook = spreadsheets.open_workbook(path, limits)
    except spreadsheets.SpreadsheetRefused as exc:
        raise UnreadableFile(str(exc)) from None
    if not workbook.worksheets:
        workbook.close()
        raise UnreadableFile(_("The file is not a readable XLSX workbook."))
    sheet = workbook.worksheets[0]
    values = spreadsheets.xlsx_rows(sheet, limits)
    try:
        header = [normalise_header(h) for h in next(values)[1]]
    except StopIteration:
        workbook.close()
        raise UnreadableFile(_("The file is empty."))
    except spreadsheets.SpreadsheetRefused as exc:
        workbook.close()
        raise UnreadableFile(str(exc)) from None
    while header and not header[-1]:
        header.pop()
    total = max((sheet.max_row or 1) - 1, 0)

    def rows():
        try:
            for number, record in values:
                cells = [cell_text(v) for v in record]
                if not any(cells):
                    continue
                row = {name: (cells[i] if i < len(cells) else "") for i, name in enumerate(header) if name}
                if len(cells) > len(header) and any(cells[len(header):]):
                    row[None] = cells[len(header):]
                yield number, row
        except spreadsheets.SpreadsheetRefused as exc:  # too many rows or columns: the whole file is refused
            from .rows import ImportInvalid

            raise ImportInvalid([{"row": 0, "column": "", "message": str(exc)}], message=str(exc)) from None
        finally:
            workbook.close()

    return Table(header=header, rows=rows(), total=total)


def read_table(path) -> Table:
    """Pick the reader by the file's content (an XLSX is a zip), not by its name alone."""
    with open(path, "rb") as fh:
        magic = fh.read(4)
    if magic == b"PK\x03\x04":
        return read_xlsx(path)
    if str(path).lower().endswith((".xlsx", ".xlsm")):
        raise UnreadableFile(_("The file is not a readable XLSX workbook."))
    return read_csv(path)


def json_rows(rows) -> Table:
    """Rows of the bulk API: a list of objects; row numbers count from 1 in the list."""
    header = []
    seen = set()
    for item in rows:
        for key in item:
            name = normalise_header(key)
            if name not in seen:
                seen.add(name)
                header.append(name)

    def gen():
        for number, item in enumerate(rows, start=1):
            yield number, {normalise_header(k): cell_text(v) for k, v in item.items()}

    return Table(header=header, rows=gen(), total=len(rows))
