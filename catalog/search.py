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


# The head of the search text: SKU, barcode, name and codes come first (catalog.services._search_parts), so
# typo matching and ranking look at these characters only, through their own trigram index
# (Product.Meta.indexes "product_search_head_trgm" is this same expression).
HEAD_CHARS = 160


def search_head():
    from django.db.models.functions import Left

    return Left("search_text", HEAD_CHARS)


# Facet counts of the unsearched catalog are the same for every dealer and change only when products
# change: they are cached under a version that every catalog write bumps (after its commit).
VERSION_KEY = "catalog:version"


def catalog_version() -> int:
    from django.core.cache import cache

    return cache.get_or_set(VERSION_KEY, 1, None)


def bump_catalog_version() -> None:
    from django.core.cache import cache
    from django.db import transaction

    def bump():
        try:
            cache.incr(VERSION_KEY)
        except ValueError:
            cache.set(VERSION_KEY, 2, None)

    transaction.on_commit(bump)


_url_parts = {}
# What reverse() leaves unquoted in a path argument (django.urls.resolvers).
_SAFE = "!$&'()*+,;=/~:@"


def product_url(sku: str) -> str:
    """The product page of `sku`: the same as reverse("catalog:product", args=[sku]), computed once per
    script prefix (a list page links 24 to 48 cards twice each)."""
    from django.urls import get_script_prefix, reverse

    prefix = get_script_prefix()
    parts = _url_parts.get(prefix)
    if parts is None:
        parts = _url_parts[prefix] = reverse("catalog:product", args=["SKU"]).split("SKU", 1)
    return f"{parts[0]}{quote(sku, safe=_SAFE)}{parts[1]}"
