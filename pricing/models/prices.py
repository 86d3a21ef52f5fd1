"""Tables of pricing: price lists (market, segment, contract) with quantity breaks, campaigns and
payment-method adjustments. Prices are computed only by the price engine (pricing/engine/)."""
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.money import DEFAULT_CURRENCY


class PriceListQuerySet(models.QuerySet):
    def valid_on(self, day):
        return self.filter(active=True).filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day)).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=day))


class PriceList(models.Model):
    """A list of unit prices in one currency. Contract over segment over market (docs/pricing.md)."""

    class Kind(models.TextChoices):
        MARKET = "market", _("Market (list) price")
        SEGMENT = "segment", _("Segment price list")
        CONTRACT = "contract", _("Dealer contract")

    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    currency = models.CharField(_("currency"), max_length=3, default=DEFAULT_CURRENCY)
    segment = models.ForeignKey("dealers.Segment", verbose_name=_("segment"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="price_lists")
    dealer = models.ForeignKey("dealers.Dealer", verbose_name=_("dealer"), null=True, blank=True,
                               on_delete=models.CASCADE, related_name="price_lists")
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    priority = models.IntegerField(_("priority"), default=0, help_text=_("Of two lists of one kind, the higher wins."))
    active = models.BooleanField(_("active"), default=True)
    erp_code = models.CharField(_("ERP code"), max_length=50, blank=True, db_index=True)

    objects = PriceListQuerySet.as_manager()

    class Meta:
        verbose_name = _("price list")
        verbose_name_plural = _("price lists")
        ordering = ["kind", "-priority", "name"]
        constraints = [
            models.CheckConstraint(name="price_list_owner_matches_kind", condition=(
                Q(kind="market", segment__isnull=True, dealer__isnull=True)
                | Q(kind="segment", segment__isnull=False, dealer__isnull=True)
                | Q(kind="contract", segment__isnull=True, dealer__isnull=False))),
            models.CheckConstraint(name="price_list_dates_ordered", condition=(
                Q(valid_from__isnull=True) | Q(valid_to__isnull=True) | Q(valid_from__lte=models.F("valid_to")))),
        ]

    def __str__(self):
        return self.name


class PriceListItem(models.Model):
    """The unit price of a product in a list from a minimum quantity on; several rows make quantity breaks."""

    price_list = models.ForeignKey(PriceList, verbose_name=_("price list"), on_delete=models.CASCADE,
                                   related_name="items")
    product = models.ForeignKey("catalog.Product", verbose_name=_("product"), on_delete=models.CASCADE,
                                related_name="price_items")
    min_quantity = models.DecimalField(_("from quantity"), max_digits=12, decimal_places=3, default=1,
                                       validators=[MinValueValidator(0)])
    unit_price = models.DecimalField(_("unit price"), max_digits=14, decimal_places=2,
                                     validators=[MinValueValidator(0)])

    class Meta:
        verbose_name = _("price")
        verbose_name_plural = _("prices")
        ordering = ["price_list", "product", "min_quantity"]
        constraints = [
            models.UniqueConstraint(fields=["price_list", "product", "min_quantity"], name="one_price_per_break"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="unit_price_not_negative"),
        ]
        indexes = [models.Index(fields=["product", "price_list"])]

    def __str__(self):
        return f"≥ {self.min_quantity.normalize():f}: {self.unit_price}"


class CampaignQuerySet(models.QuerySet):
    def running_on(self, moment):
        return self.filter(active=True, starts_at__lte=moment, ends_at__gt=moment)


class Campaign(models.Model):
    """Percent or fixed amount off, for products/categories and segments/dealers, in a time window."""

    class Kind(models.TextChoices):
        PERCENT = "percent", _("percent off")
        AMOUNT = "amount", _("amount off per unit")

    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.PERCENT)
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)])
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    min_quantity = models.DecimalField(_("minimum quantity"), max_digits=12, decimal_places=3, default=0)
    products = models.ManyToManyField("catalog.Product", verbose_name=_("products"), blank=True,
                                      related_name="campaigns")
    categories = models.ManyToManyField("catalog.Category", verbose_name=_("categories"), blank=True,
                                        related_name="campaigns", help_text=_("Includes their subcategories."))
    segments = models.ManyToManyField("dealers.Segment", verbose_name=_("segments"), blank=True,
                                      related_name="campaigns", help_text=_("Empty: every segment."))
    dealers = models.ManyToManyField("dealers.Dealer", verbose_name=_("dealers"), blank=True,
                                     related_name="campaigns", help_text=_("Empty: every dealer."))
    active = models.BooleanField(_("active"), default=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(starts_at__lt=models.F("ends_at")), name="campaign_dates_ordered"),
            models.CheckConstraint(condition=~Q(kind="percent") | Q(value__lte=100), name="campaign_percent_max"),
        ]

    def __str__(self):
        return self.name


# The longest installment plan the portal offers (pricing's adjustments, orders' checkout, the calculator).
MAX_INSTALLMENTS = 12


class PaymentAdjustment(models.Model):
    """A discount (negative) or surcharge (positive) in percent for a payment method and installment count."""

    class Method(models.TextChoices):
        ON_ACCOUNT = "on_account", _("On account")
        WIRE = "wire", _("Wire transfer")
        CARD = "card", _("Card")

    method = models.CharField(_("payment method"), max_length=12, choices=Method.choices)
    installments = models.PositiveSmallIntegerField(
        _("installments"), default=1, validators=[MinValueValidator(1), MaxValueValidator(MAX_INSTALLMENTS)])
    percent = models.DecimalField(_("percent"), max_digits=5, decimal_places=2,
                                  help_text=_("Negative: discount (e.g. -2 for wire). Positive: surcharge."))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("payment adjustment")
        verbose_name_plural = _("payment adjustments")
        ordering = ["method", "installments"]
        constraints = [
            models.UniqueConstraint(fields=["method", "installments"], name="one_adjustment_per_method"),
            models.CheckConstraint(condition=Q(percent__gt=-100) & Q(percent__lt=100), name="adjustment_range"),
        ]

    def __str__(self):
        return f"{self.get_method_display()} × {self.installments}: {self.percent} %"
