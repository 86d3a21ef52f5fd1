"""How delivery places are compared: Turkish city names whatever their case and dotted/dotless i, postcodes
without spaces."""
import unicodedata


def normalise_city(text: str) -> str:
    """"İstanbul", "ISTANBUL", "istanbul", "Istanbul" → "istanbul"; "Şanlıurfa" → "sanliurfa".

    Python's lower() turns "İ" into "i̇" (i + a combining dot) and keeps "I" as "i", so the Turkish letters are
    folded by hand first; then the other accents (ş, ğ, ç, ö, ü) are dropped."""
    text = (text or "").strip().replace("İ", "i").replace("I", "i").replace("ı", "i").lower()
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(text.split())


def normalise_postcode(text: str) -> str:
    return "".join((text or "").split()).upper()
