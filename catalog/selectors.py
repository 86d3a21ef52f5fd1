"""Reads of catalog shared by pages and API: the category tree, product search with facets, the product card.

Search folds the query like the stored text (catalog.search.fold) and matches a product by its weighted
tsvector, by a substring of its text (partial SKUs; the trigram GIN index serves LIKE) or by trigram word
and strict word similarity (typos, a missing letter) over the name and codes (catalog.search); it counts and ranks
at most search.SEARCH_CANDIDATES matches. The facet counts are in facets.py. Every read here runs a
fixed number of queries, whatever the number of products."""
import hashlib
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import NamedTuple

from django.core.cache import cache
from django.db import router
from django.db.models import CharField, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.base import ModelState
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import get_language

from portal.cache import KeptValues
from portal.paging import CountedPaginator

from .facets import FACET_CACHE_SECONDS, Facets, attribute_value_q, count_facets, filterable_attributes, has_attribute
from .models import IN_STOCK, Category, Product, ProductAttribute, ProductImage
from .permissions import can_see_prices
from .prices import prices_for
from .search import best_matches, catalog_version, fold, relevance

_IMAGE_STORAGE = ProductImage._meta.get_field("image").storage
SORTS = ("relevance", "name", "price", "price_desc", "newest")
# Up to this many matches the whole candidate set is priced, so campaign counts show without asking.
PRICE_ALL_LIMIT = 1000


@dataclass
class CategoryNode:
    category: Category
    children: list = field(default_factory=list)
    active: bool = False      # the current category or one of its ancestors
    current: bool = False


# --- Category tree ------------------------------------------------------------------------------

def list_category_tree(*, current: Category | None = None) -> list[CategoryNode]:
    """Active categories as a tree of CategoryNode, in one query."""
    nodes, roots = {}, []
    for category in Category.objects.active().order_by("depth", "ordering", "name"):
        node = CategoryNode(category=category)
        nodes[category.pk] = node
        parent = nodes.get(category.parent_id)
        if category.parent_id is None:
            roots.append(node)
        elif parent is not None:
            parent.children.append(node)
    if current is not None:
        for pk in filter(None, current.path.split("/")):
            if int(pk) in nodes:
                nodes[int(pk)].active = True
        if current.pk in nodes:
            nodes[current.pk].current = True
    return roots


def get_category(*, slug: str) -> Category | None:
    return Category.objects.active().filter(slug=slug).first() if slug else None


def list_ancestors(*, category: Category) -> list[Category]:
    ids = [int(pk) for pk in category.path.split("/") if pk]
    found = {c.pk: c for c in Category.objects.filter(pk__in=ids)}
    return [found[pk] for pk in ids if pk in found]


# --- Search -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Thumb:
    """A card's picture: the first image's thumbnail (or the image itself when it has none)."""
    url: str
    alt: str


# What a product card shows, the price engine and the API list need (shipping weight and flags included); the long
# description and search columns stay behind.
CARD_FIELDS = ("sku", "name", "unit", "stock_quantity", "lead_time_days", "allow_backorder", "min_order_quantity",
               "order_multiple", "vat_rate", "category__path", "created_at", "weight_kg", "fragile", "hazardous")


def _with_thumbs(products):
    """Products with `thumb_file`/`thumb_alt` of their first image, read in the same query."""
    first = ProductImage.objects.filter(product_id=OuterRef("pk")).order_by("ordering", "pk")
    return products.only(*CARD_FIELDS).select_related("category").annotate(
        thumb_file=Subquery(first.annotate(file=Coalesce(NullIf("thumbnail", Value("")), "image", output_field=CharField()))
                            .values("file")[:1]),
        thumb_alt=Subquery(first.values("alt")[:1]),
    )


def _set_thumb(product) -> None:
    name = getattr(product, "thumb_file", None)
    product.thumb = Thumb(url=_IMAGE_STORAGE.url(name), alt=product.thumb_alt or "") if name else None


