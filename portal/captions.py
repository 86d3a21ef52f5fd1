"""How one row of a status history reads wherever it is named (admin inlines, logs): "Placed → Confirmed · when · by"."""
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext


def status_change_caption(*, from_label, to_label, when, by=None) -> str:
    """`Placed → Confirmed · 2026-12-06 14:02 · by Ayşe Yılmaz` in the active language and local time; a first
    entry (no previous status) reads `→ Placed · …`."""
    parts = [f"{from_label} → {to_label}" if from_label else f"→ {to_label}"]
    if when is not None:
        parts.append(date_format(timezone.localtime(when), "SHORT_DATETIME_FORMAT"))
    if by is not None:
        name = by.get_full_name() if hasattr(by, "get_full_name") else ""
        parts.append(gettext("by %(name)s") % {"name": name or getattr(by, "email", "") or str(by)})
    return " · ".join(parts)
