"""Tables of payments: a credit account per dealer, invoices (with installments), payments and their allocation
to invoices, credit notes. Money is Decimal(14, 2); what must never happen is a database constraint."""
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal import lifecycle

from .errors import CardPaymentStatusNotAllowed, InvoiceStatusNotAllowed

MONEY = {"max_digits": 14, "decimal_places": 2}
ZERO = Decimal("0.00")


class CreditAccount(models.Model):
    """A dealer's account with the manufacturer: how much it may owe (limit), in what currency, how long it has to
    pay (net days), how it may pay, and whether it is on hold (no new on-account orders)."""

    dealer = models.OneToOneField("dealers.Dealer", verbose_name=_("dealer"), on_delete=models.CASCADE,
                                  related_name="credit_account")
    credit_limit = models.DecimalField(_("credit limit"), **MONEY, default=ZERO)
    currency = models.CharField(_("currency"), max_length=3, default="TRY")
    payment_terms_days = models.PositiveSmallIntegerField(_("payment terms (net days)"), default=30)
    allowed_methods = models.JSONField(_("allowed payment methods"), default=list, blank=True,
                                       help_text=_("Codes among on_account, wire, card; empty: all."))
    on_hold = models.BooleanField(_("on hold"), default=False)
    hold_reason = models.CharField(_("hold reason"), max_length=255, blank=True)
    # "Notify once per crossing": set when usage crossed the threshold, cleared when it falls below again.
    threshold_notified = models.BooleanField(_("credit limit warning sent"), default=False, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("credit account")
        verbose_name_plural = _("credit accounts")
        constraints = [models.CheckConstraint(condition=Q(credit_limit__gte=0), name="credit_limit_not_negative")]

    def __str__(self):
        return f"{self.dealer} · {self.credit_limit} {self.currency}"

    def allows(self, method: str) -> bool:
        return not self.allowed_methods or method in self.allowed_methods


class InvoiceStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("invoice status", "Open")
    PARTIALLY_PAID = "partially_paid", _("Partially paid")
    PAID = "paid", _("Paid")
    OVERDUE = "overdue", _("Overdue")
    VOID = "void", _("Void")


# Invoices that still take money (and count in a dealer's exposure).
OPEN_STATUSES = (InvoiceStatus.OPEN, InvoiceStatus.PARTIALLY_PAID, InvoiceStatus.OVERDUE)


class Invoice(models.Model):
    number = models.CharField(_("number"), max_length=20, unique=True)
    dealer = models.ForeignKey("dealers.Dealer", verbose_name=_("dealer"), on_delete=models.PROTECT,
                               related_name="invoices")
    # An order has one invoice, or one per part when its shipments are invoiced one by one (INVOICE_ON=shipped):
    # `part` names the shipment, empty for the whole order. At most one live invoice per order and part.
    order = models.ForeignKey("orders.Order", verbose_name=_("order"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="invoices")
    part = models.CharField(_("for shipment"), max_length=40, blank=True,
                            help_text=_("The shipment whose goods this invoice is for; empty: the whole order."))
    status = models.CharField(_("status"), max_length=16, choices=InvoiceStatus.choices, default=InvoiceStatus.OPEN)
    issue_date = models.DateField(_("issue date"))
    due_date = models.DateField(_("due date"))
    currency = models.CharField(_("currency"), max_length=3, default="TRY")
    total_net = models.DecimalField(_("net total"), **MONEY)
    total_vat = models.DecimalField(_("VAT"), **MONEY)
    total_gross = models.DecimalField(_("total"), **MONEY)
    # What payments and credit notes have settled so far (kept in step by the allocation service).
    settled = models.DecimalField(_("settled"), **MONEY, default=ZERO)
    # The order's installment plan (on account): the total is due in this many monthly installments.
    installments = models.PositiveSmallIntegerField(_("installments"), default=1)
    void_reason = models.CharField(_("void reason"), max_length=255, blank=True)
    # A void invoice lets go of its order (so the order can be invoiced again and its shipped goods count in the
    # dealer's exposure as not invoiced) and keeps it here.
    voided_order = models.ForeignKey("orders.Order", verbose_name=_("voided for order"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="voided_invoices")
    document = models.ForeignKey("portal.Document", verbose_name=_("PDF"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    last_reminder = models.CharField(
        _("last reminder"), max_length=20, blank=True, editable=False,
        help_text=_("Day of the last reminder sent, relative to the due date: negative before, 0 on the day, "
                    "positive after; empty: none yet."))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-issue_date", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(total_gross__gte=0) & Q(settled__gte=0), name="invoice_amounts"),
            models.CheckConstraint(condition=Q(settled__lte=F("total_gross")), name="invoice_not_over_settled"),
            # A void invoice lets go of its order (void_invoice), so this holds for live invoices only.
            models.UniqueConstraint(fields=["order", "part"], condition=Q(order__isnull=False),
                                    name="one_live_invoice_per_order_part"),
        ]
        indexes = [models.Index(fields=["dealer", "status", "due_date"])]

    def __str__(self):
        return self.number

    @property
    def balance(self) -> Decimal:
        return ZERO if self.status == InvoiceStatus.VOID else self.total_gross - self.settled


class InvoiceStatusChange(lifecycle.StatusChange):
    """One move of an invoice (paid, partially paid, overdue, void...), and who or what made it (None: a task)."""

    invoice = models.ForeignKey(Invoice, verbose_name=_("invoice"), on_delete=models.CASCADE,
                                related_name="status_changes")
    from_status, to_status = lifecycle.status_fields(InvoiceStatus, 16)

    class Meta(lifecycle.StatusChange.Meta):
        verbose_name = _("invoice status change")
        verbose_name_plural = _("invoice status changes")


IS = InvoiceStatus
# The moves an invoice makes: payments and credit notes settle it (allocation), a task marks it overdue (overdue),
# an installment plan's next due date in the future makes an overdue invoice open again, finance voids it while
# nothing is settled (a zero invoice is issued paid and can be voided too). Void is final.
INVOICE = lifecycle.Lifecycle(
    "payments.invoice", statuses=InvoiceStatus, history=InvoiceStatusChange, history_of="invoice",
    transitions={
        IS.OPEN: {IS.PARTIALLY_PAID, IS.PAID, IS.OVERDUE, IS.VOID},
        IS.PARTIALLY_PAID: {IS.PAID, IS.OVERDUE},
        IS.OVERDUE: {IS.OPEN, IS.PARTIALLY_PAID, IS.PAID, IS.VOID},
        IS.PAID: {IS.VOID},
        IS.VOID: set(),
    },
    error=InvoiceStatusNotAllowed, audit_action="invoice.{to}",
    refusal=_("An invoice cannot go from “%(current)s” to “%(target)s”."))


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(Invoice, verbose_name=_("invoice"), on_delete=models.CASCADE, related_name="lines")
    # The order line it bills (empty: the shipping charge, or an invoice issued before lines were linked).
    order_line = models.ForeignKey("orders.OrderLine", verbose_name=_("order line"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="invoice_lines")
    sku = models.CharField(_("SKU"), max_length=64)
    name = models.CharField(_("name"), max_length=255)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    unit_price = models.DecimalField(_("unit price"), **MONEY)
    vat_rate = models.DecimalField(_("VAT rate (%)"), max_digits=5, decimal_places=2)
    line_net = models.DecimalField(_("net"), **MONEY)
    line_vat = models.DecimalField(_("VAT"), **MONEY)
    ordering = models.PositiveIntegerField(pgettext_lazy("position in a list", "order"), default=0)

    class Meta:
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")
        ordering = ["ordering", "pk"]

    def __str__(self):
        return f"{self.sku} × {self.quantity.normalize():f}"


class InvoiceInstallment(models.Model):
    """One due date of an invoice split into installments; the amounts add up to the invoice total."""

    invoice = models.ForeignKey(Invoice, verbose_name=_("invoice"), on_delete=models.CASCADE,
                                related_name="installment_plan")
    number = models.PositiveSmallIntegerField(_("installment"))
    due_date = models.DateField(_("due date"))
    amount = models.DecimalField(_("amount"), **MONEY)

    class Meta:
        verbose_name = _("installment")
        verbose_name_plural = _("installments")
        ordering = ["invoice", "number"]
        constraints = [models.UniqueConstraint(fields=["invoice", "number"], name="one_installment_number"),
                       models.CheckConstraint(condition=Q(amount__gt=0), name="installment_amount_positive")]

    def __str__(self):
        return f"{self.number} · {date_format(self.due_date, 'SHORT_DATE_FORMAT')}"


class PaymentKind(models.TextChoices):
    WIRE = "wire", _("Wire transfer")
    CASH = "cash", _("Cash")
    CARD = "card", _("Card")
    CHEQUE = "cheque", _("Cheque")


class PaymentQuerySet(models.QuerySet):
    def with_credit(self):
        """Payments with money neither allocated to invoices nor refunded: the dealer's credit."""
        return self.filter(allocated__lt=F("amount") - F("refunded"))


class Payment(models.Model):
    """Money received from a dealer. What is neither allocated to invoices nor refunded is the dealer's credit
    balance."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    dealer = models.ForeignKey("dealers.Dealer", verbose_name=_("dealer"), on_delete=models.PROTECT,
                               related_name="payments")
    kind = models.CharField(_("method"), max_length=10, choices=PaymentKind.choices)
    amount = models.DecimalField(_("amount"), **MONEY)
    currency = models.CharField(_("currency"), max_length=3, default="TRY")
    received_on = models.DateField(_("received on"))
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    order = models.ForeignKey("orders.Order", verbose_name=_("for order"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="payments",
                              help_text=_("A wire transfer an order waits for."))
    allocated = models.DecimalField(_("allocated"), **MONEY, default=ZERO)
    # Paid back to the dealer (a card refund): no longer the dealer's credit.
    refunded = models.DecimalField(_("refunded"), **MONEY, default=ZERO)
    # NULL: no key, outside the unique constraint.
    idempotency_key = models.CharField(_("idempotency key"), max_length=100, null=True, blank=True,  # noqa: DJ001
                                       editable=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = PaymentQuerySet.as_manager()

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-received_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(condition=Q(allocated__gte=0) & Q(refunded__gte=0)
                                   & Q(allocated__lte=F("amount") - F("refunded")), name="payment_not_over_allocated"),
            models.UniqueConstraint(fields=["dealer", "idempotency_key"], condition=Q(idempotency_key__isnull=False),
                                    name="one_payment_per_idempotency_key"),
        ]

    def __str__(self):
        return self.number

    @property
    def unallocated(self) -> Decimal:
        return self.amount - self.refunded - self.allocated


class CreditNote(models.Model):
    """Money the manufacturer owes back (an approved return, or by hand): it settles invoices like a payment."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    dealer = models.ForeignKey("dealers.Dealer", verbose_name=_("dealer"), on_delete=models.PROTECT,
                               related_name="credit_notes")
    amount = models.DecimalField(_("amount"), **MONEY)
    currency = models.CharField(_("currency"), max_length=3, default="TRY")
    issued_on = models.DateField(_("issued on"))
    reason = models.CharField(_("reason"), max_length=255)
    return_request = models.OneToOneField("orders.ReturnRequest", verbose_name=_("return"), null=True, blank=True,
                                          on_delete=models.PROTECT, related_name="credit_note")
    allocated = models.DecimalField(_("allocated"), **MONEY, default=ZERO)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("credit note")
        verbose_name_plural = _("credit notes")
        ordering = ["-issued_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="credit_note_amount_positive"),
            models.CheckConstraint(condition=Q(allocated__gte=0) & Q(allocated__lte=F("amount")),
                                   name="credit_note_not_over_allocated"),
        ]

    def __str__(self):
        return self.number

    @property
    def unallocated(self) -> Decimal:
        return self.amount - self.allocated


class Allocation(models.Model):
    """A part of a payment or of a credit note that settles a part of an invoice."""

    invoice = models.ForeignKey(Invoice, verbose_name=_("invoice"), on_delete=models.PROTECT,
                                related_name="allocations")
    payment = models.ForeignKey(Payment, verbose_name=_("payment"), null=True, blank=True, on_delete=models.PROTECT,
                                related_name="allocations")
    credit_note = models.ForeignKey(CreditNote, verbose_name=_("credit note"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="allocations")
    amount = models.DecimalField(_("amount"), **MONEY)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="allocation_amount_positive"),
            models.CheckConstraint(condition=Q(payment__isnull=False, credit_note__isnull=True)
                                   | Q(payment__isnull=True, credit_note__isnull=False), name="allocation_one_source"),
        ]

    def __str__(self):
        return f"{self.payment or self.credit_note} → {self.invoice}"


class CardPaymentStatus(models.TextChoices):
    STARTED = "started", _("Waiting for the card")
    AUTHORISED = "authorised", _("Authorised")
    DECLINED = "declined", _("Declined")
    CAPTURED = "captured", _("Captured")
    RELEASED = "released", _("Authorisation released")
    REFUNDED = "refunded", _("Refunded")


class CardPayment(models.Model):
    """One attempt to pay an order by card on the provider's hosted page. The portal never sees a card number: it
    knows the provider's reference, the amount and what the provider answered. Authorised when the dealer pays,
    captured when the order is invoiced (the money is then a `Payment`), released when the order is cancelled first,
    refunded (in part) by finance afterwards."""

    order = models.ForeignKey("orders.Order", verbose_name=_("order"), on_delete=models.PROTECT,
                              related_name="card_payments")
    dealer = models.ForeignKey("dealers.Dealer", verbose_name=_("dealer"), on_delete=models.PROTECT,
                               related_name="card_payments")
    provider = models.CharField(_("provider"), max_length=100)
    reference = models.CharField(_("provider reference"), max_length=100, unique=True)
    status = models.CharField(_("status"), max_length=12, choices=CardPaymentStatus.choices,
                              default=CardPaymentStatus.STARTED)
    amount = models.DecimalField(_("amount"), **MONEY)
    currency = models.CharField(_("currency"), max_length=3, default="TRY")
    installments = models.PositiveSmallIntegerField(_("installments"), default=1)
    captured = models.DecimalField(_("captured"), **MONEY, default=ZERO)
    refunded = models.DecimalField(_("refunded"), **MONEY, default=ZERO)
    payment = models.OneToOneField(Payment, verbose_name=_("payment"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="card_payment")
    message = models.CharField(_("provider message"), max_length=255, blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("started by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("started at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("card payment")
        verbose_name_plural = _("card payments")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="card_payment_amount_positive"),
            models.CheckConstraint(condition=Q(captured__gte=0) & Q(captured__lte=F("amount"))
                                   & Q(refunded__gte=0) & Q(refunded__lte=F("captured")), name="card_payment_amounts"),
            # An order is paid by at most one card at a time: no second authorisation while one holds.
            models.UniqueConstraint(fields=["order"], condition=Q(status__in=["authorised", "captured", "refunded"]),
                                    name="one_live_card_payment_per_order"),
        ]

    def __str__(self):
        return self.reference

    @property
    def refundable(self) -> Decimal:
        return self.captured - self.refunded


class CardPaymentStatusChange(lifecycle.StatusChange):
    """One move of a card payment (authorised, declined, captured, released, refunded), and who made it (None: a
    task or the provider's answer)."""

    card_payment = models.ForeignKey(CardPayment, verbose_name=_("card payment"), on_delete=models.CASCADE,
                                     related_name="status_changes")
    from_status, to_status = lifecycle.status_fields(CardPaymentStatus, 12)

    class Meta(lifecycle.StatusChange.Meta):
        verbose_name = _("card payment status change")
        verbose_name_plural = _("card payment status changes")


CP = CardPaymentStatus
# The moves a card payment makes: the provider authorises or declines it (a second authorisation of an order already
# paid is released at once); the order's invoice captures it, the order's end releases it; finance refunds captured
# money (again and again while some is left: no move, the amount grows).
CARD_PAYMENT = lifecycle.Lifecycle(
    "payments.card_payment", statuses=CardPaymentStatus, history=CardPaymentStatusChange,
    history_of="card_payment",
    transitions={
        CP.STARTED: {CP.AUTHORISED, CP.DECLINED, CP.RELEASED},
        CP.AUTHORISED: {CP.CAPTURED, CP.RELEASED},
        CP.CAPTURED: {CP.REFUNDED},
        CP.DECLINED: set(),
        CP.RELEASED: set(),
        CP.REFUNDED: set(),
    },
    error=CardPaymentStatusNotAllowed, audit_action="card.{to}",
    refusal=_("A card payment cannot go from “%(current)s” to “%(target)s”."))


class CardRefund(models.Model):
    """Money paid back to the card of a captured card payment: a debit on the dealer's statement."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    card_payment = models.ForeignKey(CardPayment, verbose_name=_("card payment"), on_delete=models.PROTECT,
                                     related_name="refunds")
    dealer = models.ForeignKey("dealers.Dealer", verbose_name=_("dealer"), on_delete=models.PROTECT,
                               related_name="card_refunds")
    amount = models.DecimalField(_("amount"), **MONEY)
    currency = models.CharField(_("currency"), max_length=3, default="TRY")
    refunded_on = models.DateField(_("refunded on"))
    reason = models.CharField(_("reason"), max_length=255)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("card refund")
        verbose_name_plural = _("card refunds")
        ordering = ["-refunded_on", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="card_refund_amount_positive")]

    def __str__(self):
        return self.number
