"""Tables of shipping: carriers, zones, methods and the rate rules that price them (issue 14, section 1).

How a charge is found is in shipping/services/rates.py; these tables only hold what staff set up."""
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from portal.lifecycle import Lifecycle, StatusChange, status_fields

from .errors import ShipmentStatusNotAllowed
from .zones import Region, normalise_city, normalise_postcode, region_of

MONEY = {"max_digits": 14, "decimal_places": 2}
LANGUAGES = ("en", "tr", "bg", "vi", "zh_hans")


def default_vat_rate() -> Decimal:
    """The VAT rate freight carries unless a method says otherwise: settings.SHIPPING_VAT_RATE, else 20 %."""
    return Decimal(str(getattr(settings, "SHIPPING_VAT_RATE", "20.00")))


def in_language(obj, prefix: str, language=None) -> str:
    """`obj.<prefix>_<language>`, falling back to English: what orders' SubStatus.label does."""
    language = (language or get_language() or "en").replace("-", "_").lower()
    return getattr(obj, f"{prefix}_{language}", "") or getattr(obj, f"{prefix}_en", "")


class Carrier(models.Model):
    """Who carries the goods: a cargo company, or the portal's own truck."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100)
    own_truck = models.BooleanField(_("own truck"), default=False,
                                    help_text=_("Our own vehicle and driver rather than a cargo company."))
    tracking_url_template = models.CharField(
        _("tracking URL template"), max_length=300, blank=True,
        help_text=_("The carrier's tracking page with {code} where the tracking code goes."))
    active = models.BooleanField(_("active"), default=True)
    # The carrier party of the e-İrsaliye (shipping/services/despatch.py): without it the party has its name only.
    tax_number = models.CharField(_("tax number"), max_length=11, blank=True,
                                  help_text=_("The carrier's tax number (VKN), for the e-İrsaliye."))
    # The key the carrier signs its webhook calls with (HMAC-SHA256, shipping/services/tracking.py); shown to staff
    # once when it is made, never again in a page.
    webhook_secret = models.CharField(_("webhook secret"), max_length=100, blank=True, editable=False)

    class Meta:
        verbose_name = _("carrier")
        verbose_name_plural = _("carriers")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        if self.tracking_url_template and "{code}" not in self.tracking_url_template:
            raise ValidationError({"tracking_url_template": _("Put {code} where the tracking code goes.")})

    def tracking_url(self, code: str) -> str:
        from urllib.parse import quote

        if not self.tracking_url_template or not code:
            return ""
        return self.tracking_url_template.replace("{code}", quote(str(code), safe=""))


class ShippingZone(models.Model):
    """A set of delivery places (cities, regions or postcode prefixes) that rate rules may be limited to."""

    name = models.CharField(_("name"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("shipping zone")
        verbose_name_plural = _("shipping zones")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def contains(self, *, city: str, postal_code: str) -> bool:
        """Whether an address in `city` with `postal_code` lies in the zone (city names whatever their case, with
        or without Turkish letters: "İstanbul", "ISTANBUL" and "istanbul" are one city; a region holds the cities
        of its provinces, shipping/zones.py)."""
        region = None
        city_key, postal_key = normalise_city(city), normalise_postcode(postal_code)
        for line in self.lines.all():
            if line.city and city_key and normalise_city(line.city) == city_key:
                return True
            if line.postcode_prefix and postal_key.startswith(normalise_postcode(line.postcode_prefix)):
                return True
            if line.region:
                region = region or region_of(city=city, postal_code=postal_code) or "?"
                if line.region == region:
                    return True
        return False


class ZoneLine(models.Model):
    """One place of a zone: a city, a region of Turkey (every city of its provinces), or a postcode prefix ("34" is
    every postcode of Istanbul). Exactly one of the three."""

    zone = models.ForeignKey(ShippingZone, verbose_name=_("zone"), on_delete=models.CASCADE, related_name="lines")
    city = models.CharField(_("city"), max_length=100, blank=True)
    region = models.CharField(_("region"), max_length=30, choices=Region.choices, blank=True,
                              help_text=_("One of Turkey's seven geographic regions: every city of its provinces."))
    postcode_prefix = models.CharField(_("postcode prefix"), max_length=10, blank=True)

    class Meta:
        verbose_name = _("zone place")
        verbose_name_plural = _("zone places")
        constraints = [
            models.CheckConstraint(
                condition=(~Q(city="") & Q(region="") & Q(postcode_prefix=""))
                | (Q(city="") & ~Q(region="") & Q(postcode_prefix=""))
                | (Q(city="") & Q(region="") & ~Q(postcode_prefix="")),
                name="zone_line_city_region_or_postcode"),
        ]

    def __str__(self):
        if self.region:
            return self.get_region_display()
        return self.city or f"{self.postcode_prefix}…"


class ShippingMethodQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)


class ShippingMethod(models.Model):
    """A way to ship that a dealer can choose: its name in the five languages, carrier, lead time, who may use it,
    the VAT freight carries, free shipping above a net goods value, insurance and handling."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=100)
    name_tr = models.CharField(_("name (Turkish)"), max_length=100, blank=True)
    name_bg = models.CharField(_("name (Bulgarian)"), max_length=100, blank=True)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=100, blank=True)
    name_zh_hans = models.CharField(_("name (Chinese)"), max_length=100, blank=True)
    carrier = models.ForeignKey(Carrier, verbose_name=_("carrier"), null=True, blank=True, on_delete=models.PROTECT,
                                related_name="methods")
    lead_time_days = models.PositiveSmallIntegerField(_("lead time (days)"), default=1)
    active = models.BooleanField(_("active"), default=True)
    ordering = models.PositiveSmallIntegerField(pgettext_lazy("position in a list", "order"), default=0)
    segments = models.ManyToManyField("dealers.Segment", verbose_name=_("segments"), blank=True,
                                      related_name="shipping_methods",
                                      help_text=_("Only dealers of these segments may use it. Empty (and no "
                                                  "dealers either): every dealer."))
    dealers = models.ManyToManyField("dealers.Dealer", verbose_name=_("dealers"), blank=True,
                                     related_name="shipping_methods",
                                     help_text=_("These dealers may use it, whatever their segment."))
    vat_rate = models.DecimalField(_("VAT rate on freight (%)"), max_digits=5, decimal_places=2,
                                   default=default_vat_rate)
    free_above_net = models.DecimalField(
        _("free above (net goods value)"), null=True, blank=True, **MONEY,
        help_text=_("Shipping is free when the goods' net value (before VAT) reaches this amount. Empty: never free."))
    insurance_rate_percent = models.DecimalField(
        _("insurance rate (%)"), max_digits=5, decimal_places=2, null=True, blank=True,
        help_text=_("Cargo insurance as a percent of the insured net goods value. Empty: no insurance offered."))
    insurance_minimum = models.DecimalField(_("minimum insurance charge"), null=True, blank=True, **MONEY)
    insurance_cover_en = models.TextField(_("what insurance covers (English)"), blank=True)
    insurance_cover_tr = models.TextField(_("what insurance covers (Turkish)"), blank=True)
    insurance_cover_bg = models.TextField(_("what insurance covers (Bulgarian)"), blank=True)
    insurance_cover_vi = models.TextField(_("what insurance covers (Vietnamese)"), blank=True)
    insurance_cover_zh_hans = models.TextField(_("what insurance covers (Chinese)"), blank=True)
    handling_charge = models.DecimalField(
        _("handling charge"), default=Decimal("0.00"), **MONEY,
        help_text=_("Added once when any line is fragile or hazardous."))
    carries_fragile = models.BooleanField(_("carries fragile goods"), default=True)
    carries_hazardous = models.BooleanField(_("carries hazardous goods"), default=False)

    objects = ShippingMethodQuerySet.as_manager()

    class Meta:
        verbose_name = _("shipping method")
        verbose_name_plural = _("shipping methods")
        ordering = ["ordering", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(vat_rate__gte=0) & Q(vat_rate__lte=100),
                                   name="shipping_method_vat_rate_range"),
            models.CheckConstraint(condition=Q(handling_charge__gte=0), name="shipping_method_handling_not_negative"),
            models.CheckConstraint(condition=Q(free_above_net__isnull=True) | Q(free_above_net__gte=0),
                                   name="shipping_method_free_above_not_negative"),
            models.CheckConstraint(
                condition=Q(insurance_rate_percent__isnull=True) | Q(insurance_rate_percent__gte=0),
                name="shipping_method_insurance_rate_not_negative"),
        ]

    def __str__(self):
        return self.label()

    def label(self, language=None) -> str:
        return in_language(self, "name", language)

    def insurance_cover(self, language=None) -> str:
        return in_language(self, "insurance_cover", language)

    @property
    def offers_insurance(self) -> bool:
        return self.insurance_rate_percent is not None


