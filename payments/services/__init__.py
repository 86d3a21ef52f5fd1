"""Every write and every rule of payments, one module per part: credit (accounts, exposure, the order check),
invoices (issuing, installments, the PDF, voiding), allocation (payments, credit notes, matching to invoices) and
statements (ledgers, CSV/PDF, the accounting export)."""
from .allocation import *  # noqa: F401,F403
from .credit import *  # noqa: F401,F403
from .invoices import *  # noqa: F401,F403
from .overdue import run_overdue  # noqa: F401
from .statements import *  # noqa: F401,F403
