"""Every CSV file the portal writes goes through `writer()`: cells a spreadsheet would run as a formula are text.

A text cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return (payment references carry the payer's bank
text, descriptions carry what dealers typed) gets a leading single quote, the OWASP advice against CSV injection.
Numbers we format ourselves (amounts, balances) are passed as numbers (Decimal, int) and are written unchanged, so a
negative balance stays a number in the spreadsheet.
"""
import csv as _csv

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """`value` as a spreadsheet cannot run it: text that starts like a formula gets a leading quote."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class SafeWriter:
    """csv.writer whose rows go through safe_cell."""

    def __init__(self, stream, **kwargs):
        self._writer = _csv.writer(stream, **kwargs)

    def writerow(self, row):
        return self._writer.writerow([safe_cell(value) for value in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def writer(stream, **kwargs) -> SafeWriter:
    return SafeWriter(stream, **kwargs)