class RateKind(models.TextChoices):
    FLAT = "flat", _("Flat")
    WEIGHT = "weight", _("Weight band (kg)")
    NET = "net", _("Net goods value band")


class RateRule(models.Model):
    """One price of a method. A band rule applies when `from_value ≤ measure < to_value` (to empty = no upper
    bound); a flat rule whatever the goods. Zone, segment and dealer limit where and for whom the rule holds; the
    most specific matching rule wins: dealer > segment > zone > general, then a band over a flat rule, then the
    cheapest (services/rates.py)."""

    method = models.ForeignKey(ShippingMethod, verbose_name=_("shipping method"), on_delete=models.CASCADE,
                               related_name="rules")
    kind = models.CharField(_("kind"), max_length=10, choices=RateKind.choices, default=RateKind.FLAT)
    from_value = models.DecimalField(pgettext_lazy("rate band", "from"), max_digits=14, decimal_places=3, default=Decimal("0"),
                                     help_text=_("kg or net amount, included. Not used by a flat rule."))
    to_value = models.DecimalField(_("up to"), max_digits=14, decimal_places=3, null=True, blank=True,
                                   help_text=_("Not included. Empty: no upper bound."))
    zone = models.ForeignKey(ShippingZone, verbose_name=_("zone"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="rules", help_text=_("Empty: everywhere."))
    segment = models.ForeignKey("dealers.Segment", verbose_name=_("segment"), null=True, blank=True,
                                on_delete=models.CASCADE, related_name="shipping_rules",
                                help_text=_("Only for this segment's dealers."))
    dealer = models.ForeignKey("dealers.Dealer", verbose_name=_("dealer"), null=True, blank=True,
                               on_delete=models.CASCADE, related_name="shipping_rules",
                               help_text=_("Only for this dealer."))
    price = models.DecimalField(_("price (net)"), **MONEY)

    class Meta:
        verbose_name = _("rate rule")
        verbose_name_plural = _("rate rules")
        ordering = ["method", "kind", "from_value", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(price__gte=0), name="rate_rule_price_not_negative"),
            models.CheckConstraint(condition=Q(from_value__gte=0), name="rate_rule_from_not_negative"),
            models.CheckConstraint(condition=Q(to_value__isnull=True) | Q(to_value__gt=models.F("from_value")),
                                   name="rate_rule_band_not_empty"),
        ]

    def __str__(self):
        return f"{self.method}: {self.get_kind_display()} {self.price}"

    def holds_for(self, measure) -> bool:
        """Whether the band holds `measure` (from included, to excluded); a flat rule holds anything."""
        if self.kind == RateKind.FLAT:
            return True
        if measure is None:
            return False
        return self.from_value <= measure and (self.to_value is None or measure < self.to_value)


