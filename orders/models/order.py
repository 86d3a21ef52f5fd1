"""Orders with their lines, status history and admin-defined sub-statuses; returns (RMA) of delivered lines."""
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from portal.lifecycle import Lifecycle, StatusChange, status_fields
from pricing.models.prices import MAX_INSTALLMENTS, PaymentAdjustment

from ..errors import ReturnStatusNotAllowed, StatusNotAllowed
from .cart import QUANTITY_DIGITS, QUANTITY_PLACES

MONEY = {"max_digits": 14, "decimal_places": 2}
QUANTITY = {"max_digits": QUANTITY_DIGITS, "decimal_places": QUANTITY_PLACES}


class OrderStatus(models.TextChoices):
    PENDING_APPROVAL = "pending_approval", _("Waiting for approval")
    PLACED = "placed", _("Placed")
    CONFIRMED = "confirmed", _("Confirmed")
    PROCESSING = "processing", _("Processing")
    PARTIALLY_SHIPPED = "partially_shipped", _("Partially shipped")
    SHIPPED = "shipped", _("Shipped")
    DELIVERED = "delivered", _("Delivered")
    CANCELLED = "cancelled", _("Cancelled")
    REJECTED = "rejected", _("Rejected by approver")


S = OrderStatus
# The only moves an order makes (design.md); ORDER.move checks every move against it. pending_approval → placed is
# the approver's move (ordering.approve_order), never a staff move (changes.staff_moves).
TRANSITIONS = {
    S.PENDING_APPROVAL: {S.PLACED, S.REJECTED, S.CANCELLED},
    S.PLACED: {S.CONFIRMED, S.PROCESSING, S.CANCELLED},
    S.CONFIRMED: {S.PROCESSING, S.PARTIALLY_SHIPPED, S.SHIPPED, S.CANCELLED},
    S.PROCESSING: {S.PARTIALLY_SHIPPED, S.SHIPPED, S.CANCELLED},
    # Back to processing or partially shipped: a shipment came back undelivered (shipping's `returned`), so its goods
    # are to ship again (the shipping stage moves the order; staff may too).
    S.PARTIALLY_SHIPPED: {S.SHIPPED, S.DELIVERED, S.PROCESSING},
    S.SHIPPED: {S.DELIVERED, S.PARTIALLY_SHIPPED, S.PROCESSING},
    S.DELIVERED: set(),
    S.CANCELLED: set(),
    S.REJECTED: set(),
}
# While an order holds stock (taken when placed, given back when cancelled).
HOLDS_STOCK = {S.PLACED, S.CONFIRMED, S.PROCESSING, S.PARTIALLY_SHIPPED, S.SHIPPED, S.DELIVERED}
# A dealer may change quantities or cancel only before processing starts.
CHANGEABLE = {S.PENDING_APPROVAL, S.PLACED, S.CONFIRMED}


class ShippingMethod(models.TextChoices):
    """The methods orders offers, free, while no shipping stage answers orders.shipping_options (orders/hooks.py)."""

    STANDARD = "standard", _("Standard")
    EXPRESS = "express", _("Express")
    FREIGHT = "freight", _("Freight")


# How an order is paid: pricing's payment methods (each may carry a price adjustment). Card is offered only when a
# card payment provider is configured (settings.CARD_PAYMENT_PROVIDER).
PaymentMethod = PaymentAdjustment.Method


