"""HTML views of catalog: the list with search and facets, the product card, the quantity check (htmx)."""
import hashlib
from functools import wraps
from urllib.parse import quote_plus

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from dealers import permissions as dealer_permissions
from dealers.views import dealer_page
from portal import uploads
from portal.errors import DomainError

from . import hooks, selectors, services
from .availability import EXACT, availability
from .cards import render_cards, render_dense_rows
from .forms import ATTR_PREFIX, parse_list_params
from .permissions import can_browse_catalog, can_see_prices, stock_display_for
from .prices import price_context_key, prices_for
from .results import render_results
from .search import catalog_version, category_url

VIEW_MODES = ("list", "grid", "dense")
# The dense list is an order pad: many rows a page, the reader's choice; grid and list keep their 24 cards.
DENSE_PER_PAGE = (50, 100)
CARDS_PER_PAGE = 24
# The last view and rows-per-page chosen come back on the next visit (cookies: no session write on a read).
VIEW_COOKIE, PER_PAGE_COOKIE = "catalog_view", "catalog_per_page"
CHOICE_COOKIE_AGE = 365 * 24 * 3600


def catalog_page(fn):
    """Staff without a dealer browse the catalog (no prices); everyone else through dealers' `dealer_page`
    (a dealer to act for, approved, allowed to browse)."""
    dealer_view = dealer_page(ability=dealer_permissions.BROWSE)(fn)

    @wraps(fn)
    @login_required
    def wrapper(request, *args, **kwargs):
        actor = request.actor
        if actor.dealer is None and can_browse_catalog(actor):
            return fn(request, *args, **kwargs)
        return dealer_view(request, *args, **kwargs)

    return wrapper


class _Links:
    """The current query string with changes, for the page's links (facet toggles, sorts, views, pages): what
    QueryDict.copy(), setting or popping keys and urlencode() wrote (keys keep their place, a new one goes last;
    values quoted as urlencode quotes them), without copying the QueryDict for each of the page's 15 to 30 links."""

    def __init__(self, params):
        self.quoted = {key: [quote_plus(value) for value in values] for key, values in params.lists()}

    def url(self, **changes) -> str:
        """`changes`: None removes a key; a list sets several values. A change other than the page starts at the
        first page."""
        query = dict(self.quoted)
        for key, value in changes.items():
            if value is None:
                query.pop(key, None)
            elif isinstance(value, list):
                query[key] = [quote_plus(str(item)) for item in value]
            else:
                query[key] = [quote_plus(str(value))]
        if "page" not in changes:
            query.pop("page", None)  # a new filter or sort starts at the first page
        return "?" + self.encode(query)

    def without(self, drop) -> str:
        """The query string without the keys `drop(key)` is true of."""
        return self.encode({key: values for key, values in self.quoted.items() if not drop(key)})

    @staticmethod
    def encode(query) -> str:
        return "&".join(f"{quote_plus(key)}={value}" for key, values in query.items() for value in values)


