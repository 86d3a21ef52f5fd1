"""Django admin of payments."""
from . import (
    admin_cards,  # noqa: E402,F401  (card payments and refunds)
    admin_credit,  # noqa: E402,F401  (credit accounts)
    admin_invoices,  # noqa: E402,F401  (invoices, payments, credit notes, allocations)
)