class SubStatus(models.Model):
    """An admin-defined step inside a status ("Waiting for stock", "Packed"): named in every language, shown to
    dealers or not, mailed to dealers or not."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    status = models.CharField(_("within status"), max_length=20, choices=OrderStatus.choices, blank=True,
                              help_text=_("Empty: usable with any status."))
    name_en = models.CharField(_("name (English)"), max_length=100)
    name_tr = models.CharField(_("name (Turkish)"), max_length=100, blank=True)
    name_bg = models.CharField(_("name (Bulgarian)"), max_length=100, blank=True)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=100, blank=True)
    name_zh_hans = models.CharField(_("name (Chinese)"), max_length=100, blank=True)
    visible_to_dealer = models.BooleanField(_("shown to dealers"), default=True)
    notify_dealer = models.BooleanField(_("mails the dealer"), default=False)
    ordering = models.PositiveSmallIntegerField(pgettext_lazy("position in a list", "order"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("order sub-status")
        verbose_name_plural = _("order sub-statuses")
        ordering = ["ordering", "code"]

    def __str__(self):
        return self.label()

    def label(self, language=None) -> str:
        language = (language or get_language() or "en").replace("-", "_").lower()
        return getattr(self, f"name_{language}", "") or self.name_en


class Order(models.Model):
    number = models.CharField(_("number"), max_length=20, unique=True)
    dealer = models.ForeignKey("dealers.Dealer", verbose_name=_("dealer"), on_delete=models.PROTECT,
                               related_name="orders")
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("placed by"), on_delete=models.PROTECT,
                                  related_name="placed_orders")
    on_behalf = models.BooleanField(_("placed by an agent"), default=False)
    status = models.CharField(_("status"), max_length=20, choices=OrderStatus.choices, default=S.PLACED)
    sub_status = models.ForeignKey(SubStatus, verbose_name=_("sub-status"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    quote_number = models.CharField(_("from quote"), max_length=20, blank=True, db_index=True)
    # Addresses are copied: later edits of the address book must not change a placed order.
    shipping_address = models.TextField(_("shipping address"))
    billing_address = models.TextField(_("billing address"))
    # The shipping method's code (a shipping-stage method's code; without one, one of ShippingMethod's), and what it
    # cost and was called when the order was placed: fixed then, whatever the rates become.
    shipping_method = models.CharField(_("shipping method"), max_length=40, default=ShippingMethod.STANDARD)
    shipping_label = models.CharField(_("shipping method name"), max_length=100, blank=True)
    shipping_net = models.DecimalField(_("shipping charge (net)"), **MONEY, default=Decimal("0.00"))
    shipping_vat_rate = models.DecimalField(_("VAT rate on shipping (%)"), max_digits=5, decimal_places=2,
                                            default=Decimal("0.00"))
    shipping_vat = models.DecimalField(_("VAT on shipping"), **MONEY, default=Decimal("0.00"))
    # Cargo insurance the dealer chose at checkout; its premium is part of shipping_net (shown apart).
    shipping_insured = models.BooleanField(_("cargo insurance"), default=False)
    shipping_insurance_net = models.DecimalField(_("insurance premium (net)"), **MONEY, default=Decimal("0.00"))
    payment_method = models.CharField(_("payment method"), max_length=12, choices=PaymentMethod.choices,
                                      default=PaymentMethod.ON_ACCOUNT)
    # 1, or an installment plan pricing offers for the method (its adjustment is in the line prices): on account,
    # the invoice is split into this many monthly due dates; by card, the card issuer splits it.
    installments = models.PositiveSmallIntegerField(_("installments"), default=1)
    po_number = models.CharField(_("your PO number"), max_length=50, blank=True, db_index=True)
    requested_delivery_date = models.DateField(_("requested delivery date"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="TRY")
    total_net = models.DecimalField(_("net total"), **MONEY, default=Decimal("0.00"))
    total_vat = models.DecimalField(_("VAT"), **MONEY, default=Decimal("0.00"))
    total_gross = models.DecimalField(_("total"), **MONEY, default=Decimal("0.00"))
    # NULL, not "": the unique constraint below holds only for orders placed with a key.
    idempotency_key = models.CharField(_("idempotency key"), max_length=100, null=True, blank=True,  # noqa: DJ001
                                       editable=False)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("approved or rejected by"), null=True,
                                   blank=True, on_delete=models.PROTECT, related_name="+")
    decision_note = models.TextField(_("approval note"), blank=True)
    created_at = models.DateTimeField(_("placed at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)


    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # A double submit or an API retry with the same key is the same order.
            models.UniqueConstraint(fields=["dealer", "idempotency_key"], condition=Q(idempotency_key__isnull=False),
                                    name="one_order_per_idempotency_key"),
            # A quote becomes at most one order, whoever accepts it and however often.
            models.UniqueConstraint(fields=["quote_number"], condition=~Q(quote_number=""),
                                    name="one_order_per_quote"),
            models.CheckConstraint(condition=Q(installments__gte=1) & Q(installments__lte=MAX_INSTALLMENTS),
                                   name="order_installments_range"),
            models.CheckConstraint(condition=Q(total_net__gte=0) & Q(total_vat__gte=0) & Q(total_gross__gte=0),
                                   name="order_totals_not_negative"),
        ]
        indexes = [models.Index(fields=["dealer", "status", "-created_at"])]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("orders:order", args=[self.number])

    @property
    def shipping_gross(self):
        return self.shipping_net + self.shipping_vat

    @property
    def goods_net(self):
        """The goods' net value (the total without the shipping charge)."""
        return self.total_net - self.shipping_net

    @property
    def goods_vat(self):
        return self.total_vat - self.shipping_vat

    def shipping_method_name(self, language=None) -> str:
        """The method's name in the reader's language (`language`, default: the active one) through
        orders.shipping_method_name, not the placer's; the name stored when placed for a method that is gone."""
        from ..hooks import method_name

        return method_name(self.shipping_method, label=self.shipping_label, language=language)


