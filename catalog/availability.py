"""The one availability rule: what a card, the product page, quick order, the cart, the quote editor, the checkout
review and the API say about stock (in stock / low: n left / ships in N days / not available), and how much of a
wanted quantity can be delivered. Pure: it reads only the product row already loaded (no query).

`take_stock` (catalog.services) stays the final guard under locks when an order is placed; this rule lets the user
see the same answer earlier."""
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from .errors import NotAvailable, NotEnoughStock
from .units import quantity_with_unit

IN_STOCK = "in_stock"
LOW = "low"
BACKORDER = "backorder"
UNAVAILABLE = "unavailable"
STATUSES = (IN_STOCK, LOW, BACKORDER, UNAVAILABLE)

# What a dealer is told about stock (settings.STOCK_DISPLAY): the number on hand, bands only, or nothing beyond
# "orderable / not orderable". Staff always see the number.
EXACT = "exact"
BANDS = "bands"
NONE = "none"
DISPLAY_MODES = (EXACT, BANDS, NONE)

# Stock is "low" while it holds fewer than this many minimum orders (5 pieces at a minimum of 1, 50 m at 10 m).
LOW_STOCK_MINIMUM_ORDERS = 5

CSS_CLASSES = {IN_STOCK: "ok", LOW: "warn", BACKORDER: "warn", UNAVAILABLE: "err"}


def stock_display(display=None) -> str:
    """The display mode in force: `display` when given, else the STOCK_DISPLAY setting (anything unknown: bands)."""
    mode = (display or getattr(settings, "STOCK_DISPLAY", BANDS) or BANDS).strip().lower()
    return mode if mode in DISPLAY_MODES else BANDS


def _decimal(value, default) -> Decimal:
    try:
        result = Decimal(str(value)) if value is not None and value != "" else Decimal(default)
    except (InvalidOperation, ValueError):
        return Decimal(default)
    return result if result.is_finite() else Decimal(default)


