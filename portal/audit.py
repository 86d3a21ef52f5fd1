"""The audit log helper every service calls: who did what, for which dealer, on which object, when."""
import datetime
import re

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.formats import date_format

from .models import AuditEntry

ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def record(*, actor, action, target=None, dealer=None, data=None, ip_address=None) -> AuditEntry:
    """Write one audit row. Call it inside the service's transaction so it exists exactly when the change does.

    `dealer` defaults to the target's dealer (or the target itself when it is a dealer), so a row
    written by an agent acting for a dealer names both.
    """
    if dealer is None and target is not None:
        if target._meta.label == "dealers.Dealer":
            dealer = target
        else:
            dealer = getattr(target, "dealer", None)
    actor_user = actor if getattr(actor, "pk", None) and getattr(actor, "is_authenticated", False) else None
    return AuditEntry.objects.create(
        actor=actor_user,
        actor_repr=(actor.email if actor_user else str(actor or "system"))[:255],
        dealer=dealer,
        action=action,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:255] if target is not None else "",
        data=data or {},
        ip_address=ip_address,
    )


def local_data(value):
    """An audit row's data as staff read it: moments (stored as ISO strings in UTC by the JSON encoder) in local
    time and the reader's date-time format, so the log never shows UTC beside the local `when`."""
    if isinstance(value, dict):
        return {key: local_data(item) for key, item in value.items()}
    if isinstance(value, list):
        return [local_data(item) for item in value]
    if isinstance(value, str) and len(value) >= 16 and "T" in value:
        try:
            moment = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
        if timezone.is_aware(moment):
            return date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")
    if isinstance(value, str) and ISO_DAY.fullmatch(value):
        try:
            return date_format(datetime.date.fromisoformat(value), "SHORT_DATE_FORMAT")
        except ValueError:
            return value
    return value
