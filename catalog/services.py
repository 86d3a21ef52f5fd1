"""Every write and every rule of catalog: saving product cards (barcode, safe HTML, search text), the one
order-quantity rule (minimum, multiples, whole numbers), thumbnails and the category tree."""
import html
import io
from decimal import Decimal, InvalidOperation

import nh3
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _

from .errors import (
    BelowMinimum,
    CategoryCycle,
    InvalidBarcode,
    InvalidImage,
    InvalidQuantity,
    NotAMultiple,
    NotWhole,
    OutOfStock,
)
from .models import Category, Product, ProductImage, Unit
from .search import bump_catalog_version, fold, name_text
from .units import quantity_with_unit

ALLOWED_TAGS = {"p", "br", "ul", "ol", "li", "strong", "em", "b", "i", "h3", "h4", "table", "thead", "tbody", "tr",
                "th", "td", "a"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
THUMBNAIL_SIZE = (400, 400)
SEARCH_BATCH = 1000
SEARCH_FIELDS = ("id", "sku", "barcode", "name", "manufacturer_code", "erp_code", "short_description", "description")

# The public face of catalog's services (the ERP import's is catalog.imports.service). A later stage calls these;
# the catalog version a cached page hangs on is bumped with bump_catalog_version (catalog.search).
__all__ = [
    "MAX_QUANTITY", "bump_catalog_version", "check_category_parent", "clean_product", "is_valid_ean13", "make_thumbnail",
    "plain_text", "quantity_value", "refresh_search", "release_stock", "sanitize_description", "save_category",
    "save_product", "take_stock", "validate_quantity", "whole_unit_problem",
]


# --- Product cards ------------------------------------------------------------------------------

def is_valid_ean13(code: str) -> bool:
    if len(code) != 13 or not code.isascii() or not code.isdigit():
        return False
    digits = [int(c) for c in code]
    check = (10 - (sum(digits[0:12:2]) + 3 * sum(digits[1:12:2])) % 10) % 10
    return check == digits[12]


def sanitize_description(text: str) -> str:
    """The description HTML with only the tags a product card needs; scripts, styles and handlers removed."""
    return nh3.clean(text or "", tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                     url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer")


def plain_text(text: str) -> str:
    return html.unescape(nh3.clean(text or "", tags=set())).strip()


def clean_product(*, product: Product) -> Product:
    """Check and normalise a card before it is saved (the admin form calls this to show errors by field)."""
    product.barcode = (product.barcode or "").strip()
    if product.barcode and not is_valid_ean13(product.barcode):
        raise InvalidBarcode(_("“%(barcode)s” is not a valid EAN-13 barcode: 13 digits with a correct check digit.")
                             % {"barcode": product.barcode}, field="barcode")
    problem = whole_unit_problem(product.unit, product.min_order_quantity, product.order_multiple)
    if problem:
        raise NotWhole(problem[1], field=problem[0])
    product.description = sanitize_description(product.description)
    return product


def whole_unit_problem(unit, min_order_quantity, order_multiple) -> tuple[str, str] | None:
    """(field, message) when a unit sold in whole numbers gets a fractional minimum or multiple (no quantity could
    then be ordered); the admin and the ERP import both ask this."""
    if unit in Unit.fractional():
        return None
    for name, value in (("min_order_quantity", min_order_quantity), ("order_multiple", order_multiple)):
        if value is not None and Decimal(value) != Decimal(value).to_integral_value():
            return name, _("The unit “%(unit)s” is sold in whole numbers only; %(column)s is %(value)s.") % {
                "unit": unit, "column": name, "value": value}
    return None


def save_product(*, product: Product, actor=None) -> Product:
    """Validate the barcode, sanitise the description, save the card and refresh its search text."""
    clean_product(product=product)
    with transaction.atomic():
        product.save()
        refresh_search(products=[product])
    return product


def _search_parts(product) -> tuple[str, str, str, str, str]:
    """(full folded text, weight A, weight B, weight C, search name) of one card."""
    description = plain_text(product.description)
    full = fold(" ".join(filter(None, [product.sku, product.barcode, product.name, product.manufacturer_code,
                                        product.erp_code, product.short_description, description])))
    a = fold(f"{product.sku} {product.name}")
    b = fold(" ".join(filter(None, [product.barcode, product.manufacturer_code, product.erp_code])))
    c = fold(f"{product.short_description} {description}")
    return full, a, b, c, name_text(sku=product.sku, barcode=product.barcode, name=product.name,
                                    manufacturer_code=product.manufacturer_code, erp_code=product.erp_code)


def refresh_search(*, products) -> int:
    """Fill `search_text` and the weighted `search_vector` of `products` (instances, ids or a queryset):
    one UPDATE … FROM (VALUES …) per batch of SEARCH_BATCH cards. Returns the number of cards updated."""
    if hasattr(products, "model"):
        items = products.only(*SEARCH_FIELDS).order_by("pk").iterator(chunk_size=SEARCH_BATCH)
    else:
        products = list(products)
        ids = [p for p in products if not isinstance(p, Product)]
        items = [p for p in products if isinstance(p, Product)]
        if ids:
            items += list(Product.objects.filter(pk__in=ids).only(*SEARCH_FIELDS))
    done = 0
    batch = []
    for product in items:
        batch.append(product)
        if len(batch) >= SEARCH_BATCH:
            done += _update_search_batch(batch)
            batch = []
    if batch:
        done += _update_search_batch(batch)
    bump_catalog_version()
    return done


def _update_search_batch(products) -> int:
    params = []
    for product in products:
        full, a, b, c, name = _search_parts(product)
        params += [product.pk, full, a, b, c, name]
        product.search_text, product.search_name = full, name
    rows = ", ".join(["(%s::bigint, %s, %s, %s, %s, %s)"] * len(products))
    table = Product._meta.db_table
    sql = (
        f"UPDATE {table} AS p SET search_text = v.full_text, search_name = v.name, search_vector = "
        "setweight(to_tsvector('simple', v.a), 'A') || setweight(to_tsvector('simple', v.b), 'B') || "
        "setweight(to_tsvector('simple', v.c), 'C') "
        f"FROM (VALUES {rows}) AS v(id, full_text, a, b, c, name) WHERE p.id = v.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


# --- Quantities ---------------------------------------------------------------------------------

def _qty(value: Decimal) -> str:
    return f"{value.normalize():f}"


# No order line holds this much (Decimal 12, 3 quantities).
MAX_QUANTITY = Decimal(10 ** 9)


def quantity_value(quantity) -> Decimal:
    """A quantity as given ("2,5", "3", Decimal) → Decimal: positive, at most three decimals, below 10⁹. Floats,
    text and anything else are refused with InvalidQuantity. The product's own rules: `validate_quantity`."""
    if isinstance(quantity, float) or isinstance(quantity, bool):
        quantity = None
    try:
        value = Decimal(str(quantity).strip().replace(",", ".")) if quantity is not None else None
    except (InvalidOperation, ValueError):
        value = None
    if value is None or not value.is_finite() or value <= 0 or value.as_tuple().exponent < -3 or value >= MAX_QUANTITY:
        raise InvalidQuantity(_("Enter a quantity greater than zero (up to three decimals)."), field="quantity")
    return value


def validate_quantity(*, product: Product, quantity) -> Decimal:
    """The one order-quantity rule (cart, quick order, quotes use it): a positive number, whole for units not
    sold in fractions, at least the minimum order quantity, and a multiple of the order multiple."""
    unit = product.get_unit_display()
    value = quantity_value(quantity)
    if product.unit not in Unit.fractional() and value != value.to_integral_value():
        raise NotWhole(_("Sold by the %(unit)s in whole numbers only, not %(quantity)s.")
                       % {"unit": unit, "quantity": _qty(value)}, field="quantity")
    minimum = product.min_order_quantity
    if value < minimum:
        raise BelowMinimum(_("The minimum order quantity is %(minimum)s.")
                           % {"minimum": quantity_with_unit(minimum, product.unit)}, field="quantity")
    multiple = product.order_multiple
    if value % multiple != 0:
        lower = (value // multiple) * multiple
        upper = lower + multiple
        if lower >= minimum and lower > 0:
            message = _("Order in multiples of %(multiple)s: %(lower)s or %(upper)s, not %(quantity)s.") % {
                "multiple": quantity_with_unit(multiple, product.unit), "lower": _qty(lower), "upper": _qty(upper),
                "quantity": _qty(value)}
        else:
            message = _("Order in multiples of %(multiple)s: %(upper)s, not %(quantity)s.") % {
                "multiple": quantity_with_unit(multiple, product.unit), "upper": _qty(upper), "quantity": _qty(value)}
        raise NotAMultiple(message, field="quantity")
    return value


# --- Images -------------------------------------------------------------------------------------

def make_thumbnail(*, image: ProductImage) -> ProductImage:
    """A JPEG of at most 400 px on the longer side, stored beside the image."""
    from PIL import Image, UnidentifiedImageError

    try:
        image.image.open("rb")
        with Image.open(image.image) as source:
            source.load()
            picture = source.convert("RGB") if source.mode != "RGB" else source.copy()
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise InvalidImage(_("The file is not an image that can be read."), field="image") from exc
    finally:
        try:
            image.image.close()
        except (OSError, ValueError):
            pass
    picture.thumbnail(THUMBNAIL_SIZE)
    buffer = io.BytesIO()
    picture.save(buffer, format="JPEG", quality=85, optimize=True)
    old = image.thumbnail.name if image.thumbnail else None
    image.thumbnail.save("thumbnail.jpg", ContentFile(buffer.getvalue()), save=False)
    ProductImage.objects.filter(pk=image.pk).update(thumbnail=image.thumbnail.name)
    if old and old != image.thumbnail.name:
        image.thumbnail.storage.delete(old)
    return image


# --- Category tree ------------------------------------------------------------------------------

def check_category_parent(*, category: Category, parent: Category | None) -> None:
    if parent is None or category.pk is None:
        return
    if parent.pk == category.pk or (category.path and parent.path.startswith(category.path)):
        raise CategoryCycle(_("A category cannot be moved under itself or one of its subcategories."),
                            field="parent")


def save_category(*, category: Category) -> Category:
    """Save a category; when its parent changed, recompute `path` and `depth` of its whole subtree."""
    with transaction.atomic():
        old = None
        if category.pk:
            old = Category.objects.select_for_update().filter(pk=category.pk).values("path", "depth").first()
        if category.parent_id:
            category.parent = Category.objects.get(pk=category.parent_id)
        if old:
            category.path = old["path"]
        check_category_parent(category=category, parent=category.parent)
        category.save()
        if old and old["path"] and old["path"] != category.path:
            Category.objects.filter(path__startswith=old["path"]).exclude(pk=category.pk).update(
                path=Concat(Value(category.path), Substr("path", len(old["path"]) + 1)),
                depth=F("depth") + (category.depth - old["depth"]),
            )
    bump_catalog_version()
    return category


# --- Stock ------------------------------------------------------------------------------------------

# take_stock's one statement: lock the wanted product rows in primary-key order (LockRows above the sort), refuse
# when any product that does not allow backorders has less than asked, else take from each what it has (a backorder
# stops at zero). The same text for any number of products (arrays), so it is built once per process. Under READ
# COMMITTED a row changed by a parallel order after this statement's snapshot is re-read when locked (and again by
# the UPDATE), so what is checked and taken is the row as it is once locked, as with SELECT ... FOR UPDATE before.
# The UPDATE in WITH runs to its end whether or not the last SELECT reads it, and only when nothing is refused.
_TAKE_STOCK_SQL = None


def _take_stock_sql() -> str:
    global _TAKE_STOCK_SQL
    if _TAKE_STOCK_SQL is None:
        table = connection.ops.quote_name(Product._meta.db_table)
        _TAKE_STOCK_SQL = f"""
WITH wanted AS (SELECT * FROM unnest(%s::bigint[], %s::numeric[]) AS w(id, quantity)),
locked AS (
  SELECT p.id, p.sku, p.unit, p.stock_quantity, p.allow_backorder, w.quantity,
         LEAST(w.quantity, GREATEST(p.stock_quantity, 0)) AS taken
  FROM {table} p JOIN wanted w ON w.id = p.id
  ORDER BY p.id FOR UPDATE OF p),
refused AS (SELECT EXISTS (SELECT 1 FROM locked WHERE NOT allow_backorder AND stock_quantity < quantity) AS any),
moved AS (
  UPDATE {table} p SET stock_quantity = p.stock_quantity - l.taken
  FROM locked l, refused r
  WHERE NOT r.any AND p.id = l.id AND l.taken > 0
  RETURNING p.id)
SELECT l.id, l.sku, l.unit, l.stock_quantity, l.allow_backorder FROM locked l ORDER BY l.id"""
    return _TAKE_STOCK_SQL


def take_stock(*, quantities: dict) -> dict:
    """Take `{product_id: quantity}` from stock, all or nothing, inside the caller's transaction; returns what was
    taken of each (less than asked for a backorder: the rest was not in stock).

    The products are locked in primary-key order (so two orders never wait on each other crosswise) and
    checked after the lock: stock never goes below zero for a product that does not allow backorders,
    whatever the number of parallel orders. Raises OutOfStock naming every short product.
    One plain SQL statement (_take_stock_sql): locks, checks and takes; nothing is taken when any product is short."""
    wanted = {pk: Decimal(q) for pk, q in quantities.items() if Decimal(q) > 0}
    if not wanted:
        return {}
    ids = list(wanted)
    with connection.cursor() as cursor:
        cursor.execute(_take_stock_sql(), [ids, [wanted[pk] for pk in ids]])
        rows = cursor.fetchall()
    short = [(sku, unit, stock) for pk, sku, unit, stock, backorder in rows if not backorder and stock < wanted[pk]]
    if short:
        raise OutOfStock(_("Not enough stock: %(items)s.") % {"items": "; ".join(
            _("%(sku)s (%(available)s available)") % {
                "sku": sku, "available": quantity_with_unit(max(stock, Decimal(0)), unit)}
            for sku, unit, stock in short)}, field="lines", params={"skus": [sku for sku, _unit, _stock in short]})
    # What a backorder takes beyond the stock is not in the warehouse: the stock stops at zero. The same figure the
    # statement took, computed here from the Decimals asked for (so the caller gets its own quantities back).
    taken = {pk: min(wanted[pk], max(stock, Decimal(0))) for pk, _sku, _unit, stock, _backorder in rows}
    bump_catalog_version()
    return taken


def release_stock(*, quantities: dict) -> None:
    """Give `{product_id: quantity}` back to stock: what take_stock took for a cancelled or changed order."""
    wanted = {pk: Decimal(q) for pk, q in quantities.items() if Decimal(q) > 0}
    if not wanted:
        return
    for pk in sorted(wanted):
        Product.objects.filter(pk=pk).update(stock_quantity=F("stock_quantity") + wanted[pk])
    bump_catalog_version()