@catalog_page
def product_list(request, slug=None):
    category = None
    if slug:
        category = selectors.get_category(slug=slug)
        if category is None:
            raise Http404
    # The results (filters, counts, cards with the dealer's prices) are cached per user and query under the
    # catalog version (every product and price write bumps it) and the price context (dealer, segment, day,
    # next campaign edge). Per user: the fragment may hold forms with the user's CSRF token.
    view_mode, per_page = _view_choice(request)
    version = catalog_version(request)  # once a request: the key, the sidebar's fragment, the cards' figures
    key = _results_cache_key(request, category, view_mode, per_page, version)
    results = cache.get(key) if key else None
    made = {}
    if results is None:
        context = _results_context(request, category, view_mode, per_page, version)
        results = render_results(context)  # catalog/results.py: the fragment built in Python
        if key:
            cache.set(key, results, RESULTS_CACHE_SECONDS)
        made = {"products": context["products"], "total": context["total"]}  # for tests reading response.context
    cart_add_url = _cart_add_url(request.actor)
    response = render(request, "catalog/list.html", {
        **made,
        "category": category,
        "ancestors": selectors.list_ancestors(category=category) if category else [],
        "results": mark_safe(results),  # noqa: S308 (rendered by our own template above)
        # The dense list's one form (its fields point to it with form="dense-form"), outside the cached fragment so
        # its CSRF token is always the current one.
        "bulk_add_url": reverse("orders:cart_add_many") if view_mode == "dense" and cart_add_url else None,
    })
    if request.GET.get("view") == view_mode:
        response.set_cookie(VIEW_COOKIE, view_mode, max_age=CHOICE_COOKIE_AGE, samesite="Lax", httponly=True)
    if view_mode == "dense" and request.GET.get("per_page") == str(per_page):
        response.set_cookie(PER_PAGE_COOKIE, str(per_page), max_age=CHOICE_COOKIE_AGE, samesite="Lax",
                            httponly=True)
    return response


def _view_choice(request) -> tuple[str, int]:
    """(view, rows per page): from the query string when it says, else the last choice (cookies), else the list."""
    view = request.GET.get("view")
    if view not in VIEW_MODES:
        view = request.COOKIES.get(VIEW_COOKIE)
    if view not in VIEW_MODES:
        view = "list"
    if view != "dense":
        return view, CARDS_PER_PAGE
    choices = {str(n): n for n in DENSE_PER_PAGE}
    per_page = request.GET.get("per_page")
    if per_page not in choices:
        per_page = request.COOKIES.get(PER_PAGE_COOKIE)
    return view, choices.get(per_page, DENSE_PER_PAGE[0])


RESULTS_CACHE_SECONDS = 300


def _results_cache_key(request, category, view_mode, per_page, version) -> str | None:
    actor = request.actor
    prices = price_context_key(actor=actor, version=version) if can_see_prices(actor) else "-"
    if prices is None:
        return None
    query = hashlib.sha1(repr(sorted(request.GET.lists())).encode()).hexdigest()
    # The view and rows per page may come from cookies rather than the query string: both are in the key.
    return "catalog:results:{}:{}:{}:{}:{}:{}:{}:{}:{}".format(
        version, request.user.pk, actor.dealer.pk if actor.dealer else "-", prices,
        get_language(), category.pk if category else "-", view_mode, per_page, query)