# --- Shipments (issue 14, section 2) ----------------------------------------------------------------------------
# A shipment carries some quantity of an order's lines in one or more parcels, by a carrier or by the own truck; it
# moves through SHIPMENT (portal/lifecycle.py) and the order follows it (shipping/services/shipments.py).

QUANTITY = {"max_digits": 12, "decimal_places": 3}


class ShipmentStatus(models.TextChoices):
    PREPARING = "preparing", _("Preparing")
    SHIPPED = "shipped", pgettext_lazy("shipment status", "Shipped")
    IN_TRANSIT = "in_transit", _("In transit")
    OUT_FOR_DELIVERY = "out_for_delivery", _("Out for delivery")
    DELIVERED = "delivered", pgettext_lazy("shipment status", "Delivered")
    DELIVERY_FAILED = "delivery_failed", _("Delivery failed")
    RETURNED = "returned", pgettext_lazy("shipment status", "Returned")


SS = ShipmentStatus
SHIPMENT_TRANSITIONS = {
    SS.PREPARING: {SS.SHIPPED},
    SS.SHIPPED: {SS.IN_TRANSIT, SS.RETURNED},
    SS.IN_TRANSIT: {SS.OUT_FOR_DELIVERY, SS.RETURNED},
    SS.OUT_FOR_DELIVERY: {SS.DELIVERED, SS.DELIVERY_FAILED, SS.RETURNED},
    SS.DELIVERY_FAILED: {SS.IN_TRANSIT, SS.RETURNED},
    SS.DELIVERED: set(),
    SS.RETURNED: set(),
}
# A shipment that has left the warehouse and is not back: its quantities count as shipped for the order. A returned
# shipment (the goods came back undelivered) is not in it: its quantities are to ship again.
LEFT = {SS.SHIPPED, SS.IN_TRANSIT, SS.OUT_FOR_DELIVERY, SS.DELIVERED, SS.DELIVERY_FAILED}


