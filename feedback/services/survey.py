"""The survey's settings (issue 17): one row, pk 1, made from the NPS_* settings the first time it is read."""
from django.conf import settings as django_settings
from django.db import IntegrityError, transaction

from ..models import SurveySettings

PK = 1


def defaults() -> dict:
    return {"delay_days": django_settings.NPS_DELAY_DAYS, "window_days": django_settings.NPS_WINDOW_DAYS,
            "link_days": django_settings.NPS_LINK_DAYS}


def settings() -> SurveySettings:
    """The SurveySettings row (pk 1), created with NPS_DELAY_DAYS / NPS_WINDOW_DAYS / NPS_LINK_DAYS when missing
    (two first readers at once: one creates it, the other reads it)."""
    row = SurveySettings.objects.filter(pk=PK).first()
    if row is not None:
        return row
    try:
        with transaction.atomic():
            return SurveySettings.objects.create(pk=PK, **defaults())
    except IntegrityError:
        return SurveySettings.objects.get(pk=PK)
