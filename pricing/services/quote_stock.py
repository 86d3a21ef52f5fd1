"""Whether a quote's lines can be delivered as quoted, by the catalog's one availability rule: the editor warns the
agent before sending, the dealer's page says it before "Accept and order", and acceptance refuses it early with the
reason (take_stock stays the final guard when the order is placed)."""
from django.utils.translation import gettext as _

from catalog.availability import Availability, availability
from catalog.errors import OutOfStock


def quote_stock_problems(lines, *, display=None) -> list[tuple[object, Availability]]:
    """[(line, availability)] of the quote lines (with `.product` loaded) that cannot be delivered as quoted."""
    found = []
    for line in lines:
        stock = availability(line.product, line.quantity, display=display)
        if not stock.can_deliver:
            found.append((line, stock))
    return found


def problem_text(problems) -> str:
    """"SKU: Only 5 metres can be delivered. SKU2: Not available. …" for a message or an error."""
    return " ".join(f"{line.product.sku}: {stock.problem}" for line, stock in problems)


def require_quote_deliverable(lines) -> None:
    """Refuse (OutOfStock, 409) when a line cannot be delivered as quoted, naming each with what can be."""
    problems = quote_stock_problems(lines)
    if problems:
        raise OutOfStock(_("This quote cannot be ordered as it is now: %(items)s Ask your sales contact for a new "
                           "revision.") % {"items": problem_text(problems)}, field="lines",
                         params={"skus": [line.product.sku for line, _stock in problems]})
