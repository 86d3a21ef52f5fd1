"""Facets of the catalog list: which filter values exist among the matches and how many products each has
(category children, filterable attribute values, in stock), counted in a fixed number of queries."""
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext as _

from .models import IN_STOCK, Attribute, Category, ProductAttribute
from .search import fold

FACET_CACHE_SECONDS = 300
# What ProductAttribute.value_number (Decimal 14, 4) can hold.
MAX_ATTRIBUTE_NUMBER = Decimal("1e10")


@dataclass
class FacetValue:
    value: str
    label: str
    count: int | None         # None: not counted (a search with more matches than it counts)
    selected: bool = False


@dataclass
class AttributeFacet:
    attribute: Attribute
    values: list


@dataclass
class Facets:
    categories: list          # [(Category, count)] children of the current category (roots without one)
    attributes: list          # [AttributeFacet]
    in_stock: int | None      # None: not counted (a search with more matches than it counts)
    on_campaign: int | None   # None when prices are not available
    prices_available: bool
    price_range: tuple | None = None  # (lowest, highest) unit price among the candidates, when known
    # A search that matched more products than it counts (search.SEARCH_CANDIDATES): the counts above are of the
    # closest `more_than` of them, so the page shows "more than" and no counts (attribute values: count None).
    more_than: int | None = None


def attribute_value_q(attribute: Attribute, values: list[str]) -> Q | None:
    """Q on ProductAttribute for one attribute's selected URL values; None when no value parses."""
    q = Q()
    any_value = False
    for raw in values:
        if attribute.kind == Attribute.Kind.NUMBER:
            try:
                number = Decimal(raw)
            except ArithmeticError:
                continue
            if not number.is_finite() or abs(number) >= MAX_ATTRIBUTE_NUMBER:
                continue  # no stored value can equal it (and PostgreSQL would refuse to compare)
            q |= Q(value_number=number)
        elif attribute.kind == Attribute.Kind.BOOLEAN:
            if raw not in ("true", "false"):
                continue
            q |= Q(value_bool=(raw == "true"))
        else:
            q |= Q(value_text=raw)
        any_value = True
    return q if any_value else None


def filterable_attributes() -> dict:
    return {a.code: a for a in Attribute.objects.filter(filterable=True)}


def has_attribute(attribute: Attribute, value_q: Q, ref="pk"):
    return Exists(ProductAttribute.objects.filter(value_q, product_id=OuterRef(ref), attribute_id=attribute.pk))


def _value_key(kind, text, number, flag) -> tuple[str, str] | None:
    if kind == Attribute.Kind.NUMBER:
        if number is None:
            return None
        return f"{number.normalize():f}", f"{number.normalize():f}"
    if kind == Attribute.Kind.BOOLEAN:
        if flag is None:
            return None
        return ("true", str(_("yes"))) if flag else ("false", str(_("no")))
    return (text, text) if text else None


def attribute_facets(*, base, attr_values, attributes, selected):
    """Value counts of filterable attributes in one query. A value of an attribute is counted with every
    filter applied except that attribute's own, so choosing a second value of it still shows the others."""
    codes = list(attr_values)

    def all_but(skip):
        q = Q()
        for code in codes:
            if code != skip:
                attribute, value_q = attr_values[code]
                q &= Q(has_attribute(attribute, value_q, ref="product_id"))
        return q

    rows = ProductAttribute.objects.filter(product__in=base.values("pk"), attribute__filterable=True)
    if codes:
        conditions = ~Q(attribute__code__in=codes) & all_but(None)
        for code in codes:
            conditions |= Q(attribute__code=code) & all_but(code)
        rows = rows.filter(conditions)
    rows = (rows.values("attribute_id", "value_text", "value_number", "value_bool")
            .annotate(n=Count("product_id", distinct=True)).order_by())
    by_attribute = {}
    for row in rows:
        by_attribute.setdefault(row["attribute_id"], []).append(row)
    facets = []
    for attribute in attributes.values():
        values = []
        chosen = set(selected.get(attribute.code, []))
        for row in by_attribute.get(attribute.pk, []):
            key = _value_key(attribute.kind, row["value_text"], row["value_number"], row["value_bool"])
            if key is None:
                continue
            values.append(FacetValue(value=key[0], label=key[1], count=row["n"], selected=key[0] in chosen))
        if attribute.kind == Attribute.Kind.NUMBER:
            values.sort(key=lambda v: Decimal(v.value))
        else:
            values.sort(key=lambda v: fold(v.label))
        if values:
            facets.append(AttributeFacet(attribute=attribute, values=values))
    facets.sort(key=lambda f: (f.attribute.ordering, f.attribute.name))
    return facets


def count_facets(*, products, without_attrs, category, filters, attr_values, attributes, selected, known_total=None):
    """(total, in stock, category facets, attribute facets) of a filtered product set: four queries.

    `known_total`: the set's size when the caller knows it already (a capped search: its candidates, each one
    product of the set, in stock too under the stock filter); then the counting query is not run, and the in-stock
    count is None unless the stock filter makes it the total (the page shows neither for a capped search)."""
    if known_total is not None:
        total = known_total
        in_stock_count = known_total if filters.get("in_stock") else None
    else:
        # Counts: all matches, and in stock, before the stock filter (one query).
        counts = products.aggregate(total=Count("pk"), in_stock=Count("pk", filter=IN_STOCK))
        in_stock_count = counts["in_stock"]
        total = in_stock_count if filters.get("in_stock") else counts["total"]
    if filters.get("in_stock"):
        products = products.in_stock()
        without_attrs = without_attrs.in_stock()

    # Category facet: children of the current category (roots without one), counted over their subtrees.
    by_path = dict(products.values_list("category__path").annotate(n=Count("pk")).order_by())
    if category is not None:
        children = list(Category.objects.active().filter(parent=category).order_by("ordering", "name"))
    else:
        children = list(Category.objects.active().roots().order_by("ordering", "name"))
    category_facets = []
    for child in children:
        n = sum(count for path, count in by_path.items() if path.startswith(child.path))
        if n:
            category_facets.append((child, n))

    by_attribute = attribute_facets(base=without_attrs, attr_values=attr_values, attributes=attributes,
                                    selected=selected)
    return total, in_stock_count, category_facets, by_attribute