def search_products(*, actor, query: str = "", category: Category | None = None, filters: dict | None = None,
                    sort: str = "relevance", page=1, per_page: int = 24, version: int | None = None):
    """(page of products, facets, total) for the catalog list.

    `filters`: {"attrs": {code: [value, …]}, "in_stock": bool, "on_campaign": bool, "price_min": Decimal|None,
    "price_max": Decimal|None}. Each product of the page carries `.price` (PricedLine or None) and `.thumb`
    (its first image or None). Price filters and sorting by price price the whole filtered set in one engine call.
    `version`: the catalog version the caller read for this request (catalog.search.catalog_version), else read here.
    """
    filters = filters or {}
    folded = fold(query or "").strip()
    sort = sort if sort in SORTS else "relevance"
    if sort == "relevance" and not folded:
        sort = "name"
    show_prices = can_see_prices(actor)

    products = Product.objects.active().filter(category__active=True)
    if category is not None:
        products = products.in_category(category)
    # Attribute filters: only filterable attributes named in the URL (one query reads them).
    selected = {code: [v for v in values if v] for code, values in (filters.get("attrs") or {}).items()}
    selected = {code: values for code, values in selected.items() if values}
    attributes = filterable_attributes() if selected else None
    attr_values = {}
    for code, values in selected.items():
        attribute = attributes.get(code)
        value_q = attribute_value_q(attribute, values) if attribute else None
        if value_q is not None:
            attr_values[code] = (attribute, value_q)

    without_attrs = products
    for attribute, value_q in attr_values.values():
        products = products.filter(has_attribute(attribute, value_q))

    # A search counts, facets and ranks at most SEARCH_CANDIDATES matches: all of them, or when more match the
    # closest by name and code, and the page says "more than" (search.best_matches). Bounded, whatever the query.
    more_than = attribute_counts_capped = None
    if folded:
        in_stock = filters.get("in_stock")
        ids, more = best_matches(without_attrs.in_stock() if in_stock else without_attrs, folded)
        without_attrs, attribute_counts_capped = without_attrs.filter(pk__in=ids), more
        if more and attr_values:  # the attribute filters may keep matches beyond the closest: their own candidates
            ids, more = best_matches(products.in_stock() if in_stock else products, folded)
        products = products.filter(pk__in=ids)
        more_than = len(ids) if more else None

    # Counts and facets do not depend on the dealer (no prices in them): without a search text they are cached per
    # catalog version and language (their labels, "yes" / "no", and their order are the reader's language's).
    cache_key, read_version, version = None, version, None
    if not folded:
        # Also tells the prices when no campaign runs (catalog.prices.prices_for).
        version = read_version if read_version is not None else catalog_version()
        wanted = repr(sorted((code, sorted(values)) for code, values in selected.items()))
        cache_key = "catalog:facets:{}:{}:{}:{}:{}".format(
            version, get_language() or "-", category.pk if category else "-",
            int(bool(filters.get("in_stock"))), hashlib.sha1(wanted.encode()).hexdigest())
    cached = cache.get(cache_key) if cache_key else None
    if cached is None:
        attributes = attributes if attributes is not None else filterable_attributes()
        # A capped search's set is its candidates (`ids`, each in the set, in stock under the stock filter):
        # its size is known without counting.
        cached = count_facets(products=products, without_attrs=without_attrs, category=category,
                               filters=filters, attr_values=attr_values, attributes=attributes, selected=selected,
                               known_total=more_than)
        if cache_key:
            cache.set(cache_key, cached, FACET_CACHE_SECONDS)
    total, in_stock_count, category_facets, attribute_facets = cached
    if attribute_counts_capped:  # counted over the closest matches only: the values are shown without counts
        attribute_facets = [replace(f, values=[replace(v, count=None) for v in f.values]) for f in attribute_facets]
    if filters.get("in_stock"):
        products = products.in_stock()

    # Prices: the whole candidate set when a price filter / sort asks for it or the set is small, else the page.
    wants_prices = bool(filters.get("on_campaign") or filters.get("price_min") is not None
                        or filters.get("price_max") is not None or sort in ("price", "price_desc"))
    on_campaign = None
    prices_available = False
    price_range = None
    order = {
        "relevance": ["-relevance", "name", "pk"], "name": ["name", "pk"], "newest": ["-created_at", "-pk"],
        "price": ["name", "pk"], "price_desc": ["name", "pk"],
    }[sort]
    if sort == "relevance":
        # Ranked only here, over the candidates (search.best_matches), so counting does not compute it.
        products = products.annotate(relevance=relevance(folded))
    products = products.order_by(*order)
    prices = {}
    if show_prices and (wants_prices or (total <= PRICE_ALL_LIMIT and not more_than)) and total:
        ids = list(products.values_list("pk", flat=True))
        prices, complete = _prices_of_all(actor, ids, version)
        prices_available = bool(prices)
        if prices_available:
            priced = [line.unit_price for line in prices.values() if getattr(line, "priced", True)
                      and line.unit_price is not None]
            price_range = (min(priced), max(priced)) if priced else None
            on_campaign = sum(1 for pk in ids if getattr(prices.get(pk), "campaign", None))
            ids = _filter_by_price(ids, prices, filters)
            if sort in ("price", "price_desc"):
                ids = _sort_by_price(ids, prices, descending=sort == "price_desc")
            total = len(ids)
        paginator = CountedPaginator(ids, per_page, count=total)
        page_obj = paginator.get_page(page)
        page_ids = list(page_obj.object_list)
        found = {p.pk: p for p in _with_thumbs(Product.objects.filter(pk__in=page_ids))}
        page_obj.object_list = [found[pk] for pk in page_ids if pk in found]
        if not complete and page_obj.object_list:  # the cards show the whole price: ask again for the page's
            prices = prices_for(actor=actor, products=page_obj.object_list, version=version) or {}
    else:
        # The page's ids first, then its cards: PostgreSQL would compute the thumbnail subqueries of every
        # match before sorting them.
        paginator = CountedPaginator(products.values_list("pk", flat=True), per_page, count=total)
        page_obj = paginator.get_page(page)
        # The page's cards do not depend on the dealer (prices are added below): without a search text they are
        # shared by every dealer under the facets' key (catalog version, category, filters) and the page.
        cards_key = f"{cache_key}:cards:v2:{sort}:{per_page}:{page_obj.number}" if cache_key else None
        page_obj.object_list = _page_cards(page_obj.object_list, cards_key)
        if show_prices and page_obj.object_list:
            prices = prices_for(actor=actor, products=page_obj.object_list, version=version) or {}
            prices_available = bool(prices)
    for product in page_obj.object_list:
        product.price = prices.get(product.pk)
        _set_thumb(product)

    facets = Facets(categories=category_facets, attributes=attribute_facets, in_stock=in_stock_count,
                    on_campaign=on_campaign, prices_available=prices_available, price_range=price_range,
                    more_than=more_than)
    return page_obj, facets, total


