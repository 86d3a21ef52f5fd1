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