class OrderLine(models.Model):
    order = models.ForeignKey(Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey("catalog.Product", verbose_name=_("product"), on_delete=models.PROTECT,
                                related_name="+")
    # What was sold, as it was then.
    sku = models.CharField(_("SKU"), max_length=64)
    name = models.CharField(_("name"), max_length=255)
    unit = models.CharField(_("unit"), max_length=20)
    quantity = models.DecimalField(_("quantity"), **QUANTITY)
    unit_price = models.DecimalField(_("unit price"), **MONEY)
    market_price = models.DecimalField(_("market price"), **MONEY, null=True, blank=True)
    vat_rate = models.DecimalField(_("VAT rate (%)"), max_digits=5, decimal_places=2)
    line_net = models.DecimalField(_("net"), **MONEY)
    line_vat = models.DecimalField(_("VAT"), **MONEY)
    rules = models.JSONField(_("why this price"), default=list, blank=True)
    returned_quantity = models.DecimalField(_("returned"), **QUANTITY, default=Decimal("0"))
    # What will never ship: staff cancelled the rest of the line (short-shipping); it is no longer owed or exposed.
    short_shipped_quantity = models.DecimalField(_("cancelled (not shipped)"), **QUANTITY, default=Decimal("0"))
    # What the order took from stock for this line (less than the quantity when part is on backorder).
    stock_taken = models.DecimalField(_("taken from stock"), **QUANTITY, default=Decimal("0"))
    ordering = models.PositiveIntegerField(pgettext_lazy("position in a list", "order"), default=0)

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        ordering = ["ordering", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="order_line_quantity_positive"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="order_line_price_not_negative"),
            models.CheckConstraint(condition=Q(returned_quantity__gte=0) & Q(returned_quantity__lte=F("quantity")),
                                   name="order_line_returned_within_quantity"),
            models.CheckConstraint(condition=Q(short_shipped_quantity__gte=0)
                                   & Q(short_shipped_quantity__lte=F("quantity")),
                                   name="order_line_short_shipped_within_quantity"),
        ]
        # The credit check (payments' exposure, under the dealer's credit account lock on every order) looks up each
        # counting order's short-shipped lines: few lines ever are, so this index is small and each look-up is one
        # probe instead of reading every line of the order (issue 18).
        indexes = [models.Index(fields=["order"], condition=Q(short_shipped_quantity__gt=0),
                                name="orderline_short_shipped")]

    def __str__(self):
        return f"{self.sku} × {self.quantity.normalize():f}"  # "× 1", not the stored "× 1.000"

    @property
    def line_gross(self):
        return self.line_net + self.line_vat