def _page_cards(page_ids, key) -> list:
    """The cards (CARD_FIELDS and the thumbnail) of `page_ids` in their order: from the cache under `key` when
    given and there, else read (and kept there for FACET_CACHE_SECONDS: the key holds the catalog version).

    Kept as plain values (_card_values), not pickled model instances: unpickling 24 to 100 products with their
    categories cost about 5 µs a product (a model lookup and a state object each), more than rebuilding them."""
    stored = _SHARED_CARDS.get(key) if key else None
    if stored is not None:
        return _cards_from_values(stored)
    page_ids = list(page_ids)
    found = {p.pk: p for p in _with_thumbs(Product.objects.filter(pk__in=page_ids))}
    cards = [found[pk] for pk in page_ids if pk in found]
    if key:
        _SHARED_CARDS.set(key, _card_values(cards), FACET_CACHE_SECONDS)
    return cards


# The shared cards' plain values (tuples of numbers, strings, dates) are the same for the whole life of their key,
# which holds the catalog version: kept in the process too (portal.cache.KeptValues), so the pages dealers open most
# skip a Redis round trip and the unpickling (issue 18). Bounded by pages and by cards (24 to 100 a page, about
# 1.5 KB each kept: 6,000 cards ~ 9 MB).
_SHARED_CARDS = KeptValues(max_entries=300, weigh=lambda values: len(values[2]), max_weight=6_000)


def _card_values(cards) -> tuple:
    """(names, category names, rows) of `cards` as read by _with_thumbs: each row is the product's loaded values
    (its fields and annotations, in `names` order) and its category's (`category names`: the id and the path)."""
    if not cards:
        return (), (), ()
    names = tuple(name for name in cards[0].__dict__ if name != "_state")
    category_names = ()
    rows = []
    for card in cards:
        category = card._state.fields_cache.get("category")
        if category is not None and not category_names:
            category_names = tuple(name for name in category.__dict__ if name != "_state")
        rows.append((tuple(card.__dict__[name] for name in names),
                     None if category is None else tuple(category.__dict__[name] for name in category_names)))
    return names, category_names, tuple(rows)


def _instance(model, names, values, db):
    """A model instance with these loaded values, as a query (or unpickling) leaves it: no __init__, so no signals."""
    instance = model.__new__(model)
    instance.__dict__.update(zip(names, values, strict=True))
    state = instance._state = ModelState()
    state.adding, state.db = False, db
    return instance


