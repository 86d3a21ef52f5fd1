"""Django admin of payments."""
from . import admin_credit  # noqa: E402,F401  (credit accounts)
from . import admin_invoices  # noqa: E402,F401  (invoices, payments, credit notes, allocations)
from . import admin_cards  # noqa: E402,F401  (card payments and refunds)
