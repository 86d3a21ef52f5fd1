"""How delivery places are compared: Turkish city names whatever their case and dotted/dotless i, postcodes
without spaces; Turkey's seven geographic regions and the provinces in each, for zones that hold a region."""
import unicodedata

from django.db import models
from django.utils.translation import gettext_lazy as _


def normalise_city(text: str) -> str:
    """"İstanbul", "ISTANBUL", "istanbul", "Istanbul" → "istanbul"; "Şanlıurfa" → "sanliurfa".

    Python's lower() turns "İ" into "i̇" (i + a combining dot) and keeps "I" as "i", so the Turkish letters are
    folded by hand first; then the other accents (ş, ğ, ç, ö, ü) are dropped."""
    text = (text or "").strip().replace("İ", "i").replace("I", "i").replace("ı", "i").lower()
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(text.split())


def normalise_postcode(text: str) -> str:
    return "".join((text or "").split()).upper()


# --- Regions -----------------------------------------------------------------------------------------------------
# A dealer's address has a city (for a Turkish address: the province, "il") and a district, but no region or state
# field. A zone may still hold a whole region: Turkey's seven geographic regions, each the provinces below, so a
# "region" place of a zone matches an address whose city is one of its provinces. When the city is not one of the
# 81 provinces (a typo, a district typed as the city), the postcode decides: a Turkish postcode's first two digits are
# its province's plate number (34xxx: İstanbul). Provinces are listed by plate number.

class Region(models.TextChoices):
    MARMARA = "marmara", _("Marmara")
    AEGEAN = "aegean", _("Aegean")
    MEDITERRANEAN = "mediterranean", _("Mediterranean")
    CENTRAL_ANATOLIA = "central_anatolia", _("Central Anatolia")
    BLACK_SEA = "black_sea", _("Black Sea")
    EASTERN_ANATOLIA = "eastern_anatolia", _("Eastern Anatolia")
    SOUTHEASTERN_ANATOLIA = "southeastern_anatolia", _("Southeastern Anatolia")


