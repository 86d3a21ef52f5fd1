"""Human document numbers (ORD-2026-000123, QUO-2026-000045): gapless per series and year, unique under
concurrency. The counter row is bumped by one upsert in the caller's transaction, so a rolled-back order gives
its number back and two parallel orders wait for each other on the row rather than share a number."""
from django.db import connection
from django.utils import timezone

from .models import NumberSequence


def next_number(series: str, *, year: int | None = None, width: int = 6) -> str:
    year = year or timezone.localdate().year
    key = f"{series}-{year}"
    table = NumberSequence._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (key, value) VALUES (%s, 1) "
            f"ON CONFLICT (key) DO UPDATE SET value = {table}.value + 1 RETURNING value", [key])
        value = cursor.fetchone()[0]
    return f"{key}-{value:0{width}d}"


def number_into(obj, series: str, *, field: str = "number", year: int | None = None, width: int = 6) -> str:
    """`next_number(series)` written into `obj`'s `field` (a saved row) by the same statement that bumps the
    counter: one round trip while the counter row is locked instead of two. Sets the attribute and returns it."""
    year = year or timezone.localdate().year
    key = f"{series}-{year}"
    table = NumberSequence._meta.db_table
    quote = connection.ops.quote_name
    meta = obj._meta
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH counter AS (INSERT INTO {table} (key, value) VALUES (%s, 1) "
            f"ON CONFLICT (key) DO UPDATE SET value = {table}.value + 1 RETURNING value) "
            f"UPDATE {quote(meta.db_table)} SET {quote(meta.get_field(field).column)} = "
            f"%s || LPAD(counter.value::text, GREATEST(%s, LENGTH(counter.value::text)), '0') "
            f"FROM counter WHERE {quote(meta.pk.column)} = %s RETURNING {quote(meta.get_field(field).column)}",
            [key, f"{key}-", width, obj.pk])
        row = cursor.fetchone()
    if row is None:
        raise meta.model.DoesNotExist(f"{meta.label} {obj.pk} is not saved: it cannot take a number")
    setattr(obj, field, row[0])
    return row[0]
