"""What several order services share: the mail context of an order, who of a dealer may do something, and the
stock an order holds (taken when it is placed or approved, given back when it is cancelled or changed)."""
from __future__ import annotations

from decimal import Decimal

from django.conf import settings

from catalog.services import release_stock, take_stock
from dealers.selectors import list_users_who_may

from ..models import OrderLine


def dealer_users_who(dealer, ability) -> list:
    return list_users_who_may(dealer=dealer, ability=ability)


def mail_context(order, **extra) -> dict:
    """What an order's mails say. The shipping method goes as its code (and the name stored when placed, for a
    method that is gone): the mail names it in its recipient's language (templates/emails/orders/_shipping_line)."""
    return {"number": order.number, "dealer_name": str(order.dealer), "total": str(order.total_gross),
            "currency": order.currency, "status": order.status, "url": settings.SITE_URL + order.get_absolute_url(),
            "shipping_method": order.shipping_method, "shipping_label": order.shipping_label,
            "shipping_net": str(order.shipping_net), "shipping_vat": str(order.shipping_vat),
            "shipping_insured": order.shipping_insured,
            "shipping_insurance_net": str(order.shipping_insurance_net), **extra}


def take_order_stock(order) -> None:
    """Take the order's quantities from stock and remember what was taken per line."""
    lines = list(order.lines.all())
    taken = take_stock(quantities={line.product_id: line.quantity for line in lines})
    for line in lines:
        line.stock_taken = taken.get(line.product_id, Decimal(0))
    OrderLine.objects.bulk_update(lines, ["stock_taken"])


def release_order_stock(order) -> None:
    """Give back what the order's lines took from stock."""
    lines = list(order.lines.all())
    release_stock(quantities={line.product_id: line.stock_taken for line in lines})
    for line in lines:
        line.stock_taken = Decimal(0)
    OrderLine.objects.bulk_update(lines, ["stock_taken"])