R = Region
# plate number: (province, region)
PROVINCES = {
    1: ("Adana", R.MEDITERRANEAN), 2: ("Adıyaman", R.SOUTHEASTERN_ANATOLIA), 3: ("Afyonkarahisar", R.AEGEAN),
    4: ("Ağrı", R.EASTERN_ANATOLIA), 5: ("Amasya", R.BLACK_SEA), 6: ("Ankara", R.CENTRAL_ANATOLIA),
    7: ("Antalya", R.MEDITERRANEAN), 8: ("Artvin", R.BLACK_SEA), 9: ("Aydın", R.AEGEAN),
    10: ("Balıkesir", R.MARMARA), 11: ("Bilecik", R.MARMARA), 12: ("Bingöl", R.EASTERN_ANATOLIA),
    13: ("Bitlis", R.EASTERN_ANATOLIA), 14: ("Bolu", R.BLACK_SEA), 15: ("Burdur", R.MEDITERRANEAN),
    16: ("Bursa", R.MARMARA), 17: ("Çanakkale", R.MARMARA), 18: ("Çankırı", R.CENTRAL_ANATOLIA),
    19: ("Çorum", R.BLACK_SEA), 20: ("Denizli", R.AEGEAN), 21: ("Diyarbakır", R.SOUTHEASTERN_ANATOLIA),
    22: ("Edirne", R.MARMARA), 23: ("Elazığ", R.EASTERN_ANATOLIA), 24: ("Erzincan", R.EASTERN_ANATOLIA),
    25: ("Erzurum", R.EASTERN_ANATOLIA), 26: ("Eskişehir", R.CENTRAL_ANATOLIA),
    27: ("Gaziantep", R.SOUTHEASTERN_ANATOLIA), 28: ("Giresun", R.BLACK_SEA), 29: ("Gümüşhane", R.BLACK_SEA),
    30: ("Hakkari", R.EASTERN_ANATOLIA), 31: ("Hatay", R.MEDITERRANEAN), 32: ("Isparta", R.MEDITERRANEAN),
    33: ("Mersin", R.MEDITERRANEAN), 34: ("İstanbul", R.MARMARA), 35: ("İzmir", R.AEGEAN),
    36: ("Kars", R.EASTERN_ANATOLIA), 37: ("Kastamonu", R.BLACK_SEA), 38: ("Kayseri", R.CENTRAL_ANATOLIA),
    39: ("Kırklareli", R.MARMARA), 40: ("Kırşehir", R.CENTRAL_ANATOLIA), 41: ("Kocaeli", R.MARMARA),
    42: ("Konya", R.CENTRAL_ANATOLIA), 43: ("Kütahya", R.AEGEAN), 44: ("Malatya", R.EASTERN_ANATOLIA),
    45: ("Manisa", R.AEGEAN), 46: ("Kahramanmaraş", R.MEDITERRANEAN), 47: ("Mardin", R.SOUTHEASTERN_ANATOLIA),
    48: ("Muğla", R.AEGEAN), 49: ("Muş", R.EASTERN_ANATOLIA), 50: ("Nevşehir", R.CENTRAL_ANATOLIA),
    51: ("Niğde", R.CENTRAL_ANATOLIA), 52: ("Ordu", R.BLACK_SEA), 53: ("Rize", R.BLACK_SEA),
    54: ("Sakarya", R.MARMARA), 55: ("Samsun", R.BLACK_SEA), 56: ("Siirt", R.SOUTHEASTERN_ANATOLIA),
    57: ("Sinop", R.BLACK_SEA), 58: ("Sivas", R.CENTRAL_ANATOLIA), 59: ("Tekirdağ", R.MARMARA),
    60: ("Tokat", R.BLACK_SEA), 61: ("Trabzon", R.BLACK_SEA), 62: ("Tunceli", R.EASTERN_ANATOLIA),
    63: ("Şanlıurfa", R.SOUTHEASTERN_ANATOLIA), 64: ("Uşak", R.AEGEAN), 65: ("Van", R.EASTERN_ANATOLIA),
    66: ("Yozgat", R.CENTRAL_ANATOLIA), 67: ("Zonguldak", R.BLACK_SEA), 68: ("Aksaray", R.CENTRAL_ANATOLIA),
    69: ("Bayburt", R.BLACK_SEA), 70: ("Karaman", R.CENTRAL_ANATOLIA), 71: ("Kırıkkale", R.CENTRAL_ANATOLIA),
    72: ("Batman", R.SOUTHEASTERN_ANATOLIA), 73: ("Şırnak", R.SOUTHEASTERN_ANATOLIA), 74: ("Bartın", R.BLACK_SEA),
    75: ("Ardahan", R.EASTERN_ANATOLIA), 76: ("Iğdır", R.EASTERN_ANATOLIA), 77: ("Yalova", R.MARMARA),
    78: ("Karabük", R.BLACK_SEA), 79: ("Kilis", R.SOUTHEASTERN_ANATOLIA), 80: ("Osmaniye", R.MEDITERRANEAN),
    81: ("Düzce", R.BLACK_SEA),
}
# Other names people write for a province.
ALIASES = {"icel": 33, "afyon": 3, "maras": 46, "k.maras": 46, "k. maras": 46, "urfa": 63, "antep": 27,
           "hakkari": 30, "izmit": 41, "adapazari": 54}

_BY_NAME = {normalise_city(name): plate for plate, (name, _region) in PROVINCES.items()}
_BY_NAME.update(ALIASES)


def province_plate(city: str) -> int | None:
    """The plate number of the province named `city` (any case, with or without Turkish letters), or None."""
    return _BY_NAME.get(normalise_city(city))


def region_of(*, city: str, postal_code: str = "") -> str | None:
    """The region (a Region value) of an address: by its city's province, else by its postcode's first two digits
    (the province's plate number); None when neither is a Turkish province."""
    plate = province_plate(city)
    if plate is None:
        code = normalise_postcode(postal_code)
        if len(code) == 5 and code.isdigit():
            plate = int(code[:2])
    province = PROVINCES.get(plate) if plate else None
    return province[1] if province else None


def provinces_of(region: str) -> list[str]:
    """The provinces of a region, by plate number."""
    return [name for _plate, (name, of) in sorted(PROVINCES.items()) if of == region]
