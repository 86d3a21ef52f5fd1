"""Quick order: lines of `SKU quantity` pasted as text or uploaded as CSV/XLSX go into the cart (or a saved list).

Every line is read by the one parser (catalog.skus: the separators and the decimal-comma rule are written down
there), SKUs are matched whatever their case in one query, each quantity is checked by the one quantity rule. The
good lines are added; every unknown SKU, unsold product or bad quantity comes back with its line number.

A line without a quantity orders the product's minimum order quantity.

Files: at most MAX_FILE_BYTES; an XLSX is read from its first sheet in read-only mode through the one spreadsheet
guard (portal.spreadsheets: unpacked size, shared strings, rows and columns; a small zip can unpack to gigabytes);
a CSV is UTF-8 (Windows-1254 is accepted as a fallback, as Excel saves it on Turkish systems) with tab, semicolon
or comma between cells. At most MAX_LINES lines at once.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from catalog import skus as sku_lines
from catalog.errors import UnknownSku
from catalog.imports.readers import cell_text
from portal import spreadsheets
from portal.errors import DomainError

from ..errors import FileTooLarge, NoLines, TooManyLines, UnreadableFile
from .cart import add_checked_lines_to_cart_unchecked
from .lines import PRODUCT_FIELDS, AddedLine, CheckedLine, LineProblem, check_quantity, require_cart
from .saved_lists import add_checked_lines_to_list_unchecked, require_own_list

MAX_LINES = 1000
MAX_TEXT_CHARS = 100_000
MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_XLSX_UNPACKED_BYTES = 30 * 1024 * 1024
MAX_SHEET_ROWS = 5 * MAX_LINES  # rows looked at (blank ones included) before a sheet counts as too long
MAX_COLUMNS = 50


def _xlsx_limits() -> spreadsheets.Limits:
    return spreadsheets.Limits(max_unpacked_bytes=MAX_XLSX_UNPACKED_BYTES,
                               max_shared_strings_bytes=MAX_XLSX_UNPACKED_BYTES // 3,
                               max_rows=MAX_SHEET_ROWS, max_columns=MAX_COLUMNS)


@dataclass
class QuickOrderResult:
    """What was added and which lines were refused (by line number, in order)."""

    added: list[AddedLine] = field(default_factory=list)
    problems: list[LineProblem] = field(default_factory=list)

    @property
    def problem_text(self) -> str:
        """The refused lines as typed, one per line: what a person corrects and sends again."""
        return "\n".join(p.text for p in self.problems if p.text)


# --- reading -----------------------------------------------------------------------------------------------------

def read_text(text: str) -> list[sku_lines.SkuLine]:
    if len(text or "") > MAX_TEXT_CHARS:
        raise TooManyLines(_("The text is too long: at most %(count)s lines at once, please.")
                           % {"count": MAX_LINES}, field="lines")
    try:
        return sku_lines.parse_lines(text, max_lines=MAX_LINES)
    except sku_lines.BadLine as exc:
        raise TooManyLines(exc.message, field="lines") from exc


def _xlsx_rows(data: bytes):
    """The first sheet's rows, read through the one spreadsheet guard (portal.spreadsheets)."""
    try:
        workbook = spreadsheets.open_workbook(data, _xlsx_limits())
    except spreadsheets.SpreadsheetRefused as exc:
        raise _quick_order_error(exc) from None
    try:
        if not workbook.worksheets:
            raise UnreadableFile(_("The file is not a readable XLSX workbook."), field="file")
        return [(number, [cell_text(v) for v in record])
                for number, record in spreadsheets.xlsx_rows(workbook.worksheets[0], _xlsx_limits())]
    except spreadsheets.SpreadsheetRefused as exc:
        raise _quick_order_error(exc) from None
    except DomainError:
        raise
    except Exception:  # noqa: BLE001 - a damaged sheet must answer with a message, never a 500
        raise UnreadableFile(_("The file is not a readable XLSX workbook."), field="file") from None
    finally:
        workbook.close()


def _quick_order_error(exc: spreadsheets.SpreadsheetRefused) -> DomainError:
    if exc.reason == "too_many_rows":
        return TooManyLines(_("At most %(count)s lines at once, please.") % {"count": MAX_LINES}, field="file")
    if exc.reason == "unreadable":
        return UnreadableFile(str(exc), field="file")
    return FileTooLarge(str(exc), field="file")


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1254"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableFile(_("The file is not text we can read. Save the CSV as UTF-8."), field="file")


