"""REST API of the catalog: categories, products (search, filters, detail with the caller's own price)."""

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from dealers.api import NotApproved, api_actor
from portal.api_auth import HasScope
from portal.models import ApiToken

from . import selectors
from .availability import EXACT, availability, stock_display
from .forms import parse_list_params
from .permissions import can_see_prices
from .prices import prices_for
from .services import quantity_value


class RuleSerializer(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    detail = serializers.CharField()


class CampaignRefSerializer(serializers.Serializer):
    name = serializers.CharField()
    ends_at = serializers.DateTimeField()


class BreakSerializer(serializers.Serializer):
    min_quantity = serializers.DecimalField(max_digits=12, decimal_places=3)
    unit_price = serializers.DecimalField(max_digits=14, decimal_places=2)


class PriceSerializer(serializers.Serializer):
    """The caller's price of one product (never another dealer's)."""

    currency = serializers.CharField()
    quantity = serializers.DecimalField(max_digits=12, decimal_places=3)
    unit_price = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    market_price = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    saving = serializers.DecimalField(max_digits=14, decimal_places=2)
    priced = serializers.BooleanField()
    campaign = serializers.SerializerMethodField()
    breaks = serializers.SerializerMethodField()
    rules = RuleSerializer(many=True)

    @extend_schema_field(CampaignRefSerializer(allow_null=True))
    def get_campaign(self, line):
        return {"name": line.campaign.name, "ends_at": line.campaign.ends_at} if line.campaign else None

    @extend_schema_field(BreakSerializer(many=True))
    def get_breaks(self, line):
        return [{"min_quantity": str(b[0]), "unit_price": str(b[1])} for b in line.breaks]


class AvailabilitySerializer(serializers.Serializer):
    """catalog.availability: the same answer as the cards; `available` only where stock figures are shown."""

    status = serializers.ChoiceField(choices=["in_stock", "low", "backorder", "unavailable"])
    label = serializers.CharField()
    orderable = serializers.BooleanField()
    lead_time_days = serializers.IntegerField(allow_null=True)
    available = serializers.DecimalField(max_digits=14, decimal_places=3, allow_null=True)
    quantity = serializers.DecimalField(max_digits=12, decimal_places=3, required=False)
    can_deliver = serializers.BooleanField(required=False)
    deliverable_quantity = serializers.DecimalField(max_digits=12, decimal_places=3, required=False)
    problem = serializers.CharField(required=False)
    note = serializers.CharField(required=False)


def api_stock_display(actor) -> str:
    """Staff and ERP tokens of staff see stock figures; dealers what STOCK_DISPLAY allows."""
    return EXACT if actor.is_staff else stock_display()


class ProductListSerializer(serializers.Serializer):
    sku = serializers.CharField()
    name = serializers.CharField()
    barcode = serializers.CharField()
    category = serializers.CharField(source="category.slug")
    unit = serializers.CharField()
    min_order_quantity = serializers.DecimalField(max_digits=12, decimal_places=3)
    order_multiple = serializers.DecimalField(max_digits=12, decimal_places=3)
    stock_quantity = serializers.DecimalField(max_digits=14, decimal_places=3, allow_null=True)
    lead_time_days = serializers.IntegerField()
    vat_rate = serializers.DecimalField(max_digits=5, decimal_places=2)
    weight_kg = serializers.DecimalField(max_digits=10, decimal_places=3, allow_null=True,
                                         help_text="Gross shipping weight of one unit of sale; null = unknown.")
    fragile = serializers.BooleanField(help_text="Shipping adds a handling charge or restricts the methods.")
    hazardous = serializers.BooleanField(help_text="Hazardous goods: shipping adds a handling charge or restricts "
                                                   "the methods.")
    availability = serializers.SerializerMethodField()
    price = serializers.SerializerMethodField()

    @extend_schema_field(AvailabilitySerializer)
    def get_availability(self, product):
        return availability(product, self.context.get("quantity"), display=self.context.get("display")).as_dict()

    def to_representation(self, product):
        data = super().to_representation(product)
        if self.context.get("display", EXACT) != EXACT:
            data["stock_quantity"] = None  # the admin shows dealers bands or nothing (STOCK_DISPLAY)
        return data

    @extend_schema_field(PriceSerializer(allow_null=True))
    def get_price(self, product):
        line = getattr(product, "price", None)
        return PriceSerializer(line).data if line is not None else None


class ProductDetailSerializer(ProductListSerializer):
    short_description = serializers.CharField()
    description = serializers.CharField()
    highlights = serializers.ListField(source="highlight_lines", child=serializers.CharField())
    manufacturer_code = serializers.CharField()
    erp_code = serializers.CharField()
    pack_size = serializers.DecimalField(max_digits=12, decimal_places=3)
    allow_backorder = serializers.BooleanField()
    variant_label = serializers.CharField()
    specifications = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ListField(child=serializers.DictField(child=serializers.CharField())))
    def get_specifications(self, product):
        return [{"code": v.attribute.code, "name": v.attribute.name, "value": str(v.display_value)}
                for v in product.attributes.all()]


class CategorySerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    depth = serializers.IntegerField()
    parent = serializers.CharField(source="parent.slug", allow_null=True, default=None)


class CatalogView(APIView):
    """A session, or a token with scope `catalog:read`. An unapproved dealer's users are refused (403);
    staff without a dealer read products without prices."""

    permission_classes = [HasScope(ApiToken.Scope.CATALOG_READ)]

    def actor(self):
        actor = api_actor(self.request)
        if actor.dealer is not None and not actor.dealer.is_approved:
            raise NotApproved()
        return actor


class CategoryListView(CatalogView):
    @extend_schema(responses={200: CategorySerializer(many=True)})
    def get(self, request):
        self.actor()
        return Response(CategorySerializer(selectors.list_categories(), many=True).data)


class ProductListView(CatalogView):
    @extend_schema(
        parameters=[OpenApiParameter(name, str, required=False) for name in
                    ("q", "category", "sort", "in_stock", "on_campaign", "price_min", "price_max", "page")],
        operation_id="v1_products_list",  # a page object, not a list: name it as the list it is
        responses={200: inline_serializer("ProductPage", fields={
            "count": serializers.IntegerField(help_text="Products matching, on every page; for a search matching more "
                                                        "than the candidate limit, the closest that many."),
            "more": serializers.BooleanField(help_text="True when a search matched more products than `count` (the "
                                                       "closest are listed): narrow the search to see the others."),
            "page": serializers.IntegerField(help_text="This page's number (50 products a page)."),
            "results": ProductListSerializer(many=True),
        })},
    )
    def get(self, request):
        actor = self.actor()
        params = request.query_params
        category = selectors.get_category(slug=params["category"]) if params.get("category") else None
        if params.get("category") and category is None:
            raise Http404
        # The list page's reading of the query string: bad values are ignored, as on the page.
        wanted = parse_list_params(params)
        try:
            page_number = max(1, int(params.get("page", 1)))
        except ValueError:
            raise serializers.ValidationError({"page": [_("Not a page number.")]}) from None
        page, facets, total = selectors.search_products(
            actor=actor, query=wanted["query"], category=category, filters=wanted["filters"], sort=wanted["sort"],
            page=page_number, per_page=50)
        return Response({"count": total, "more": facets.more_than is not None, "page": page_number,
                         "results": ProductListSerializer(list(page), many=True,
                                                          context={"display": api_stock_display(actor)}).data})


class ProductDetailView(CatalogView):
    @extend_schema(
        parameters=[OpenApiParameter("quantity", str, required=False)],
        responses={200: ProductDetailSerializer},
    )
    def get(self, request, sku):
        actor = self.actor()
        product = selectors.get_product(sku=sku)
        if product is None:
            raise Http404
        wanted = request.query_params.get("quantity")
        quantity = quantity_value(wanted) if wanted not in (None, "") else product.min_order_quantity
        product.price = None
        if can_see_prices(actor):
            product.price = prices_for(actor=actor, products=[product], quantities={product.pk: quantity}).get(
                product.pk)
        context = {"display": api_stock_display(actor), "quantity": quantity if wanted not in (None, "") else None}
        return Response(ProductDetailSerializer(product, context=context).data)
