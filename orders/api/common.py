"""What the orders API views share: who may use them, and the serializers of priced lines, totals and line problems."""
import functools

from django.db.models.functions import Upper
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers

from catalog import skus as sku_lines
from catalog.api import PriceSerializer
from catalog.errors import UnknownSku
from catalog.models import Product
from dealers.api import DealerAccountMixin
from dealers.api.common import CONFLICT, FORBIDDEN, INVALID, NOT_FOUND  # noqa: F401  (re-exported for the views)
from portal.compiled import CompiledQuery

from ..errors import UnknownProduct
from ..permissions import can_use_cart
from ..services.lines import PRODUCT_FIELDS


class CartAccessMixin(DealerAccountMixin):
    """A dealer user (session, or a token with scope `account`) or an agent acting for a dealer (session), whose
    role may fill a cart (owner, buyer, approver). Another dealer's objects answer 404."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.require(can_use_cart(self.actor))


# --- input -------------------------------------------------------------------------------------------------------

class QuantityField(serializers.CharField):
    """A quantity as a string ("2.5", "2,5") or a JSON number; checked by the one quantity rule of the catalog."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 32)
        super().__init__(**kwargs)


class CartLineInSerializer(serializers.Serializer):
    product = serializers.IntegerField(required=False, help_text="The product's id; or give `sku`.")
    sku = serializers.CharField(required=False, max_length=64, help_text="The SKU, whatever its case.")
    quantity = QuantityField(required=False, help_text="Default: the product's minimum order quantity. Obeys the "
                                                       "minimum, the multiples and whole units "
                                                       "(`catalog.below_minimum`, `catalog.not_a_multiple`, …).")

    def validate(self, attrs):
        if ("product" in attrs) == bool(attrs.get("sku")):
            raise serializers.ValidationError({"sku": [_("Give either a product id or a SKU.")]})
        return attrs


class LineQuantitySerializer(serializers.Serializer):
    quantity = QuantityField()


class ListNameSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)


# --- output ------------------------------------------------------------------------------------------------------

class LinePriceSerializer(PriceSerializer):
    """The engine's price of a line: unit price, the rules that made it (`rules`: why this price), VAT, totals."""

    line_net = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    vat_rate = serializers.DecimalField(max_digits=5, decimal_places=2)
    vat_amount = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    line_gross = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)


class PricedRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="line.pk")
    product = serializers.IntegerField(source="line.product_id")
    sku = serializers.CharField(source="line.product.sku")
    name = serializers.CharField(source="line.product.name")
    unit = serializers.CharField(source="line.product.unit")
    quantity = serializers.DecimalField(max_digits=12, decimal_places=3, source="line.quantity")
    price = LinePriceSerializer()
    problem = serializers.CharField(help_text="Why the line cannot be ordered as it is (empty when it can).")


class OrderTotalsSerializer(serializers.Serializer):
    currency = serializers.CharField()
    net = serializers.DecimalField(max_digits=14, decimal_places=2)
    vat = serializers.DecimalField(max_digits=14, decimal_places=2)
    gross = serializers.DecimalField(max_digits=14, decimal_places=2)
    saving = serializers.DecimalField(max_digits=14, decimal_places=2)
    all_priced = serializers.BooleanField()


class PricedLinesSerializer(serializers.Serializer):
    lines = PricedRowSerializer(source="rows", many=True)
    totals = OrderTotalsSerializer()
    count = serializers.IntegerField()
    orderable = serializers.BooleanField(help_text="Every line is sold, has a valid quantity and a price.")


class LineProblemSerializer(serializers.Serializer):
    line = serializers.IntegerField(help_text="The line number (pasted line, spreadsheet row, or position from 1).")
    sku = serializers.CharField()
    code = serializers.CharField(help_text="e.g. `catalog.unknown_sku`, `catalog.below_minimum`, "
                                           "`orders.product_unavailable`.")
    detail = serializers.CharField(source="message")


