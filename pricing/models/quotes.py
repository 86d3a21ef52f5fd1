"""Quotes (RFQ): a dealer asks for prices, staff or its agent negotiate lines and terms and send revisions (each frozen
with its PDF), the dealer accepts one (→ an order) or rejects it; a beat job expires it at the end of validity."""
from decimal import Decimal

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.lifecycle import Lifecycle, StatusChange, status_fields
from portal.money import DEFAULT_CURRENCY, quantize

from ..errors import QuoteInvalidTransition
from .prices import PaymentAdjustment

HUNDRED = Decimal(100)
MONEY = {"max_digits": 14, "decimal_places": 2}
QUANTITY = {"max_digits": 12, "decimal_places": 3}


class QuoteStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    DRAFT = "draft", _("In preparation")
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", pgettext_lazy("quote status", "Rejected")
    EXPIRED = "expired", _("Expired")
    ORDERED = "ordered", _("Ordered")


S = QuoteStatus
# The only moves a quote makes (design.md); every service moves it through QUOTE.move() (below), which checks this
# table, runs the hook points pricing.quote.guard / .moved and writes the history and audit rows. A sent, rejected
# or expired quote goes back to draft when staff revise it: the next send is a new revision, the earlier ones stay as
# they were sent.
QUOTE_TRANSITIONS = {
    S.REQUESTED: {S.DRAFT},
    S.DRAFT: {S.SENT},
    S.SENT: {S.DRAFT, S.ACCEPTED, S.REJECTED, S.EXPIRED},
    S.ACCEPTED: {S.ORDERED},
    S.REJECTED: {S.DRAFT},
    S.EXPIRED: {S.DRAFT},
    S.ORDERED: set(),
}
# Staff may change lines and terms only in these states (the change moves the quote to draft).
EDITABLE = {S.REQUESTED, S.DRAFT, S.SENT, S.REJECTED, S.EXPIRED}
# Shown to staff as work to do.
TO_WORK_ON = {S.REQUESTED, S.DRAFT}


class DeliveryMethod(models.TextChoices):
    STANDARD = "standard", _("Standard")
    EXPRESS = "express", _("Express")
    FREIGHT = "freight", _("Freight")


class QuoteQuerySet(models.QuerySet):
    def editable_by(self, user):
        """Quotes a staff user may edit: admins (superuser or the change permission) any, sales agents those of
        the dealers assigned to them (the same rule as
        pricing.permissions.can_edit_quotes_of for one dealer)."""
        if not getattr(user, "is_staff", False) or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self
        if user.is_sales_agent:
            return self.filter(dealer__agents=user)
        return self if user.has_perm("pricing.change_quote") else self.none()


