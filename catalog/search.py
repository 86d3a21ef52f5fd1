"""Search text folding: Turkish case rules and diacritics, the same for stored text and queries."""
import unicodedata

# Turkish: I ↔ ı and İ ↔ i. str.lower() would turn "İ" into "i̇" and "I" into "i".
_TURKISH_UPPER = str.maketrans({"I": "ı", "İ": "i"})


def fold(text: str) -> str:
    """Lowercase by Turkish rules, then drop diacritics, so "ÇELİK", "çelik" and "celik" all read "celik"
    and "IŞIK", "ışık" and "isik" all read "isik"."""
    lowered = (text or "").translate(_TURKISH_UPPER).lower().replace("ı", "i")
    decomposed = unicodedata.normalize("NFKD", lowered)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


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