class AddedLineSerializer(serializers.Serializer):
    line = serializers.IntegerField()
    sku = serializers.CharField(source="product.sku")
    quantity = serializers.DecimalField(max_digits=12, decimal_places=3, help_text="What this line added.")
    total = serializers.DecimalField(max_digits=12, decimal_places=3, help_text="The line's quantity afterwards.")


NOTHING_ADDED = OpenApiResponse(
    inline_serializer("NothingAdded", fields={
        "code": serializers.CharField(help_text="`orders.nothing_added`"),
        "detail": serializers.CharField(),
        "problems": LineProblemSerializer(many=True),
    }),
    description="No line could be added; `problems` says why, line by line.")


def nothing_added_body(problems) -> dict:
    return {"code": "orders.nothing_added", "detail": _("No line could be added."),
            "problems": LineProblemSerializer(problems, many=True).data}


def products_of(items) -> list[Product]:
    """The products a list of CartLineInSerializer data names, in order: every SKU in one query and every id in
    another (not one query per line); the first line naming no product refuses as `product_of` does. Whole rows:
    placing the order checks and prices these (ordering._checked_lines reads no product again)."""
    skus = [item["sku"] for item in items if item.get("sku")]
    by_sku = _find_products(skus) if skus else {}
    ids = [item["product"] for item in items if not item.get("sku")]
    by_id = Product.objects.in_bulk(ids) if ids else {}
    products = []
    for item in items:
        if item.get("sku"):
            product = by_sku.get(item["sku"].strip().upper())
            if product is None:
                raise UnknownSku(_("Unknown SKU: %(skus)s") % {"skus": item["sku"]}, field="sku")
        else:
            product = by_id.get(item["product"])
            if product is None:
                raise UnknownProduct(_("No such product."), field="product")
        products.append(product)
    return products


# An order of up to this many different SKUs reads its products with a query built once per process for that many.
COMPILED_SKUS = 20


@functools.cache
def _products_of_upper_skus(count: int) -> CompiledQuery:
    """catalog.skus.find_products's query for `count` SKUs (in upper case), built once per process (portal.compiled):
    the ORM spent ~0.6 ms of every API order building it, three times what PostgreSQL takes to answer."""
    return CompiledQuery(lambda *wanted: Product.objects.annotate(sku_upper=Upper("sku"))
                         .filter(sku_upper__in=wanted).order_by("pk"),
                         sample=tuple(f"~compiled-sample-sku-{n}~" for n in range(count)))


def _find_products(skus) -> dict[str, Product]:
    """catalog.skus.find_products(skus): the same rows and the same choice (when two SKUs differ only in case, the one
    spelt exactly as asked wins), its query built once per process for orders of up to COMPILED_SKUS SKUs."""
    wanted = list(dict.fromkeys(str(sku).strip().upper() for sku in skus if str(sku).strip()))
    if not wanted or len(wanted) > COMPILED_SKUS:
        return sku_lines.find_products(skus)
    exact = {str(sku).strip() for sku in skus}
    found: dict[str, Product] = {}
    for product in _products_of_upper_skus(len(wanted)).all(*wanted):
        key = product.sku.upper()
        if key not in found or product.sku in exact:
            found[key] = product
    return found


def product_of(data) -> Product:
    """The product a CartLineInSerializer names: by id, or by SKU whatever its case."""
    if data.get("sku"):
        product = sku_lines.find_products([data["sku"]], fields=PRODUCT_FIELDS).get(data["sku"].strip().upper())
        if product is None:
            raise UnknownSku(_("Unknown SKU: %(skus)s") % {"skus": data["sku"]}, field="sku")
        return product
    product = Product.objects.filter(pk=data["product"]).only(*PRODUCT_FIELDS).first()
    if product is None:
        raise UnknownProduct(_("No such product."), field="product")
    return product