class Quote(models.Model):
    """A request for quotation and its negotiation. The lines and header here are the working copy staff edit;
    what the dealer saw and may accept is the latest QuoteRevision's snapshot."""

    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    dealer = models.ForeignKey("dealers.Dealer", verbose_name=_("dealer"), on_delete=models.PROTECT,
                               related_name="quotes")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", help_text=_("The dealer's user who asked; empty when an agent asked for the dealer."))
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("placed by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", help_text=_("The user who entered the request: the dealer's user or an agent acting for it."))
    status = models.CharField(_("status"), max_length=10, choices=QuoteStatus.choices, default=QuoteStatus.REQUESTED,
                              db_index=True)
    currency = models.CharField(_("currency"), max_length=3, default=DEFAULT_CURRENCY)

    # The dealer's request.
    request_note = models.TextField(_("request note"), blank=True)
    requested_delivery_date = models.DateField(_("requested delivery date"), null=True, blank=True)

    # The header staff fill in.
    quote_date = models.DateField(_("quote date"), null=True, blank=True)
    delivery_date = models.DateField(_("delivery date"), null=True, blank=True)
    payment_method = models.CharField(_("payment method"), max_length=12, choices=PaymentAdjustment.Method.choices,
                                      blank=True)
    # A shipping method's code (the shipping stage's methods; without one, DeliveryMethod's), chosen by staff and
    # priced through pricing.shipping_charge (pricing/hooks.py); the charge is frozen in each revision sent and an
    # accepted quote's order keeps it.
    delivery_method = models.CharField(_("delivery method"), max_length=40, blank=True)
    shipping_insured = models.BooleanField(_("cargo insurance"), default=False)
    shipping_label = models.CharField(_("delivery method name"), max_length=100, blank=True, editable=False)
    shipping_net = models.DecimalField(_("shipping charge (net)"), **MONEY, default=Decimal("0.00"), editable=False)
    shipping_vat_rate = models.DecimalField(_("VAT rate on shipping (%)"), max_digits=5, decimal_places=2,
                                            default=Decimal("0.00"), editable=False)
    shipping_vat = models.DecimalField(_("VAT on shipping"), **MONEY, default=Decimal("0.00"), editable=False)
    shipping_insurance_net = models.DecimalField(_("insurance premium (net)"), **MONEY, default=Decimal("0.00"),
                                                 editable=False)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    terms = models.TextField(_("warranty and support terms"), blank=True)
    notes = models.TextField(_("notes to the dealer"), blank=True)

    revision = models.PositiveIntegerField(_("revision"), default=0, help_text=_("The last revision sent."))
    sent_at = models.DateTimeField(_("last sent at"), null=True, blank=True)

    # The dealer's decision.
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("accepted or rejected by"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("accepted or rejected at"), null=True, blank=True)
    rejection_reason = models.TextField(_("rejection reason"), blank=True)
    order_number = models.CharField(_("order number"), max_length=30, blank=True, db_index=True)
    accept_idempotency_key = models.CharField(_("idempotency key of the acceptance"), max_length=100, blank=True,
                                              editable=False)

    created_at = models.DateTimeField(_("requested at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = QuoteQuerySet.as_manager()

    class Meta:
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["dealer", "-created_at"]), models.Index(fields=["status", "valid_until"])]
        constraints = [
            models.CheckConstraint(name="quote_sent_has_revision", condition=(
                ~Q(status__in=["sent", "accepted", "ordered", "expired"]) | Q(revision__gte=1))),
            models.CheckConstraint(name="quote_ordered_has_order_number",
                                   condition=~Q(status="ordered") | ~Q(order_number="")),
            models.CheckConstraint(name="quote_rejected_has_reason",
                                   condition=~Q(status="rejected") | ~Q(rejection_reason="")),
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("quotes:detail", args=[self.number])

    @property
    def is_placed_on_behalf(self) -> bool:
        """Entered by an agent for the dealer (recorded as "placed by <agent> for <dealer>")."""
        return self.placed_by_id is not None and self.requested_by_id is None

    def is_acceptable_on(self, day) -> bool:
        return self.status == S.SENT and self.valid_until is not None and self.valid_until >= day

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE

    @property
    def shipping_gross(self) -> Decimal:
        return self.shipping_net + self.shipping_vat


class QuoteLine(models.Model):
    """One product of the working copy: the engine's price for the dealer when the line was priced, and either a
    negotiated net unit price or a discount off that price (never both); the net unit price results."""

    quote = models.ForeignKey(Quote, verbose_name=_("quote"), on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey("catalog.Product", verbose_name=_("product"), on_delete=models.PROTECT,
                                related_name="quote_lines")
    quantity = models.DecimalField(_("quantity"), **QUANTITY)
    engine_unit_price = models.DecimalField(
        _("list unit price"), null=True, blank=True, **MONEY,
        help_text=_("The price engine's net unit price for the dealer when the line was priced; empty: no price."))
    negotiated_unit_price = models.DecimalField(_("negotiated net unit price"), null=True, blank=True, **MONEY,
                                                validators=[MinValueValidator(0)])
    discount_percent = models.DecimalField(_("discount (%)"), max_digits=5, decimal_places=2, null=True, blank=True,
                                           validators=[MinValueValidator(0), MaxValueValidator(100)])
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("quote line")
        verbose_name_plural = _("quote lines")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["quote", "product"], name="quote_line_one_per_product"),
            models.CheckConstraint(name="quote_line_quantity_positive", condition=Q(quantity__gt=0)),
            models.CheckConstraint(name="quote_line_engine_price_not_negative",
                                   condition=Q(engine_unit_price__isnull=True) | Q(engine_unit_price__gte=0)),
            models.CheckConstraint(name="quote_line_negotiated_price_not_negative",
                                   condition=Q(negotiated_unit_price__isnull=True) | Q(negotiated_unit_price__gte=0)),
            models.CheckConstraint(name="quote_line_discount_range", condition=(
                Q(discount_percent__isnull=True) | (Q(discount_percent__gte=0) & Q(discount_percent__lte=100)))),
            models.CheckConstraint(name="quote_line_price_or_discount", condition=(
                Q(negotiated_unit_price__isnull=True) | Q(discount_percent__isnull=True))),
        ]

    def __str__(self):
        return f"{self.product.sku} × {self.quantity.normalize():f}"

    @property
    def net_unit_price(self) -> Decimal | None:
        """The negotiated price, else the list price less the discount (rounded half-up to 0.01), else the list
        price; None when there is none yet (send refuses such a line)."""
        if self.negotiated_unit_price is not None:
            return self.negotiated_unit_price
        if self.engine_unit_price is None:
            return None
        if self.discount_percent is not None:
            return quantize(self.engine_unit_price * (HUNDRED - self.discount_percent) / HUNDRED)
        return self.engine_unit_price

    @property
    def effective_discount(self) -> Decimal | None:
        """Percent off the list price that the net unit price gives (a negotiated price shows as a discount too)."""
        if self.discount_percent is not None:
            return self.discount_percent
        net = self.net_unit_price
        if net is None or not self.engine_unit_price:
            return None
        return quantize((self.engine_unit_price - net) * HUNDRED / self.engine_unit_price)

    @property
    def line_net(self) -> Decimal | None:
        net = self.net_unit_price
        return None if net is None else quantize(net * self.quantity)


