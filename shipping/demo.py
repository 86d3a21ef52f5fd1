"""Demo shipping: Yurtiçi, Aras and MNG Kargo and an own truck; Standard (weight bands, free above 10,000 TRY
net), Express (higher, never free), Freight/pallet (net bands, carries hazardous goods, offers insurance) and Own
truck (Istanbul and Kocaeli only). Idempotent: everything is keyed by its code or name."""
from decimal import Decimal

from django.db import transaction

from .models import Carrier, RateKind, RateRule, ShippingMethod, ShippingZone, ZoneLine

D = Decimal

CARRIERS = [
    ("yurtici", "Yurtiçi Kargo", False, "https://www.yurticikargo.com/tr/online-servisler/gonderi-sorgula?code={code}"),
    ("aras", "Aras Kargo", False, "https://kargotakip.araskargo.com.tr/mainpage.aspx?code={code}"),
    ("mng", "MNG Kargo", False, "https://www.mngkargo.com.tr/gonderi-takip/?code={code}"),
    ("own-truck", "Own truck", True, ""),
]

WEIGHT, NET, FLAT = RateKind.WEIGHT, RateKind.NET, RateKind.FLAT

# code, carrier, names (en, tr, bg, vi, zh_hans), lead days, fields, rules (kind, from, to, price, zone name)
METHODS = [
    ("standard", "yurtici", ("Standard", "Standart", "Стандартна", "Tiêu chuẩn", "标准"), 2,
     {"free_above_net": D("10000.00"), "handling_charge": D("50.00")},
     [(WEIGHT, "0", "10", "90.00", None), (WEIGHT, "10", "30", "160.00", None), (WEIGHT, "30", "100", "290.00", None),
      (WEIGHT, "100", None, "450.00", None), (FLAT, "0", None, "350.00", None)]),
    ("express", "aras", ("Express", "Ekspres", "Експресна", "Chuyển phát nhanh", "快递"), 1,
     {"handling_charge": D("75.00")},
     [(WEIGHT, "0", "10", "180.00", None), (WEIGHT, "10", "30", "280.00", None), (WEIGHT, "30", None, "450.00", None),
      (FLAT, "0", None, "500.00", None)]),
    ("freight", "mng", ("Freight / pallet", "Ambar / palet", "Палетен транспорт", "Hàng pallet", "托盘货运"), 4,
     {"carries_hazardous": True, "handling_charge": D("150.00"), "insurance_rate_percent": D("0.30"),
      "insurance_minimum": D("100.00"),
      "insurance_cover_en": "Loss of or damage to the goods in transit, up to their net invoice value.",
      "insurance_cover_tr": "Taşıma sırasında malların kaybı veya hasarı, net fatura değerine kadar.",
      "insurance_cover_bg": "Загуба или повреда на стоката при превоза, до нетната ѝ фактурна стойност.",
      "insurance_cover_vi": "Mất mát hoặc hư hỏng hàng hóa trong quá trình vận chuyển, tối đa bằng giá trị hóa "
                            "đơn chưa thuế.",
      "insurance_cover_zh_hans": "运输途中货物的丢失或损坏，最高按净发票金额赔付。"},
     [(NET, "0", "20000", "900.00", None), (NET, "20000", None, "600.00", None)]),
    ("own-truck", "own-truck", ("Own truck", "Kendi aracımız", "Собствен камион", "Xe tải riêng", "自有货车"), 1,
     {"free_above_net": D("5000.00"), "carries_hazardous": False},
     [(FLAT, "0", None, "150.00", "Istanbul and Kocaeli")]),
]

ZONES = {"Istanbul and Kocaeli": {"cities": ["İstanbul", "Kocaeli"], "postcode_prefixes": ["34", "41"]}}


def load():
    with transaction.atomic():
        carriers = {}
        for code, name, own_truck, template in CARRIERS:
            carriers[code], _created = Carrier.objects.get_or_create(
                code=code, defaults={"name": name, "own_truck": own_truck, "tracking_url_template": template})
        zones = {}
        for name, places in ZONES.items():
            zones[name], created = ShippingZone.objects.get_or_create(name=name)
            if created:
                ZoneLine.objects.bulk_create(
                    [ZoneLine(zone=zones[name], city=city) for city in places["cities"]]
                    + [ZoneLine(zone=zones[name], postcode_prefix=p) for p in places["postcode_prefixes"]])
        for position, (code, carrier, names, days, fields, rules) in enumerate(METHODS, start=1):
            en, tr, bg, vi, zh = names
            method, created = ShippingMethod.objects.get_or_create(code=code, defaults={
                "carrier": carriers[carrier], "name_en": en, "name_tr": tr, "name_bg": bg, "name_vi": vi,
                "name_zh_hans": zh, "lead_time_days": days, "ordering": position, **fields})
            if created:
                RateRule.objects.bulk_create([
                    RateRule(method=method, kind=kind, from_value=D(low), to_value=None if high is None else D(high),
                             price=D(price), zone=zones[zone] if zone else None)
                    for kind, low, high, price, zone in rules])
    return []