def _cards_from_values(stored) -> list:
    names, category_names, rows = stored
    db = router.db_for_read(Product)
    cards = []
    for values, category_values in rows:
        card = _instance(Product, names, values, db)
        card._state.fields_cache = {"category": None if category_values is None
                                    else _instance(Category, category_names, category_values, db)}
        cards.append(card)
    return cards


# A price sort or filter prices every product of the set. Over more than PRICE_CHUNK products it asks a chunk at a
# time and keeps of each price only what sorting, filtering and the facets need (then prices the page's cards in
# full): the whole priced lines of 100,000 products held 200 MB at once in the worker, which kept the memory.
# (So such a list runs 3 price queries per chunk, not a fixed number.)
PRICE_CHUNK = 5000


class _PriceBrief(NamedTuple):
    unit_price: Decimal | None
    priced: bool
    campaign: object


def _prices_of_all(actor, ids, version=None) -> tuple[dict, bool]:
    """({id: price}, complete): the whole lines when the set fits in one chunk, else _PriceBrief (complete False)."""
    if len(ids) <= PRICE_CHUNK:
        return prices_for(actor=actor, products=ids, version=version) or {}, True
    brief = {}
    for start in range(0, len(ids), PRICE_CHUNK):
        for pk, line in (prices_for(actor=actor, products=ids[start:start + PRICE_CHUNK], version=version)
                         or {}).items():
            brief[pk] = _PriceBrief(line.unit_price, getattr(line, "priced", True), getattr(line, "campaign", None))
    return brief, False


def _filter_by_price(ids, prices, filters):
    low, high = filters.get("price_min"), filters.get("price_max")
    result = []
    for pk in ids:
        line = prices.get(pk)
        unit_price = getattr(line, "unit_price", None)
        if filters.get("on_campaign") and not getattr(line, "campaign", None):
            continue
        if (low is not None or high is not None) and unit_price is None:
            continue
        if low is not None and unit_price < low:
            continue
        if high is not None and unit_price > high:
            continue
        result.append(pk)
    return result


def _sort_by_price(ids, prices, *, descending):
    priced = [pk for pk in ids if getattr(prices.get(pk), "unit_price", None) is not None]
    unpriced = [pk for pk in ids if getattr(prices.get(pk), "unit_price", None) is None]
    priced.sort(key=lambda pk: prices[pk].unit_price, reverse=descending)  # stable: ties keep name order
    return priced + unpriced


def list_example_skus(*, limit: int = 2) -> list[str]:
    """SKUs of real, orderable cards for examples in forms ("LED-600 10" would name a product nobody sells):
    the first active ones in stock (at least a minimum order) by SKU, one query."""
    return list(Product.objects.active().filter(category__active=True).filter(IN_STOCK)
                .order_by("sku").values_list("sku", flat=True)[:limit])


# --- The product card ---------------------------------------------------------------------------

def get_product(*, sku: str) -> Product | None:
    """An active product card with its images, documents and specifications (4 queries)."""
    return (
        Product.objects.active().filter(sku=sku, category__active=True)
        .select_related("category", "variant_of")
        .prefetch_related(
            Prefetch("images", queryset=ProductImage.objects.order_by("ordering", "pk")),
            "documents",
            Prefetch("attributes", queryset=ProductAttribute.objects.select_related("attribute")
                     .order_by("attribute__ordering", "attribute__name")),
        )
        .first()
    )


def list_variants(*, product: Product) -> list[Product]:
    """Cards of the same model (the parent and its variants), this one included, when there are several."""
    root = product.variant_of_id or product.pk
    variants = list(Product.objects.active().filter(Q(pk=root) | Q(variant_of_id=root)).order_by("variant_label", "sku"))
    return variants if len(variants) > 1 else []


def list_related(*, product: Product) -> list[Product]:
    related = list(_with_thumbs(product.related.active().filter(category__active=True)).order_by("name")[:12])
    for item in related:
        _set_thumb(item)
    return related


def get_document(*, pk: int):
    from .models import ProductDocument

    return ProductDocument.objects.filter(pk=pk, product__active=True).first()


def list_categories() -> list[Category]:
    """Every active category in tree order (the API's full tree)."""
    return list(Category.objects.active().select_related("parent").order_by("path"))