class OrderStatusChange(StatusChange):
    """One move of an order, and who made it: the history shown on the order page (a sub-status set within the
    same status is a row too)."""

    order = models.ForeignKey(Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="history")
    from_status, to_status = status_fields(OrderStatus, 20)
    sub_status = models.ForeignKey(SubStatus, verbose_name=_("sub-status"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    # Staff choose, for each note they write, whether the dealer reads it; an internal note stays in the admin.
    note_internal = models.BooleanField(_("internal note (staff only)"), default=False)

    class Meta(StatusChange.Meta):
        verbose_name = _("status change")
        verbose_name_plural = _("status history")

    def visible_to_dealer(self) -> bool:
        return self.sub_status is None or self.sub_status.visible_to_dealer

    @property
    def dealer_note(self) -> str:
        """The note as the dealer may read it: nothing when staff marked it internal."""
        return "" if self.note_internal else self.note


ORDER = Lifecycle(
    "orders.order", statuses=OrderStatus, transitions=TRANSITIONS, history=OrderStatusChange, history_of="order",
    error=StatusNotAllowed, refusal=_("An order cannot go from “%(current)s” to “%(target)s”."))


class ReturnStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", pgettext_lazy("return status", "Approved")
    REJECTED = "rejected", pgettext_lazy("return status", "Rejected")
    # The goods of an approved return are back (staff, or the return shipment delivered): restocked and credited.
    RECEIVED = "received", pgettext_lazy("return status", "Goods received")


class ReturnRequest(models.Model):
    """A dealer asks to send back part of a delivered line (RMA); staff approve or reject it. An approved return's
    goods come back (a return shipment, shipping) and, received, go back to stock and become a credit note
    (payments)."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    order = models.ForeignKey(Order, verbose_name=_("order"), on_delete=models.PROTECT, related_name="returns")
    line = models.ForeignKey(OrderLine, verbose_name=_("order line"), on_delete=models.PROTECT,
                             related_name="returns")
    quantity = models.DecimalField(_("quantity"), **QUANTITY)
    reason = models.TextField(_("reason"))
    status = models.CharField(_("status"), max_length=10, choices=ReturnStatus.choices,
                              default=ReturnStatus.REQUESTED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=pgettext_lazy("return", "requested by"),
                                     on_delete=models.PROTECT, related_name="+")
    on_behalf = models.BooleanField(_("by an agent for the dealer"), default=False)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=pgettext_lazy("return", "approved or rejected by"),
                                   null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("approved or rejected at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)

    class Meta:
        verbose_name = _("return")
        verbose_name_plural = _("returns")
        ordering = ["-created_at", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(quantity__gt=0), name="return_quantity_positive")]

    def __str__(self):
        return self.number


def return_photo_upload_to(instance, filename):
    import uuid
    from pathlib import Path

    return f"private/returns/{uuid.uuid4().hex}{Path(filename).suffix.lower()}"


class ReturnStatusChange(StatusChange):
    """One move of a return (requested, then approved or rejected) and who made it."""

    return_request = models.ForeignKey(ReturnRequest, verbose_name=_("return"), on_delete=models.CASCADE,
                                       related_name="history")
    from_status, to_status = status_fields(ReturnStatus, 10)

    class Meta(StatusChange.Meta):
        verbose_name = _("return status change")
        verbose_name_plural = _("return status history")


# The only moves a return makes: staff approve or reject a requested return, once; the goods of an approved one
# come back (received: orders.services.returns.receive_return restocks them, payments credits them).
RETURN_TRANSITIONS = {
    ReturnStatus.REQUESTED: {ReturnStatus.APPROVED, ReturnStatus.REJECTED},
    ReturnStatus.APPROVED: {ReturnStatus.RECEIVED},
    ReturnStatus.REJECTED: set(),
    ReturnStatus.RECEIVED: set(),
}
RETURN = Lifecycle(
    "orders.return", statuses=ReturnStatus, transitions=RETURN_TRANSITIONS, history=ReturnStatusChange,
    history_of="return_request", subject="rma", error=ReturnStatusNotAllowed,
    refusal=_("A return cannot go from “%(current)s” to “%(target)s”."))


class ReturnPhoto(models.Model):
    return_request = models.ForeignKey(ReturnRequest, verbose_name=_("return"), on_delete=models.CASCADE,
                                       related_name="photos")
    image = models.FileField(_("photo"), upload_to=return_photo_upload_to)

    class Meta:
        verbose_name = _("return photo")
        verbose_name_plural = _("return photos")

    def __str__(self):
        return f"{self.return_request_id}/{self.pk}"