def _results_context(request, category, view_mode, per_page, version) -> dict:
    actor = request.actor
    params = parse_list_params(request.GET)
    page, facets, total = selectors.search_products(actor=actor, category=category, per_page=per_page,
                                                    version=version, **params)
    # Quantities a bulk add refused come back as `q-<product id>` (orders.views.cart.cart_add_many): the dense rows
    # show them again; the page's links leave them out.
    get = request.GET.copy()
    typed = {}
    for key in [key for key in get if key.startswith("q-")]:
        typed[key[2:]] = get.pop(key)[-1][:20]
    if view_mode == "dense" and typed:
        for product in page.object_list:
            product.typed = typed.get(str(product.pk))

    # Links that keep the other filters: toggles of facet values, sorting, view mode, pages.
    links = _Links(get)
    if view_mode != "dense":
        _card_extras(request, page.object_list)
    for facet in facets.attributes:
        key = ATTR_PREFIX + facet.attribute.code
        chosen = get.getlist(key)
        for value in facet.values:
            values = [v for v in chosen if v != value.value] if value.selected else chosen + [value.value]
            value.url = links.url(**{key: values or None})
    # A subcategory keeps the search and stock filters; attribute values belong to the old category.
    kept = links.without(lambda key: key.startswith(ATTR_PREFIX) or key == "page")
    facets_categories = [(child, count, _category_url(child, kept)) for child, count in facets.categories]
    sorts = [("relevance", _("Relevance")), ("name", _("Name")), ("price", _("Price: low to high")),
             ("price_desc", _("Price: high to low")), ("newest", _("Newest"))]
    if not facets.prices_available:
        sorts = [s for s in sorts if not s[0].startswith("price")]
    if not params["query"]:
        sorts = [s for s in sorts if s[0] != "relevance"]
    active_sort = params["sort"] if params["sort"] != "relevance" or params["query"] else "name"
    show_prices, cart_add_url = can_see_prices(actor), _cart_add_url(actor)
    render = render_dense_rows if view_mode == "dense" else render_cards
    items = render(page.object_list, show_prices=show_prices, cart_add_url=cart_add_url,
                   display=stock_display_for(request.user))
    return {
        "category": category,
        "language": get_language(),
        # The sidebar tree is a cached fragment: read only when the cache misses (catalog.results calls it).
        "tree": lambda: selectors.list_category_tree(current=category),
        "tree_version": version,
        "tree_current": category.pk if category else "-",
        "page": page,
        "products": page.object_list,
        "facets": facets,
        "facets_categories": facets_categories,
        "total": total,
        "query": params["query"],
        "filters": params["filters"],
        "filters_active": _active_filter_count(params["filters"]),
        "sorts": [(key, label, links.url(sort=key), key == active_sort) for key, label in sorts],
        "view_mode": view_mode,
        "grid_url": links.url(view="grid", per_page=None),
        "list_url": links.url(view="list", per_page=None),
        "dense_url": links.url(view="dense"),
        "per_page_choices": [(n, links.url(view="dense", per_page=str(n)), n == per_page) for n in DENSE_PER_PAGE],
        "in_stock_url": links.url(in_stock=None if params["filters"]["in_stock"] else "1"),
        "on_campaign_url": links.url(on_campaign=None if params["filters"]["on_campaign"] else "1"),
        "clear_url": links.url(**{k: None for k in get if k not in ("q", "view", "sort", "per_page")}),
        "prev_url": links.url(page=str(page.previous_page_number())) if page.has_previous() else None,
        "next_url": links.url(page=str(page.next_page_number())) if page.has_next() else None,
        "show_prices": show_prices,
        "cart_add_url": cart_add_url,
        "rows" if view_mode == "dense" else "cards": items,
        "hidden_params": [(k, v) for k in get for v in get.getlist(k) if k not in ("q", "page", "price_min",
                                                                                  "price_max")],
    }


def _active_filter_count(filters) -> int:
    """How many filters narrow the list (shown on the phone's "Filters" button)."""
    return (sum(len(values) for values in filters["attrs"].values()) + bool(filters["in_stock"])
            + bool(filters["on_campaign"]) + (filters["price_min"] is not None) + (filters["price_max"] is not None))


def _card_extras(request, products) -> None:
    """What later stages show on each card (hook point catalog.card_extras: feedback's stars), as `product.extras`."""
    products = list(products)
    for product in products:
        product.extras = []
    if not products:
        return
    for answer in hooks.card_extras.collect(request=request, products=products):
        for product in products:
            if (answer or {}).get(product.pk):
                product.extras.append(answer[product.pk])


def _cart_add_url(actor) -> str | None:
    """Where a card's or the product page's "Add to cart" posts (the orders app serves it): computed once per page,
    never per card, and only for those who may fill a cart."""
    return reverse("orders:cart_add") if dealer_permissions.can(actor, dealer_permissions.CART) else None


def _category_url(category, query) -> str:
    """A subcategory's link with `query` (the page's, without attribute values and page: _Links.without)."""
    return category_url(category.slug) + (f"?{query}" if query else "")


def _get_product_or_404(sku):
    product = selectors.get_product(sku=sku)
    if product is None:
        raise Http404
    return product