class QuoteRevision(models.Model):
    """What was sent as revision n: a frozen snapshot (header, dealer, lines, totals; Decimals as strings) and its
    PDF. Never changed after it was written, except the reminder mark."""

    quote = models.ForeignKey(Quote, verbose_name=_("quote"), on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(_("revision"))
    sent_at = models.DateTimeField(_("sent at"))
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("sent by"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    snapshot = models.JSONField(_("snapshot"), encoder=DjangoJSONEncoder)
    document = models.ForeignKey("portal.Document", verbose_name=_("PDF"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    reminder_sent_at = models.DateTimeField(_("expiry reminder sent at"), null=True, blank=True,
                                            help_text=_("At most one reminder per revision."))

    class Meta:
        verbose_name = _("quote revision")
        verbose_name_plural = _("quote revisions")
        ordering = ["quote", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["quote", "number"], name="quote_revision_unique_number"),
            models.CheckConstraint(name="quote_revision_number_positive", condition=Q(number__gte=1)),
        ]

    def __str__(self):
        return f"{self.quote.number} rev. {self.number}" if self.quote_id else f"rev. {self.number}"

    @property
    def totals(self) -> dict:
        return self.snapshot.get("totals", {})

    @property
    def valid_until(self):
        return self.snapshot.get("header", {}).get("valid_until")


class QuoteStatusChange(StatusChange):
    """History of a quote's lifecycle: who moved it (for which dealer), when, from, to, note, and the revision it was
    at."""

    quote = models.ForeignKey(Quote, verbose_name=_("quote"), on_delete=models.CASCADE,
                              related_name="status_changes")
    from_status, to_status = status_fields(QuoteStatus, 10)
    revision = models.PositiveIntegerField(_("revision"), default=0)

    class Meta(StatusChange.Meta):
        verbose_name = _("quote status change")
        verbose_name_plural = _("quote status changes")


# The quote's lifecycle: every status write of a quote (request → draft → sent → accepted / rejected / expired →
# ordered, by staff, the dealer, the nightly job) is QUOTE.move() on the locked row (pricing/services/quotes.py).
QUOTE = Lifecycle(
    "pricing.quote", statuses=QuoteStatus, transitions=QUOTE_TRANSITIONS, history=QuoteStatusChange,
    history_of="quote", error=QuoteInvalidTransition, audit_action="quote.{to}",
    refusal=_("A quote that is “%(current)s” cannot become “%(target)s”."))
