"""Demo data of orders: sub-statuses, and orders of the demo dealers in several states (placed through the
services, so numbers, stock, history and mails are as in real life). Idempotent: orders are keyed."""
from decimal import Decimal

from django.db import transaction

from catalog.models import Product
from dealers.models import Address, Dealer, Role, User
from portal.actors import Actor

from .models import Order, OrderStatus, SubStatus

SUB_STATUSES = [
    ("waiting-for-stock", OrderStatus.CONFIRMED, "Waiting for stock", "Stok bekleniyor", "Изчаква наличност",
     "Chờ hàng", "等待库存", True, True),
    ("packed", OrderStatus.PROCESSING, "Packed", "Paketlendi", "Опакована", "Đã đóng gói", "已包装", True, False),
    ("quality-check", "", "Quality check", "Kalite kontrol", "Контрол на качеството", "Kiểm tra chất lượng",
     "质量检查", False, False),
]


def load():
    from .services import changes, ordering
    from .services.payment_options import payment_options

    with transaction.atomic():
        for code, status, en, tr, bg, vi, zh, visible, notify in SUB_STATUSES:
            SubStatus.objects.get_or_create(code=code, defaults=dict(
                status=status, name_en=en, name_tr=tr, name_bg=bg, name_vi=vi, name_zh_hans=zh,
                visible_to_dealer=visible, notify_dealer=notify))
    staff = User.objects.filter(is_superuser=True).order_by("pk").first()
    products = list(Product.objects.filter(active=True, stock_quantity__gt=50).order_by("sku")[:16])
    for dealer in Dealer.objects.filter(status=Dealer.Status.APPROVED).order_by("pk")[:2]:
        owner = User.objects.filter(dealer=dealer, role=Role.OWNER, is_active=True).first()
        if owner is None or not products or not Address.objects.filter(dealer=dealer).exists():
            continue
        actor = Actor(user=owner, dealer=dealer)
        plans = [("demo-1", products[0:3], [OrderStatus.CONFIRMED, OrderStatus.PROCESSING, OrderStatus.SHIPPED,
                                            OrderStatus.DELIVERED], {}),
                 ("demo-2", products[3:5], [OrderStatus.CONFIRMED], {}),
                 ("demo-3", products[5:8], [], {})]
        # An installment plan on account, and a card order waiting for its card (when card payments are on).
        offered = {(o.method, o.installments) for o in payment_options(dealer)}
        if ("on_account", 3) in offered:
            plans.append(("demo-4", products[12:14], [OrderStatus.CONFIRMED], {"installments": 3}))
        if ("card", 1) in offered:
            plans.append(("demo-5", products[14:16], [], {"payment_method": "card"}))
        for key, items, moves, payment in plans:
            if not items or Order.objects.filter(dealer=dealer, idempotency_key=key).exists():
                continue
            lines = [(p, max(p.min_order_quantity, Decimal(1)) * (i + 1)) for i, p in enumerate(items)]
            lines = [(p, _fit(p, q)) for p, q in lines]
            order = ordering.place_order(actor=actor, lines=lines, idempotency_key=key,
                                         checkout=ordering.Checkout(po_number=f"PO-{key.upper()}", **payment))
            for status in moves:
                if staff is not None:
                    order = changes.set_status(actor=staff, order=order, status=status)
        _demo_quotes(actor, products[8:12], staff)
    return []


def _demo_quotes(actor, products, staff):
    """A quote request waiting for the sales side, and a quote sent as revision 1 (its PDF is rendered by the
    worker `make run` starts)."""
    import datetime

    from django.utils import timezone

    from pricing.models import Quote
    from pricing.services import QuoteLineInput, request_quote, send_quote, update_quote

    if staff is None or len(products) < 4 or Quote.objects.filter(dealer=actor.dealer,
                                                                  request_note__startswith="Demo:").exists():
        return
    request_quote(actor=actor, lines=[(p, _fit(p, p.min_order_quantity * 20)) for p in products[:2]],
                  note="Demo: prices for the new Ankara warehouse, please.")
    quote = request_quote(actor=actor, lines=[(p, _fit(p, p.min_order_quantity * 50)) for p in products[2:4]],
                          note="Demo: hotel project, 50 rooms.")
    lines = [QuoteLineInput(product=line.product, quantity=line.quantity, discount_percent=Decimal("12"))
             for line in quote.lines.select_related("product")]
    update_quote(actor=staff, quote=quote, lines=lines, header={
        "valid_until": timezone.localdate() + datetime.timedelta(days=14),
        "terms": "24 ay garanti / 24 months warranty"})
    send_quote(actor=staff, quote=quote)


def _fit(product, quantity):
    """A quantity that obeys the product's multiples."""
    multiple = product.order_multiple or Decimal(1)
    steps = (quantity / multiple).to_integral_value(rounding="ROUND_CEILING")
    return max(steps * multiple, product.min_order_quantity)
