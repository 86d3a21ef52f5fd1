"""HTML views of pricing: parse → service/selector → render; a DomainError becomes a form error or a message.
quotes.py holds the dealer's quote pages, quote_editor.py the staff pages (work list, editor)."""
from .quote_editor import quote_edit, work_list  # noqa: F401
from .quotes import (  # noqa: F401
    quote_accept,
    quote_detail,
    quote_list,
    quote_new,
    quote_reject,
    quote_revision,
    quote_revision_pdf,
)
