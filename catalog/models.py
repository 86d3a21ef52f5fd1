"""Tables of the catalog: categories, product cards, images, documents, attributes, stock."""
import uuid
from pathlib import Path

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .search import product_url


class Unit(models.TextChoices):
    PIECE = "piece", _("piece")
    BOX = "box", _("box")
    PACK = "pack", _("pack")
    SET = "set", _("set")
    LITRE = "litre", _("litre")
    KG = "kg", _("kg")
    METRE = "metre", _("metre")
    SQUARE_METRE = "m2", _("square metre")

    @classmethod
    def fractional(cls):
        """Units sold in fractions (2.5 litres); the rest only in whole numbers."""
        return {cls.LITRE, cls.KG, cls.METRE, cls.SQUARE_METRE}


UNIT_LABELS = dict(Unit.choices)


class CategoryQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)

    def roots(self):
        return self.filter(parent__isnull=True)


class Category(models.Model):
    """A node of the category tree, of any depth. `path` (ids joined by '/') finds a subtree in one query."""

    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(_("slug"), max_length=160, unique=True)
    parent = models.ForeignKey("self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="children")
    path = models.CharField(_("path"), max_length=255, editable=False, db_index=True, default="")
    depth = models.PositiveSmallIntegerField(_("depth"), editable=False, default=0)
    ordering = models.PositiveIntegerField(pgettext_lazy("position in a list", "order"), default=0)
    active = models.BooleanField(_("active"), default=True)
    erp_code = models.CharField(_("ERP code"), max_length=50, blank=True, db_index=True)

    objects = CategoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["path"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # The path is derived data of the tree; recomputed for this node here, for descendants by the service.
        super().save(*args, **kwargs)
        path = f"{self.parent.path}{self.pk}/" if self.parent_id else f"{self.pk}/"
        depth = self.parent.depth + 1 if self.parent_id else 0
        if (path, depth) != (self.path, self.depth):
            self.path, self.depth = path, depth
            type(self).objects.filter(pk=self.pk).update(path=path, depth=depth)

    def subtree(self):
        return Category.objects.filter(path__startswith=self.path)


# In stock as catalog.availability says it: stock that covers at least the minimum order (5 m left of a 10 m
# minimum can never be ordered, so it is not "in stock").
IN_STOCK = Q(stock_quantity__gt=0) & Q(stock_quantity__gte=models.F("min_order_quantity"))


class ProductQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)

    def in_category(self, category):
        return self.filter(category__path__startswith=category.path)

    def in_stock(self):
        return self.filter(IN_STOCK)


class Product(models.Model):
    """A product card: one SKU. Variants of one model point to the same `variant_of` parent card."""

    sku = models.CharField(_("SKU"), max_length=64, unique=True)
    barcode = models.CharField(_("barcode (EAN-13)"), max_length=13, blank=True, db_index=True)
    name = models.CharField(_("name"), max_length=255)
    short_description = models.CharField(_("short description"), max_length=500, blank=True)
    description = models.TextField(_("description"), blank=True, help_text=_("HTML; sanitised when saved."))
    highlights = models.TextField(_("highlights"), blank=True, help_text=_("One advantage per line."))
    category = models.ForeignKey(Category, verbose_name=_("category"), on_delete=models.PROTECT,
                                 related_name="products")
    unit = models.CharField(_("unit of sale"), max_length=10, choices=Unit.choices, default=Unit.PIECE)
    pack_size = models.DecimalField(_("pack size"), max_digits=12, decimal_places=3, default=1,
                                    validators=[MinValueValidator(0)],
                                    help_text=_("How many base items one unit of sale holds."))
    min_order_quantity = models.DecimalField(_("minimum order quantity"), max_digits=12, decimal_places=3, default=1)
    order_multiple = models.DecimalField(_("order multiple"), max_digits=12, decimal_places=3, default=1)
    manufacturer_code = models.CharField(_("manufacturer code"), max_length=64, blank=True)
    erp_code = models.CharField(_("ERP code"), max_length=64, blank=True, db_index=True)
    vat_rate = models.DecimalField(_("VAT rate (%)"), max_digits=5, decimal_places=2, default=20)
    stock_quantity = models.DecimalField(_("stock"), max_digits=14, decimal_places=3, default=0)
    lead_time_days = models.PositiveSmallIntegerField(_("lead time (days)"), default=0)
    allow_backorder = models.BooleanField(_("may be ordered beyond stock"), default=False)
    # Shipping (issue 14): what shipping's rates weigh and which methods may carry the product.
    weight_kg = models.DecimalField(
        _("weight (kg)"), max_digits=10, decimal_places=3, null=True, blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Gross shipping weight of one unit of sale, packaging included; empty = unknown."))
    fragile = models.BooleanField(
        _("fragile"), default=False, db_default=False,
        help_text=_("Shipping adds a handling charge and may restrict the methods that carry it."))
    hazardous = models.BooleanField(
        _("hazardous goods"), default=False, db_default=False,
        help_text=_("Dangerous goods: shipping adds a handling charge and restricts the methods that may carry it."))
    active = models.BooleanField(_("active"), default=True)
    variant_of = models.ForeignKey("self", verbose_name=_("variant of"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="variants")
    variant_label = models.CharField(_("variant"), max_length=100, blank=True, help_text=_("e.g. Red / XL"))
    related = models.ManyToManyField("self", verbose_name=_("related products"), blank=True, symmetrical=True)
    # Turkish-folded text of name, SKU, codes and descriptions, and its tsvector: see services.fold().
    search_text = models.TextField(_("search text"), editable=False, default="")
    search_vector = SearchVectorField(_("search vector"), null=True, editable=False)
    # Folded SKU, barcode, name and codes (search.name_text): typo matching and ranking (search.best_matches).
    search_name = models.TextField(_("search name"), editable=False, default="")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ProductQuerySet.as_manager()

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["name"]
        indexes = [
            GinIndex(fields=["search_vector"], name="product_search_vector"),
            GinIndex(fields=["search_text"], name="product_search_trgm", opclasses=["gin_trgm_ops"]),
            GinIndex(fields=["search_name"], name="product_search_name_trgm", opclasses=["gin_trgm_ops"]),
            models.Index(fields=["category", "active"]),
            models.Index(fields=["name", "id"], name="product_name_order"),  # the list's default order
            models.Index(Upper("sku"), name="product_sku_upper"),  # SKUs typed in any case (quick order)
        ]
        constraints = [
            models.CheckConstraint(condition=Q(min_order_quantity__gt=0), name="moq_positive"),
            models.CheckConstraint(condition=Q(order_multiple__gt=0), name="order_multiple_positive"),
            models.CheckConstraint(condition=Q(stock_quantity__gte=0), name="stock_not_negative"),
            models.CheckConstraint(condition=Q(vat_rate__gte=0) & Q(vat_rate__lte=100), name="vat_rate_range"),
            models.CheckConstraint(condition=Q(weight_kg__isnull=True) | Q(weight_kg__gte=0),
                                   name="weight_not_negative"),
        ]

    def __str__(self):
        return f"{self.sku} · {self.name}"

    def get_absolute_url(self):
        return product_url(self.sku)

    @property
    def in_stock(self):
        return self.stock_quantity > 0

    @property
    def unit_label(self):
        """The unit's name (get_unit_display rebuilds a dict of every choice on each call)."""
        return UNIT_LABELS.get(self.unit, self.unit)

    @property
    def highlight_lines(self):
        return [line.strip() for line in self.highlights.splitlines() if line.strip()]


def product_image_upload_to(instance, filename):
    return f"products/{uuid.uuid4().hex}{Path(filename).suffix.lower() or '.jpg'}"


class ProductImage(models.Model):
    product = models.ForeignKey(Product, verbose_name=_("product"), on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(_("image"), upload_to=product_image_upload_to)
    thumbnail = models.ImageField(_("thumbnail"), upload_to=product_image_upload_to, blank=True, editable=False)
    alt = models.CharField(_("alternative text"), max_length=200, blank=True)
    ordering = models.PositiveSmallIntegerField(pgettext_lazy("position in a list", "order"), default=0)

    class Meta:
        verbose_name = _("product image")
        verbose_name_plural = _("product images")
        ordering = ["ordering", "pk"]

    def __str__(self):
        return self.alt or Path(self.image.name or "").name


def product_document_upload_to(instance, filename):
    return f"product-documents/{uuid.uuid4().hex}{Path(filename).suffix.lower()}"


class ProductDocument(models.Model):
    """A manual or data sheet; product documents are public to every signed-in dealer user."""

    product = models.ForeignKey(Product, verbose_name=_("product"), on_delete=models.CASCADE,
                                related_name="documents")
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=product_document_upload_to)
    ordering = models.PositiveSmallIntegerField(pgettext_lazy("position in a list", "order"), default=0)

    class Meta:
        verbose_name = _("product document")
        verbose_name_plural = _("product documents")
        ordering = ["ordering", "pk"]

    def __str__(self):
        return self.title


class Attribute(models.Model):
    """A technical specification key (Power, Colour, IP rating …), typed so it can be filtered."""

    class Kind(models.TextChoices):
        TEXT = "text", _("text")
        NUMBER = "number", pgettext_lazy("attribute value type", "number")
        BOOLEAN = "boolean", _("yes/no")

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices, default=Kind.TEXT)
    unit = models.CharField(_("unit"), max_length=20, blank=True, help_text=_("e.g. W, mm, V"))
    filterable = models.BooleanField(_("filterable"), default=True)
    ordering = models.PositiveSmallIntegerField(pgettext_lazy("position in a list", "order"), default=0)

    class Meta:
        verbose_name = _("attribute")
        verbose_name_plural = _("attributes")
        ordering = ["ordering", "name"]

    def __str__(self):
        return f"{self.name} ({self.unit})" if self.unit else self.name


class ProductAttribute(models.Model):
    product = models.ForeignKey(Product, verbose_name=_("product"), on_delete=models.CASCADE,
                                related_name="attributes")
    attribute = models.ForeignKey(Attribute, verbose_name=_("attribute"), on_delete=models.CASCADE,
                                  related_name="values")
    value_text = models.CharField(_("value"), max_length=200, blank=True)
    value_number = models.DecimalField(pgettext_lazy("attribute value type", "number"), max_digits=14,
                                       decimal_places=4, null=True, blank=True)
    value_bool = models.BooleanField(_("yes/no"), null=True, blank=True)

    class Meta:
        verbose_name = _("specification")
        verbose_name_plural = _("specifications")
        constraints = [models.UniqueConstraint(fields=["product", "attribute"], name="one_value_per_attribute")]
        indexes = [models.Index(fields=["attribute", "value_text"]), models.Index(fields=["attribute", "value_number"])]

    def __str__(self):
        """The value without its attribute (no query; display_value adds the unit)."""
        if self.value_number is not None:
            return f"{self.value_number.normalize():f}"
        if self.value_bool is not None:
            return str(_("yes") if self.value_bool else _("no"))
        return self.value_text

    @property
    def display_value(self):
        if self.attribute.kind == Attribute.Kind.NUMBER and self.value_number is not None:
            return f"{self.value_number.normalize():f} {self.attribute.unit}".strip()
        if self.attribute.kind == Attribute.Kind.BOOLEAN and self.value_bool is not None:
            return _("yes") if self.value_bool else _("no")
        return self.value_text
