"""Phone numbers in E.164 (+905321234567): what a messaging channel (WhatsApp) sends as the sender, so a dealer user
is found by the number it typed in any common form ("0532 123 45 67", "+90 532 123 4567"). Numbers without a country
code are read as Turkish (PHONE_REGION)."""
import phonenumbers
from django.conf import settings


def to_e164(raw: str, region: str | None = None) -> str:
    """`raw` in E.164, or "" when it is no valid number."""
    raw = (raw or "").strip()
    if not raw or len(raw) > 40:
        return ""
    if raw.isdigit() and not raw.startswith("0") and len(raw) > 10:
        raw = "+" + raw  # WhatsApp sends the number without its "+".
    try:
        number = phonenumbers.parse(raw, region or settings.PHONE_REGION)
    except phonenumbers.NumberParseException:
        return ""
    if not phonenumbers.is_valid_number(number):
        return ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_refusal():
    """What a form says under a phone number that is not valid (issue 16: WhatsApp finds users by it)."""
    from django.utils.translation import gettext as _

    return _("Enter a phone number with its country code, e.g. +90 532 123 45 67.")


def clean_phone(raw: str) -> str:
    """`raw` stripped ("" stays ""), or ValidationError when it is no valid number."""
    from django.core.exceptions import ValidationError

    raw = (raw or "").strip()
    if raw and not to_e164(raw):
        raise ValidationError(phone_refusal())
    return raw