class ShipmentKind(models.TextChoices):
    OUTBOUND = "outbound", _("To the dealer")
    RETURN = "return", _("Return from the dealer")


class Shipment(models.Model):
    """What left (or will leave) for one order: its lines and parcels, who carries it, and its status. A return
    shipment (kind `return`) carries an approved return's goods back; it never counts as shipped for the order."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    order = models.ForeignKey("orders.Order", verbose_name=_("order"), on_delete=models.PROTECT,
                              related_name="shipments")
    # No index of its own: shipment_dealer_newest (below) starts with the dealer.
    dealer = models.ForeignKey("dealers.Dealer", verbose_name=_("dealer"), on_delete=models.PROTECT,
                               related_name="shipments", db_index=False)
    carrier = models.ForeignKey(Carrier, verbose_name=_("carrier"), null=True, blank=True, on_delete=models.PROTECT,
                                related_name="shipments")
    driver_name = models.CharField(_("driver name"), max_length=100, blank=True)
    driver_national_id = models.CharField(_("driver national ID number"), max_length=11, blank=True)
    vehicle_plate = models.CharField(_("vehicle plate"), max_length=20, blank=True)
    trailer_plate = models.CharField(_("trailer plate"), max_length=20, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=ShipmentStatus.choices,
                              default=ShipmentStatus.PREPARING)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    shipped_at = models.DateTimeField(_("shipped at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    received_by = models.CharField(_("received by"), max_length=100, blank=True,
                                   help_text=_("Who signed for the goods."))
    kind = models.CharField(_("kind"), max_length=10, choices=ShipmentKind.choices, default=ShipmentKind.OUTBOUND)
    return_request = models.ForeignKey("orders.ReturnRequest", verbose_name=_("return"), null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="return_shipments")
    # The waybill (irsaliye): numbered IRS-<year>-<n> gaplessly when the shipment leaves (shipping/services/waybill.py).
    waybill_number = models.CharField(_("waybill number"), max_length=20, unique=True, null=True, blank=True)
    waybill_issued_at = models.DateTimeField(_("waybill issued at"), null=True, blank=True)
    # The invoice of what this shipment carries (INVOICE_ON=shipped); a voided one is replaced by its reissue.
    invoice = models.ForeignKey("payments.Invoice", verbose_name=_("invoice"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="shipments")

    class Meta:
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The dealer's shipments page and API, newest first (shipping.selectors.list_shipments): a page is read
            # straight from the index, and its count from the index alone; it serves every `dealer` lookup too.
            models.Index(fields=["dealer", "-created_at", "-id"], name="shipment_dealer_newest"),
            # The same list filtered by a status (the page's and the API's status filter).
            models.Index(fields=["dealer", "status", "-created_at", "-id"], name="shipment_dealer_status_newest"),
        ]

    def __str__(self):
        return self.number

    @property
    def own_truck(self) -> bool:
        return self.carrier_id is None


class ShipmentLine(models.Model):
    """A quantity of one order line in the shipment (never more than the line's unshipped rest)."""

    shipment = models.ForeignKey(Shipment, verbose_name=_("shipment"), on_delete=models.CASCADE,
                                 related_name="lines")
    order_line = models.ForeignKey("orders.OrderLine", verbose_name=_("order line"), on_delete=models.PROTECT,
                                   related_name="shipment_lines")
    quantity = models.DecimalField(_("quantity"), **QUANTITY)

    class Meta:
        verbose_name = _("shipment line")
        verbose_name_plural = _("shipment lines")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="shipment_line_quantity_positive"),
            models.UniqueConstraint(fields=["shipment", "order_line"], name="shipment_line_once_per_order_line"),
        ]

    def __str__(self):
        return f"{self.order_line.sku} × {self.quantity}"


