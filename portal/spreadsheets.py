"""The one guard for every spreadsheet (XLSX) the portal reads: quick order uploads and the staff catalog import.

An XLSX is a zip: a 1 MB file can unpack to gigabytes (a "zip bomb"), and openpyxl keeps the shared strings in
memory even in read-only mode. Before openpyxl sees a workbook, `check_xlsx` refuses it when
- the declared unpacked size of its members is over `max_unpacked_bytes` (read from the zip's directory: cheap),
- the bytes actually unpacked, counted while reading every member, go over it (a member whose header lies),
- the shared strings table unpacks to more than `max_shared_strings_bytes`;
and `xlsx_rows` stops at `max_rows` rows and refuses a row with cells beyond `max_columns`.
Every refusal is a SpreadsheetRefused with a message for the person who uploaded the file.
"""
from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

CHUNK = 1024 * 1024
SHARED_STRINGS = "xl/sharedstrings.xml"


class SpreadsheetRefused(ValueError):
    """The workbook is too large or not readable; str(exc) is shown to the user. `reason`: too_large,
    too_many_rows, too_many_columns or unreadable (a caller may map it to its own error)."""

    def __init__(self, message, *, reason):
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class Limits:
    max_unpacked_bytes: int
    max_shared_strings_bytes: int
    max_rows: int
    max_columns: int


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f}"


def _too_large(limits: Limits) -> SpreadsheetRefused:
    return SpreadsheetRefused(_("The workbook unpacks to more than %(size)s MB; keep to the needed columns or split "
                                "it.") % {"size": _megabytes(limits.max_unpacked_bytes)}, reason="too_large")


def _too_many_strings(limits: Limits) -> SpreadsheetRefused:
    return SpreadsheetRefused(_("The workbook's texts unpack to more than %(size)s MB; keep to the needed columns or "
                                "split it.") % {"size": _megabytes(limits.max_shared_strings_bytes)},
                             reason="too_large")


def unreadable() -> SpreadsheetRefused:
    return SpreadsheetRefused(_("The file is not a readable XLSX workbook."), reason="unreadable")


def _open_source(source):
    """A path, bytes or a file object (rewound) as something zipfile reads."""
    if isinstance(source, (bytes, bytearray)):
        return io.BytesIO(source)
    if hasattr(source, "seek"):
        source.seek(0)
    return source


def check_xlsx(source, limits: Limits, *, count_actual: bool = True) -> None:
    """Refuse a workbook that unpacks too large (see the module). `count_actual=False` reads only the zip's
    directory (for a quick answer on an upload form; the reader checks again in full)."""
    try:
        with zipfile.ZipFile(_open_source(source)) as archive:
            members = archive.infolist()
            if sum(info.file_size for info in members) > limits.max_unpacked_bytes:
                raise _too_large(limits)
            for info in members:
                if info.filename.lower() == SHARED_STRINGS and info.file_size > limits.max_shared_strings_bytes:
                    raise _too_many_strings(limits)
            if not count_actual:
                return
            total = 0
            for info in members:
                unpacked = 0
                with archive.open(info) as member:
                    while chunk := member.read(CHUNK):
                        unpacked += len(chunk)
                        total += len(chunk)
                        if total > limits.max_unpacked_bytes:
                            raise _too_large(limits)
                        if info.filename.lower() == SHARED_STRINGS and unpacked > limits.max_shared_strings_bytes:
                            raise _too_many_strings(limits)
    except SpreadsheetRefused:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, KeyError, OSError, ValueError, EOFError):
        raise unreadable() from None
    finally:
        if hasattr(source, "seek"):
            source.seek(0)


def open_workbook(source, limits: Limits):
    """check_xlsx, then openpyxl's read-only workbook (the caller closes it)."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    check_xlsx(source, limits)
    try:
        return load_workbook(_open_source(source), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError):
        raise unreadable() from None


def xlsx_rows(sheet, limits: Limits):
    """The sheet's rows as tuples of values, numbered from 1; refuses past max_rows rows or max_columns columns."""
    for number, record in enumerate(sheet.iter_rows(values_only=True, max_col=limits.max_columns + 1), start=1):
        if number > limits.max_rows:
            raise SpreadsheetRefused(ngettext("The sheet has more than %(count)s row; split it.",
                                              "The sheet has more than %(count)s rows; split it.",
                                              limits.max_rows) % {"count": limits.max_rows}, reason="too_many_rows")
        if len(record) > limits.max_columns and record[limits.max_columns] not in (None, ""):
            raise SpreadsheetRefused(ngettext("The sheet has more than %(count)s column; keep to the needed ones.",
                                              "The sheet has more than %(count)s columns; keep to the needed ones.",
                                              limits.max_columns) % {"count": limits.max_columns},
                                     reason="too_many_columns")
        record = record[:limits.max_columns]
        while record and record[-1] is None:  # read-only sheets pad short rows with None
            record = record[:-1]
        yield number, record