def _csv_lines(text: str) -> list[sku_lines.SkuLine]:
    if "\x00" in text:
        raise UnreadableFile(_("The file is not a CSV or XLSX file."), field="file")
    first = next((line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")), "")
    counts = {d: first.count(d) for d in ("\t", ";", ",")}
    delimiter = max(counts, key=lambda d: counts[d])
    if not counts[delimiter]:
        return read_text(text)  # "SKU quantity" with spaces: the same as pasted text
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = []
    try:
        for number, record in enumerate(reader, start=1):
            if record and record[0].lstrip().startswith("#"):
                continue
            if number > MAX_SHEET_ROWS:
                raise TooManyLines(_("At most %(count)s lines at once, please.") % {"count": MAX_LINES},
                                   field="file")
            rows.append((reader.line_num, record[:MAX_COLUMNS]))
    except csv.Error:
        raise UnreadableFile(_("The file is not a CSV or XLSX file."), field="file") from None
    return _parse_rows(rows)


def _parse_rows(rows):
    try:
        return sku_lines.parse_rows(rows, max_lines=MAX_LINES)
    except sku_lines.BadLine as exc:
        raise TooManyLines(exc.message, field="file") from exc


def read_upload(upload) -> list[sku_lines.SkuLine]:
    """The lines of an uploaded CSV or XLSX (told apart by content: an XLSX is a zip), or a plain text file."""
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_FILE_BYTES:
        raise FileTooLarge(_("The file is larger than %(size)s MB.") % {"size": MAX_FILE_BYTES // (1024 * 1024)},
                           field="file")
    data = upload.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise FileTooLarge(_("The file is larger than %(size)s MB.") % {"size": MAX_FILE_BYTES // (1024 * 1024)},
                           field="file")
    if data[:4] == b"PK\x03\x04":
        return _parse_rows(_xlsx_rows(data))
    if str(getattr(upload, "name", "")).lower().endswith((".xlsx", ".xlsm", ".xls")):
        raise UnreadableFile(_("The file is not a readable XLSX workbook."), field="file")
    return _csv_lines(_decode(data))


def read_lines(*, text=None, upload=None) -> list[sku_lines.SkuLine]:
    """The lines of pasted text and/or an uploaded file (text first); NoLines when there are none."""
    lines = []
    if text and text.strip():
        lines += read_text(text)
    if upload is not None:
        lines += read_upload(upload)
    if not lines:
        raise NoLines(_("Paste at least one line “SKU quantity” or choose a file."), field="lines")
    return lines


# --- checking ----------------------------------------------------------------------------------------------------

def resolve_lines(lines: list[sku_lines.SkuLine]) -> tuple[list[CheckedLine], list[LineProblem]]:
    """SkuLines → lines that may be added and problems (unreadable line, unknown SKU, product not sold, quantity
    against the one rule). Products are found in one query whatever the number of lines."""
    products = sku_lines.find_products([line.sku for line in lines if line.ok], fields=PRODUCT_FIELDS)
    checked, problems = [], []
    for line in lines:
        if not line.ok:
            problems.append(LineProblem.of(line.number, line.sku, line.error, line.text))
            continue
        product = products.get(line.sku.upper())
        if product is None:
            problems.append(LineProblem.of(line.number, line.sku, UnknownSku(
                _("Unknown SKU: %(skus)s") % {"skus": line.sku}, field="lines"), line.text))
            continue
        quantity = line.quantity
        try:
            value = check_quantity(product, quantity)
        except DomainError as exc:
            problems.append(LineProblem.of(line.number, product.sku, exc, line.text))
            continue
        checked.append(CheckedLine(line.number, product, value, line.text))
    return checked, problems


def _run(lines, add) -> QuickOrderResult:
    checked, problems = resolve_lines(lines)
    added, more = add(checked)
    return QuickOrderResult(added=added, problems=sorted(problems + more, key=lambda p: p.line))


def add_quick_order(*, actor, text=None, upload=None) -> QuickOrderResult:
    """Add pasted and/or uploaded `SKU quantity` lines to the actor's cart: the good ones are added in one
    transaction, every other comes back as a problem with its line number. Raises NoLines (nothing to read),
    FileTooLarge / UnreadableFile (the file), and the role refusals of require_cart."""
    require_cart(actor)
    lines = read_lines(text=text, upload=upload)
    return _run(lines, lambda checked: add_checked_lines_to_cart_unchecked(actor=actor, checked=checked))


def add_quick_order_to_list(*, actor, saved_list, text=None, upload=None) -> QuickOrderResult:
    """The same as add_quick_order, into a saved list."""
    require_cart(actor)
    require_own_list(actor, saved_list)
    lines = read_lines(text=text, upload=upload)
    return _run(lines, lambda checked: add_checked_lines_to_list_unchecked(actor=actor, saved_list=saved_list,
                                                                           checked=checked))
