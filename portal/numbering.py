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