@catalog_page
def product_detail(request, sku):
    actor = request.actor
    product = _get_product_or_404(sku)
    variants = selectors.list_variants(product=product)
    related = selectors.list_related(product=product)
    show_prices = can_see_prices(actor)
    # Priced at the minimum order: the saving the price box shows is for that quantity (and per unit).
    prices = prices_for(actor=actor, products=[product, *related],
                        quantities={product.pk: product.min_order_quantity}) if show_prices else {}
    for item in related:
        item.price = prices.get(item.pk)
    price = prices.get(product.pk)
    images = list(product.images.all())
    stock = availability(product, display=EXACT if actor.is_staff else None)
    _card_extras(request, [product, *related])  # the page's own product too: shown under its name
    cart_add_url = _cart_add_url(actor)
    return render(request, "catalog/product.html", {
        "product": product,
        "images": images,
        "documents": list(product.documents.all()),
        # Sanitised when saved; again here because imports may write the column directly.
        "description": services.sanitize_description(product.description),
        "specifications": list(product.attributes.all()),
        "variants": variants,
        "related": related,
        "related_cards": render_cards(related, show_prices=show_prices, cart_add_url=cart_add_url,
                                      display=stock_display_for(request.user)),
        "ancestors": selectors.list_ancestors(category=product.category),
        "price": price,
        "price_box": _price_box(product, price),
        "availability": stock,
        "show_prices": show_prices,
        "quantity": product.min_order_quantity,
        "cart_add_url": cart_add_url,
        # Sections of later stages (hook point catalog.product_panel): feedback's reviews.
        "panels": [html for html in hooks.product_panel.collect(request=request, product=product) if html],
    })


def _price_box(product, price) -> dict:
    """What the price box says beyond the unit price: the saving per unit and on the quantity priced (the minimum
    order), and the quantity breaks from the minimum order on (rows below it cannot be ordered: the last of them is
    the price at the minimum)."""
    if price is None or getattr(price, "unit_price", None) is None:
        return {}
    box = {"breaks": [], "unit_saving": None, "saving": None, "saving_quantity": None}
    if price.market_price is not None and price.market_price > price.unit_price:
        box["unit_saving"] = price.market_price - price.unit_price
        if price.saving and price.quantity != 1:
            box["saving"], box["saving_quantity"] = price.saving, price.quantity
    minimum = product.min_order_quantity
    breaks = sorted(price.breaks or [], key=lambda row: row[0])
    below = [row for row in breaks if row[0] <= minimum]
    rows = ([(minimum, below[-1][1])] if below else []) + [(row[0], row[1]) for row in breaks if row[0] > minimum]
    box["breaks"] = rows if len(rows) > 1 else []  # one price from the minimum on is not a table
    return box


@catalog_page
def check_quantity(request, sku):
    """htmx: the quantity checked against the minimum and multiples, with the line total when priced."""
    actor = request.actor
    product = _get_product_or_404(sku)
    error, line, quantity, stock = None, None, None, None
    try:
        quantity = services.validate_quantity(product=product, quantity=request.GET.get("quantity"))
    except DomainError as exc:
        error = str(exc.message)
    else:
        stock = availability(product, quantity, display=EXACT if actor.is_staff else None)
        if not stock.can_deliver:
            error = stock.problem
        elif can_see_prices(actor):
            line = prices_for(actor=actor, products=[product], quantities={product.pk: quantity}).get(product.pk)
            if line is not None and not getattr(line, "priced", True):
                line = None
    return render(request, "catalog/_quantity_check.html", {
        "product": product, "error": error, "line": line, "quantity": quantity, "availability": stock,
        "quantity_text": f"{quantity.normalize():f}" if quantity is not None else "",
    })


@catalog_page
def download_document(request, pk):
    document = selectors.get_document(pk=pk)
    if document is None or not document.file:
        raise Http404
    # Under the stored (detected) type's extension with nosniff; a file of another type is served as octet-stream.
    return uploads.file_response(document.file, filename=document.title)