class Parcel(models.Model):
    """One package of a shipment, with the carrier's tracking code and its weight."""

    shipment = models.ForeignKey(Shipment, verbose_name=_("shipment"), on_delete=models.CASCADE,
                                 related_name="parcels")
    tracking_code = models.CharField(_("tracking code"), max_length=64, blank=True)
    weight_kg = models.DecimalField(_("weight (kg)"), max_digits=10, decimal_places=3)

    class Meta:
        verbose_name = _("parcel")
        verbose_name_plural = _("parcels")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(weight_kg__gt=0), name="parcel_weight_positive"),
        ]

    def __str__(self):
        return self.tracking_code or f"#{self.pk}"

    def tracking_url(self) -> str:
        carrier = self.shipment.carrier
        return carrier.tracking_url(self.tracking_code) if carrier else ""


class ShipmentStatusChange(StatusChange):
    """One move of a shipment, when and by whom."""

    shipment = models.ForeignKey(Shipment, verbose_name=_("shipment"), on_delete=models.CASCADE,
                                 related_name="history")
    from_status, to_status = status_fields(ShipmentStatus, 20)

    class Meta(StatusChange.Meta):
        verbose_name = _("shipment status change")
        verbose_name_plural = _("shipment status history")


SHIPMENT = Lifecycle(
    "shipping.shipment", statuses=ShipmentStatus, transitions=SHIPMENT_TRANSITIONS, history=ShipmentStatusChange,
    history_of="shipment", error=ShipmentStatusNotAllowed,
    refusal=_("A shipment cannot go from “%(current)s” to “%(target)s”."))


# --- Tracking events (issue 14, section 4) -----------------------------------------------------------------------
# An event from a carrier's webhook, the ERP's API or staff is stored raw first, then applied by a Celery task
# (shipping/services/tracking.py): deduplicated by (source, event id), matched by (carrier, tracking code) of an
# open shipment, never moving a shipment backwards.

class TrackingStatus(models.TextChoices):
    PRE_TRANSIT = "pre_transit", _("Label created")
    IN_TRANSIT = "in_transit", _("In transit")
    OUT_FOR_DELIVERY = "out_for_delivery", _("Out for delivery")
    DELIVERED = "delivered", pgettext_lazy("shipment status", "Delivered")
    DELIVERY_FAILED = "delivery_failed", _("Delivery failed")
    AVAILABLE_FOR_PICKUP = "available_for_pickup", _("Available for pickup")
    RETURN_TO_SENDER = "return_to_sender", _("Returning to sender")
    EXCEPTION = "exception", _("Exception")


class EventState(models.TextChoices):
    RECEIVED = "received", _("Received, not yet applied")
    APPLIED = "applied", _("Applied")
    KEPT = "kept", _("Kept, not applied")
    UNMATCHED = "unmatched", _("Unmatched")


class TrackingEvent(models.Model):
    """One event about a parcel, as the sender said it. `state` says what became of it; `note` why."""

    source = models.CharField(_("source"), max_length=60,
                              help_text=_("carrier:<code> for a webhook, erp for the API, staff for the admin."))
    event_id = models.CharField(_("sender's event id"), max_length=100, blank=True)
    carrier = models.ForeignKey(Carrier, verbose_name=_("carrier"), null=True, blank=True, on_delete=models.PROTECT,
                                related_name="events")
    tracking_code = models.CharField(_("tracking code"), max_length=64, blank=True)
    status = models.CharField(_("status"), max_length=30, choices=TrackingStatus.choices)
    raw_code = models.CharField(_("carrier's code"), max_length=60, blank=True)
    message = models.CharField(_("message"), max_length=500, blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    occurred_at = models.DateTimeField(_("event time"))
    signed_by = models.CharField(_("signed by"), max_length=100, blank=True)
    payload = models.JSONField(_("raw payload"), default=dict, blank=True)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    shipment = models.ForeignKey(Shipment, verbose_name=_("shipment"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="events")
    state = models.CharField(_("state"), max_length=12, choices=EventState.choices, default=EventState.RECEIVED)
    note = models.CharField(_("note"), max_length=300, blank=True)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)

    class Meta:
        verbose_name = _("tracking event")
        verbose_name_plural = _("tracking events")
        ordering = ["occurred_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["source", "event_id"], condition=~Q(event_id=""),
                                    name="tracking_event_once_per_source"),
        ]
        indexes = [
            models.Index(fields=["carrier", "tracking_code"], name="tracking_event_parcel"),
            models.Index(fields=["state", "received_at"], name="tracking_event_state"),
        ]

    def __str__(self):
        return f"{self.tracking_code} {self.status} {self.occurred_at:%Y-%m-%d %H:%M}"


