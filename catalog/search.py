"""Search text folding (Turkish case rules and diacritics, the same for stored text and queries), the catalog
version that cached pages and facets hang on, and product links built without a reverse() per card."""
import unicodedata
from urllib.parse import quote

# Turkish: I ↔ ı and İ ↔ i. str.lower() would turn "İ" into "i̇" and "I" into "i".
_TURKISH_UPPER = str.maketrans({"I": "ı", "İ": "i"})


def fold(text: str) -> str:
    """Lowercase by Turkish rules, then drop diacritics, so "ÇELİK", "çelik" and "celik" all read "celik"
    and "IŞIK", "ışık" and "isik" all read "isik"."""
    lowered = (text or "").translate(_TURKISH_UPPER).lower().replace("ı", "i")
    decomposed = unicodedata.normalize("NFKD", lowered)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


# --- Bounded search ----------------------------------------------------------------------------------------
# `search_name` is the folded SKU, barcode, name and codes of a card (name_text below), short and with its own
# trigram GIN index: typo matching (`%>`, `%>>`) looks at it only. A search never counts, facets or ranks more
# than SEARCH_CANDIDATES matches: it reads at most SEARCH_SCAN of them (the first found, with their distance to
# the query by name and code), keeps the closest SEARCH_CANDIDATES, and when more matched the page says "more
# than" (Facets.more_than) instead of a count it did not make. Up to SEARCH_SCAN matches, the kept ones are exactly
# the closest; beyond, the closest among the first SEARCH_SCAN found.
SEARCH_CANDIDATES = 1000
SCAN_FACTOR = 2  # SEARCH_SCAN = SCAN_FACTOR × SEARCH_CANDIDATES (3 read 50 % more rows for the same 1,000 kept)


def name_text(*, sku, barcode="", name="", manufacturer_code="", erp_code="") -> str:
    """`Product.search_name`: what typo matching and ranking look at."""
    return fold(" ".join(filter(None, [sku, barcode, name, manufacturer_code, erp_code])))


def search_match(folded: str):
    """Q of the products a folded query finds: a whole word (tsvector), a substring of the text (partial SKUs;
    the trigram GIN index of search_text serves LIKE), or, for a query without digits, a typo of a word of the
    name or a code (trigram word and strict word similarity over `search_name`)."""
    from django.contrib.postgres.search import SearchQuery
    from django.db.models import Q

    match = Q(search_vector=SearchQuery(folded, config="simple", search_type="plain")) | Q(
        search_text__contains=folded)
    if not any(ch.isdigit() for ch in folded):
        # `<%` (word similarity above pg_trgm.word_similarity_threshold, 0.6): typos. Not for codes: "AB-0012"
        # must not bring every "AB-001x". `<<%` (strict word similarity over whole words, above
        # pg_trgm.strict_word_similarity_threshold, 0.5) also takes a letter missing inside a word ("prjektör"
        # for "projektör"), which `<%` misses because the query's trigrams cover only part of the word.
        match |= Q(search_name__trigram_word_similar=folded) | Q(search_name__trigram_strict_word_similar=folded)
    return match


def relevance(folded: str):
    """The ranking of a search's candidates: the weighted tsvector rank plus the word similarity to the name."""
    from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramWordSimilarity
    from django.db.models import F, Value
    from django.db.models.functions import Coalesce

    ts_query = SearchQuery(folded, config="simple", search_type="plain")
    return Coalesce(SearchRank(F("search_vector"), ts_query), Value(0.0)) + TrigramWordSimilarity(
        folded, "search_name")


def _name_distance(folded: str):
    """`search_name <->> query`: 1 - the word similarity of the query to the name and codes."""
    from django.db.models import F, FloatField, Func, Value

    return Func(F("search_name"), Value(folded), function="", arg_joiner=" <->> ", output_field=FloatField())


def best_matches(products, folded: str, *, limit: int | None = None) -> tuple[list[int], bool]:
    """(ids, more): the ids of the products of `products` that `folded` matches, all of them when there are at
    most `limit` (default SEARCH_CANDIDATES), else the `limit` closest by name and code among the first
    SCAN_FACTOR × limit found (more = True). One query, bounded: it stops after SCAN_FACTOR × limit + 1 matches."""
    limit = SEARCH_CANDIDATES if limit is None else limit
    rows = list(products.filter(search_match(folded)).order_by().annotate(name_distance=_name_distance(folded))
                .values_list("pk", "name_distance")[:SCAN_FACTOR * limit + 1])
    if len(rows) <= limit:
        return [pk for pk, _distance in rows], False
    rows.sort(key=lambda row: (row[1], row[0]))
    return [pk for pk, _distance in rows[:limit]], True


# Facet counts of the unsearched catalog are the same for every dealer and change only when products
# change: they are cached under a version that every catalog write bumps (after its commit).
VERSION_KEY = "catalog:version"


def catalog_version(request=None) -> int:
    """The catalog version. With `request`: read once per request and kept on it (a page asks for it for its
    results, its cards and its sidebar; a bump during the request shows on the next one)."""
    from django.core.cache import cache

    from portal.cache import request_value

    if request is None:
        return cache.get_or_set(VERSION_KEY, _first_catalog_version, None)
    version = getattr(request, "_catalog_version", None)
    if version is None:
        version = request_value(request, VERSION_KEY)
        if version is None:
            version = cache.get_or_set(VERSION_KEY, _first_catalog_version, None)
        request._catalog_version = version
    return version


_CATALOG_PATHS = []


def version_read_ahead(request) -> list[str]:
    """Hook portal.request_reads: the catalog's pages (list, product, quantity check) read the catalog version."""
    if not _CATALOG_PATHS:
        from django.urls import reverse

        _CATALOG_PATHS.append(reverse("catalog:list"))
    return [VERSION_KEY] if request.path.startswith(_CATALOG_PATHS[0]) else []


def _first_catalog_version() -> int:
    """A version no process has seen: after Redis lost its data (it keeps none on disk) the count starts from the
    clock, so what a process keeps under an earlier version (portal.cache.KeptValues) is never taken for the new
    one's."""
    import time

    return time.time_ns() // 1000


def bump_catalog_version() -> None:
    from django.core.cache import cache
    from django.db import transaction

    def bump():
        try:
            cache.incr(VERSION_KEY)
        except ValueError:
            cache.set(VERSION_KEY, _first_catalog_version(), None)

    transaction.on_commit(bump)


_url_parts = {}
# What reverse() leaves unquoted in a path argument (django.urls.resolvers).
_SAFE = "!$&'()*+,;=/~:@"


def product_url(sku: str) -> str:
    """The product page of `sku`: the same as reverse("catalog:product", args=[sku]), computed once per
    script prefix (a list page links 24 to 48 cards twice each)."""
    return _one_argument_url("catalog:product", sku)


def category_url(slug: str) -> str:
    """A category's page: reverse("catalog:category", args=[slug]) (the list's sidebar links every subcategory)."""
    return _one_argument_url("catalog:category", slug)


def _one_argument_url(name, value) -> str:
    from django.urls import get_script_prefix, reverse

    key = (get_script_prefix(), name)
    parts = _url_parts.get(key)
    if parts is None:
        parts = _url_parts[key] = reverse(name, args=["SKU"]).split("SKU", 1)
    return f"{parts[0]}{quote(value, safe=_SAFE)}{parts[1]}"