def most_orderable(stock: Decimal, minimum: Decimal, multiple: Decimal) -> Decimal:
    """The largest quantity that obeys the quantity rule (at least the minimum, a multiple of the order multiple)
    and does not exceed `stock`; 0 when there is none."""
    if multiple <= 0:
        multiple = Decimal(1)
    most = (stock // multiple) * multiple
    return most if most >= minimum and most > 0 else Decimal(0)


@dataclass(frozen=True)
class Availability:
    """What can be said about one product (and, with `quantity`, one wanted quantity of it)."""
    status: str                    # in_stock / low / backorder / unavailable
    available: Decimal             # on hand (never negative)
    minimum: Decimal               # minimum order quantity
    most_from_stock: Decimal       # the largest orderable quantity stock covers (0: none)
    lead_time_days: int
    allow_backorder: bool
    unit: str                      # unit code, worded through catalog.units
    display: str                   # exact / bands / none
    quantity: Decimal | None = None              # the quantity asked about, if any
    can_deliver: bool = True                     # the asked quantity (or, without one, the minimum) can be delivered
    deliverable_quantity: Decimal | None = None  # what of the asked quantity can be delivered (None: no quantity)
    from_stock: Decimal | None = None            # of the asked quantity: what stock covers now
    backordered: Decimal | None = None           # of the asked quantity: what ships after the lead time

    @property
    def orderable(self) -> bool:
        return self.status != UNAVAILABLE

    @property
    def css(self) -> str:
        if self.display == NONE and self.status == LOW:
            return CSS_CLASSES[IN_STOCK]  # "Available" in the colour of low stock would tell what the mode hides
        return CSS_CLASSES[self.status]

    def _qty(self, quantity) -> str:
        return quantity_with_unit(quantity, self.unit)

    def _ships(self) -> str:
        if self.lead_time_days:
            return ngettext("Ships in %(days)s day", "Ships in %(days)s days", self.lead_time_days) % {
                "days": self.lead_time_days}
        return _("Available on backorder")

    @property
    def label(self) -> str:
        """The badge: "12 pieces in stock" / "Low: 3 pieces left" (exact), "In stock" / "Low stock" (bands),
        "Available" (none), "Ships in 14 days", "Not available"."""
        if self.status == UNAVAILABLE:
            return pgettext("stock", "Not available")
        if self.status == BACKORDER:
            return self._ships()
        if self.display == NONE:
            return pgettext("stock", "Available")
        if self.status == LOW:
            if self.display == EXACT:
                return _("Low: %(quantity)s left") % {"quantity": self._qty(self.available)}
            return pgettext("stock", "Low stock")
        if self.display == EXACT:
            return _("%(quantity)s in stock") % {"quantity": self._qty(self.available)}
        return _("In stock")

    @property
    def detail(self) -> str:
        """Why, for a product that cannot be ordered or ships late beyond its stock (may be empty)."""
        if self.status == UNAVAILABLE:
            if self.available > 0:
                if self.display == EXACT:
                    return _("Only %(stock)s left, less than the minimum order of %(minimum)s.") % {
                        "stock": self._qty(self.available), "minimum": self._qty(self.minimum)}
                return _("Less than the minimum order of %(minimum)s is left.") % {"minimum": self._qty(self.minimum)}
            return _("Out of stock and not available on backorder.")
        if self.status in (IN_STOCK, LOW) and self.allow_backorder:
            if self.lead_time_days:
                return ngettext("More ships in %(days)s day.", "More ships in %(days)s days.",
                                self.lead_time_days) % {"days": self.lead_time_days}
        return ""

    @property
    def problem(self) -> str:
        """For a wanted quantity that cannot be delivered as asked: what can be ("" when it can)."""
        if self.quantity is None or self.can_deliver:
            return ""
        if not self.deliverable_quantity:
            return _("Not available. %(reason)s") % {"reason": self.detail}
        return _("Only %(quantity)s can be delivered.") % {"quantity": self._qty(self.deliverable_quantity)}

    @property
    def note(self) -> str:
        """For a wanted quantity that can be delivered but partly later (backorder): when."""
        if self.quantity is None or not self.can_deliver or not self.backordered:
            return ""
        days = self.lead_time_days
        if self.display == EXACT and self.from_stock:
            if days:
                return ngettext("%(now)s from stock, %(rest)s ships in %(days)s day.",
                                "%(now)s from stock, %(rest)s ships in %(days)s days.", days) % {
                    "now": self._qty(self.from_stock), "rest": self._qty(self.backordered), "days": days}
            return _("%(now)s from stock, %(rest)s on backorder.") % {
                "now": self._qty(self.from_stock), "rest": self._qty(self.backordered)}
        if self.from_stock:
            if days:
                return ngettext("Part of it ships in %(days)s day.", "Part of it ships in %(days)s days.", days) % {
                    "days": days}
            return _("Part of it is on backorder.")
        return self._ships() + "."

    @property
    def shown_quantity(self) -> Decimal | None:
        """The stock figure a reader of this display mode may see (None for bands and none)."""
        return self.available if self.display == EXACT else None

    def as_dict(self) -> dict:
        """For the API: status, label and, in exact mode, the stock figure."""
        data = {"status": self.status, "label": self.label, "orderable": self.orderable,
                "lead_time_days": self.lead_time_days if self.allow_backorder else None,
                "available": f"{self.available.normalize():f}" if self.display == EXACT else None}
        if self.quantity is not None:
            data.update(quantity=f"{self.quantity.normalize():f}", can_deliver=self.can_deliver,
                        deliverable_quantity=f"{self.deliverable_quantity.normalize():f}",
                        problem=self.problem, note=self.note)
        return data


def availability(product, quantity=None, *, display=None) -> Availability:
    """The availability of `product` (a Product row: stock_quantity, min_order_quantity, order_multiple,
    allow_backorder, lead_time_days, unit), and of `quantity` of it when given.

    - no backorder: in stock / low while stock covers at least one orderable quantity (minimum and multiple),
      else not available (also when some is left but less than the minimum: it could never be ordered);
    - backorder: in stock / low while stock covers an orderable quantity, else "ships in N days";
    - low: stock below LOW_STOCK_MINIMUM_ORDERS minimum orders.
    With a quantity: a no-backorder product delivers at most `most_from_stock`; a backorder one delivers all,
    part of it after the lead time."""
    stock = max(_decimal(product.stock_quantity, 0), Decimal(0))
    minimum = max(_decimal(product.min_order_quantity, 1), Decimal(0))
    multiple = _decimal(product.order_multiple, 1)
    backorder = bool(product.allow_backorder)
    most = most_orderable(stock, minimum, multiple)
    if not most:
        status = BACKORDER if backorder else UNAVAILABLE
    elif stock < LOW_STOCK_MINIMUM_ORDERS * max(minimum, Decimal(1)):
        status = LOW
    else:
        status = IN_STOCK
    common = dict(status=status, available=stock, minimum=minimum, most_from_stock=most,
                  lead_time_days=int(product.lead_time_days or 0), allow_backorder=backorder,
                  unit=product.unit, display=stock_display(display))
    if quantity is None:
        return Availability(**common, can_deliver=status != UNAVAILABLE)
    wanted = max(_decimal(quantity, 0), Decimal(0))
    if backorder:
        now = min(wanted, stock)
        return Availability(**common, quantity=wanted, can_deliver=True, deliverable_quantity=wanted,
                            from_stock=now, backordered=wanted - now)
    can = wanted <= stock and status != UNAVAILABLE
    deliverable = wanted if can else min(most, wanted)
    return Availability(**common, quantity=wanted, can_deliver=can, deliverable_quantity=deliverable,
                        from_stock=deliverable, backordered=Decimal(0))


def require_deliverable(*, product, quantity, before=None, display=None) -> Availability:
    """Refuse `quantity` of `product` when it cannot be delivered as asked (NotAvailable: nothing can be;
    NotEnoughStock: only part), saying what can be. `before`: what a cart line already holds (the quantity is then
    the new total). Where a line is taken in (cart, quick order); take_stock stays the guard under locks."""
    stock = availability(product, quantity, display=display)
    if stock.can_deliver:
        return stock
    if not stock.deliverable_quantity:
        raise NotAvailable(stock.problem, field="quantity", params={"sku": product.sku})
    message = stock.problem
    if before:
        message = _("Only %(quantity)s can be delivered; %(before)s already in the cart.") % {
            "quantity": stock._qty(stock.deliverable_quantity), "before": stock._qty(before)}
    raise NotEnoughStock(message, field="quantity", params={
        "sku": product.sku, "deliverable_quantity": f"{stock.deliverable_quantity.normalize():f}"})