class ShipmentNotice(models.Model):
    """The dealer was told that this shipment reached this status: one mail per shipment and status, whoever moved
    it (staff, the ERP, a carrier's webhook)."""

    shipment = models.ForeignKey(Shipment, verbose_name=_("shipment"), on_delete=models.CASCADE,
                                 related_name="notices")
    status = models.CharField(_("status"), max_length=20, choices=ShipmentStatus.choices)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("shipment notice")
        verbose_name_plural = _("shipment notices")
        constraints = [
            models.UniqueConstraint(fields=["shipment", "status"], name="shipment_notice_once_per_status"),
        ]

    def __str__(self):
        return f"{self.shipment} {self.status}"


# --- Delivery confirmation (issue 14, section 5) -----------------------------------------------------------------

class DeliveryOutcome(models.TextChoices):
    RECEIVED = "received", _("Received")
    PROBLEMS = "problems", _("Received with problems")


class ProblemKind(models.TextChoices):
    DAMAGED = "damaged", _("Damaged")
    MISSING = "missing", _("Missing")
    WRONG_ITEM = "wrong_item", _("Wrong item")
    OTHER = "other", pgettext_lazy("delivery problem", "Other")


class DeliveryReport(models.Model):
    """The dealer's word on a delivered shipment: received, or received with problems (which lines, what happened,
    photos), kept for the support stage to pick up."""

    shipment = models.OneToOneField(Shipment, verbose_name=_("shipment"), on_delete=models.CASCADE,
                                    related_name="delivery_report")
    outcome = models.CharField(_("outcome"), max_length=10, choices=DeliveryOutcome.choices)
    note = models.TextField(_("what happened"), max_length=2000, blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reported by"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    on_behalf = models.BooleanField(_("by an agent for the dealer"), default=False)
    reported_at = models.DateTimeField(_("reported at"), auto_now_add=True)

    class Meta:
        verbose_name = _("delivery report")
        verbose_name_plural = _("delivery reports")

    def __str__(self):
        return f"{self.shipment}: {self.get_outcome_display()}"


class DeliveryProblem(models.Model):
    """One line of a shipment that arrived wrong, and how much of it."""

    report = models.ForeignKey(DeliveryReport, verbose_name=_("delivery report"), on_delete=models.CASCADE,
                               related_name="problems")
    shipment_line = models.ForeignKey(ShipmentLine, verbose_name=_("shipment line"), on_delete=models.CASCADE,
                                      related_name="problems")
    kind = models.CharField(_("problem"), max_length=12, choices=ProblemKind.choices)
    quantity = models.DecimalField(_("quantity"), **QUANTITY)

    class Meta:
        verbose_name = _("delivery problem")
        verbose_name_plural = _("delivery problems")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="delivery_problem_quantity_positive"),
        ]

    def __str__(self):
        return f"{self.shipment_line}: {self.get_kind_display()} × {self.quantity}"


class DeliveryPhoto(models.Model):
    """A photo of a delivery problem; served only to who may see the shipment."""

    report = models.ForeignKey(DeliveryReport, verbose_name=_("delivery report"), on_delete=models.CASCADE,
                               related_name="photos")
    file = models.FileField(_("photo"), upload_to="shipping/deliveries/%Y/%m/")
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("delivery photo")
        verbose_name_plural = _("delivery photos")
        ordering = ["pk"]

    def __str__(self):
        return self.file.name
