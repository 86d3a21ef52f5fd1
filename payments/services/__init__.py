"""The public face of payments' services: every write and every rule of payments, one module per part, each
module's public names (its `__all__`) re-exported here. Callers import from `payments.services` (or the module);
no module imports another's `_private` name.

* credit: accounts (a pure read `account_of`, `open_account` for paths that write), exposure, the order check
* invoices: issuing, installments, the PDF, voiding (the invoice lifecycle: payments.models.INVOICE)
* allocation: payments, credit notes, matching them to invoices (and the locks they take)
* overdue: the daily overdue marks, reminders and holds
* cards: card payments on the provider's hosted page (the card payment lifecycle: payments.models.CARD_PAYMENT)
* wire: orders waiting for their wire transfer
* statements: ledgers, CSV/PDF, the accounting export
"""
from . import allocation, cards, credit, invoices, overdue, statements, wire
from .allocation import *  # noqa: F403
from .cards import *  # noqa: F403
from .credit import *  # noqa: F403
from .invoices import *  # noqa: F403
from .overdue import *  # noqa: F403
from .statements import *  # noqa: F403
from .wire import *  # noqa: F403

__all__ = [*allocation.__all__, *cards.__all__, *credit.__all__, *invoices.__all__, *overdue.__all__,
           *statements.__all__, *wire.__all__]
