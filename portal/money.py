"""Money helpers: Decimal only, one rounding rule (0.01, ROUND_HALF_UP) for the whole portal."""
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.formats import number_format

CENT = Decimal("0.01")
DEFAULT_CURRENCY = "TRY"


def to_decimal(value) -> Decimal:
    """A Decimal from a str/int/Decimal. Floats are refused: they cannot hold money exactly."""
    if isinstance(value, float):
        raise TypeError("Money must not be a float; pass a str or Decimal.")
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise ValueError(f"Not an amount: {value!r}") from exc


def quantize(value) -> Decimal:
    """Round an amount to cents, half up: the rounding every line total in the portal uses."""
    return to_decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def vat_amount(net, rate) -> Decimal:
    """VAT on a net amount at `rate` percent, rounded like every other amount."""
    return quantize(to_decimal(net) * to_decimal(rate) / Decimal(100))


def format_money(amount, currency=DEFAULT_CURRENCY) -> str:
    """`12,400.00 TRY` in the active language's number format."""
    return f"{number_format(quantize(amount), decimal_pos=2, force_grouping=True)} {currency}"


def format_percent(value, *, signed=False) -> str:
    """`+3 %`, `-2.5 %`: a percent in the active language's number format, trailing zeros dropped."""
    value = to_decimal(value).normalize()
    if value == value.to_integral():
        value = value.quantize(Decimal(1))
    text = number_format(abs(value))
    sign = "-" if value < 0 else ("+" if signed and value > 0 else "")
    return f"{sign}{text} %"
