"""Reading a day out of a filter (a query parameter, a form value): one rule for every list page and API."""
import datetime


def day_or_none(value) -> datetime.date | None:
    """`value` as a date (a date, or "YYYY-MM-DD" with spaces around), or None when it is empty or unreadable: a
    list filter ignores a day it cannot read rather than failing."""
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value).strip()) if value else None
    except ValueError:
        return None
