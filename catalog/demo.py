"""Demo catalog: three levels of categories, 360 products with specifications, variants, generated images
and a few data sheets. Idempotent: products are keyed by SKU and skipped when they exist."""
import io
import random
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.text import slugify

from .models import Attribute, Category, Product, ProductAttribute, ProductDocument, ProductImage, Unit
from .search import fold
from .services import refresh_search

# root → child → leaf categories, and per leaf: (SKU prefix, name pattern, unit, attributes generator)
TREE = {
    "Elektrik": {
        "Kablolar": ["NYM Kablolar", "H07 Esnek Kablolar", "Data Kabloları"],
        "Sigortalar": ["Otomatik Sigortalar", "Kaçak Akım Rölesi"],
        "Priz ve Anahtarlar": ["Prizler", "Anahtarlar"],
    },
    "Aydınlatma": {
        "İç Mekan": ["LED Paneller", "Downlight", "Ampuller"],
        "Dış Mekan": ["Projektörler", "Sokak Armatürleri"],
    },
    "Bağlantı Elemanları": {
        "Dübeller": ["Çelik Dübeller", "Plastik Dübeller"],
        "Vidalar": ["Sunta Vidaları", "Metrik Cıvatalar"],
    },
    "Tesisat": {
        "Borular": ["PPRC Borular", "Bakır Borular"],
        "Vanalar": ["Küresel Vanalar", "Çekvalfler"],
    },
}

ATTRIBUTES = [
    ("power", "Güç", "number", "W"), ("colour", "Renk", "text", ""), ("ip", "IP sınıfı", "text", ""),
    ("length", "Uzunluk", "number", "m"), ("section", "Kesit", "number", "mm²"), ("diameter", "Çap", "number", "mm"),
    ("current", "Akım", "number", "A"), ("material", "Malzeme", "text", ""), ("dimmable", "Dim edilebilir", "boolean", ""),
]
COLOURS = ["Beyaz", "Siyah", "Gri", "Antrasit"]
BRAND = ["ANADOLU", "IŞIK", "ÇELİK", "MARMARA", "EGE"]


def _ean13(base12: str) -> str:
    digits = [int(c) for c in base12]
    check = (10 - (sum(digits[0::2]) + 3 * sum(digits[1::2])) % 10) % 10
    return base12 + str(check)


def _image(text: str, colour) -> bytes:
    from PIL import Image, ImageDraw, ImageFont

    img = Image.new("RGB", (600, 600), colour)
    draw = ImageDraw.Draw(img)
    try:
        font = ImageFont.truetype("DejaVuSans-Bold.ttf", 46)
    except OSError:
        font = ImageFont.load_default()
    draw.rectangle([40, 40, 560, 560], outline=(255, 255, 255), width=6)
    for i, line in enumerate(text.split("\n")[:3]):
        draw.text((70, 220 + i * 70), line, fill=(255, 255, 255), font=font)
    out = io.BytesIO()
    img.save(out, "JPEG", quality=80)
    return out.getvalue()


def _thumbnail(data: bytes) -> bytes:
    from PIL import Image

    img = Image.open(io.BytesIO(data))
    img.thumbnail((300, 300))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=80)
    return out.getvalue()


# Shipping weight of one unit of sale (kg) per leaf category, for sizes 1-4, and whether it is fragile (issue 14).
SHIPPING = {
    "NYM Kablolar": ("0.12", False), "H07 Esnek Kablolar": ("0.10", False), "Data Kabloları": ("0.05", False),
    "Otomatik Sigortalar": ("0.15", False), "Kaçak Akım Rölesi": ("0.30", False),
    "Prizler": ("0.10", False), "Anahtarlar": ("0.08", False),
    "LED Paneller": ("3.50", True), "Downlight": ("0.40", True), "Ampuller": ("0.08", True),
    "Projektörler": ("1.50", True), "Sokak Armatürleri": ("6.00", True),
    "Çelik Dübeller": ("0.60", False), "Plastik Dübeller": ("0.20", False),
    "Sunta Vidaları": ("0.30", False), "Metrik Cıvatalar": ("0.80", False),
    "PPRC Borular": ("0.30", False), "Bakır Borular": ("0.50", False),
    "Küresel Vanalar": ("0.40", False), "Çekvalfler": ("0.30", False),
}


# Hazardous goods in transport, by leaf and model (the SKU's third digit after the dash): the fourth floodlight model
# is solar, with a lithium-ion battery inside (UN 3481), so only a method that carries hazardous goods takes it (the
# shipping demo's Freight / pallet; Standard, Express and the own truck do not).
HAZARDOUS = {("Projektörler", 3)}


def _model_of(sku: str) -> int | None:
    """The model digit of a demo SKU ("P-1030-130" → 3), None for another SKU."""
    parts = sku.split("-")
    return int(parts[1][2]) if len(parts) == 3 and len(parts[1]) == 4 and parts[1].isdigit() else None


def shipping_of(leaf_name: str, sku: str) -> dict:
    """A demo product's weight, fragile and hazardous flags: the leaf's base weight grows with the variant's size
    (its SKU's last digit); hazardous: the models in HAZARDOUS."""
    base, fragile = SHIPPING.get(leaf_name, ("1.00", False))
    size = int(sku[-1]) + 1 if sku[-1:].isdigit() else 1
    return {"weight_kg": (Decimal(base) * (1 + (size - 1) * Decimal("0.25"))).quantize(Decimal("0.001")),
            "fragile": fragile, "hazardous": (leaf_name, _model_of(sku)) in HAZARDOUS}


def _fill_shipping():
    """Give demo products loaded before products had a weight one, and flag the hazardous ones loaded before the
    flag was used (idempotent)."""
    changed = []
    for product in Product.objects.filter(weight_kg__isnull=True).select_related("category"):
        if product.category.name in SHIPPING:
            for name, value in shipping_of(product.category.name, product.sku).items():
                setattr(product, name, value)
            changed.append(product)
    Product.objects.bulk_update(changed, ["weight_kg", "fragile", "hazardous"], batch_size=500)
    hazardous = [product.pk for product in Product.objects.filter(
        hazardous=False, category__name__in={leaf for leaf, _model in HAZARDOUS}).select_related("category")
        if shipping_of(product.category.name, product.sku)["hazardous"]]
    Product.objects.filter(pk__in=hazardous).update(hazardous=True)


def _leaf_products(leaf: Category, index: int, rng: random.Random):
    """Sixteen products of a leaf category: four models × four variants (colour or size)."""
    prefix = "".join(w[0] for w in fold(leaf.name).upper().split())[:3]
    for model in range(4):
        brand = BRAND[(index + model) % len(BRAND)]
        parent_sku = None
        for variant in range(4):
            sku = f"{prefix}-{index:02d}{model}{variant}-{100 + model * 10 + variant}"
            size = variant + 1
            singular = leaf.name[:-3] if leaf.name.endswith(("ler", "lar")) else leaf.name
            name = f"{brand} {singular} {model + 1}{'ABCD'[variant]}"
            yield {
                "sku": sku, "name": name, "model": model, "variant": variant, "size": size, "brand": brand,
                "variant_label": COLOURS[variant] if index % 2 else f"{size * 10} mm",
                "price": Decimal(rng.randint(20, 4000)) + Decimal(rng.choice(["0.00", "0.50", "0.90", "0.25"])),
                "parent": parent_sku,
            }
            parent_sku = parent_sku or sku


def load():
    rng = random.Random(2026)  # the same demo every time
    if Product.objects.filter(sku__contains="-").count() >= 300:
        refresh_search(products=Product.objects.filter(search_text=""))
        _fill_shipping()
        return []
    with transaction.atomic():
        attributes = {}
        for order, (code, name, kind, unit) in enumerate(ATTRIBUTES):
            attributes[code], _ = Attribute.objects.get_or_create(
                code=code, defaults={"name": name, "kind": kind, "unit": unit, "ordering": order})
        leaves = []
        for r_order, (root_name, children) in enumerate(TREE.items()):
            root, _ = Category.objects.get_or_create(slug=slugify(fold(root_name)),
                                                     defaults={"name": root_name, "ordering": r_order})
            for c_order, (child_name, leaf_names) in enumerate(children.items()):
                child, _ = Category.objects.get_or_create(slug=slugify(fold(f"{root_name} {child_name}")), defaults={
                    "name": child_name, "parent": root, "ordering": c_order})
                for l_order, leaf_name in enumerate(leaf_names):
                    leaf, _ = Category.objects.get_or_create(slug=slugify(fold(leaf_name)), defaults={
                        "name": leaf_name, "parent": child, "ordering": l_order, "erp_code": f"CAT{len(leaves):03d}"})
                    leaves.append(leaf)
        created = []
        for index, leaf in enumerate(leaves):
            fractional = "Kablo" in leaf.name or "Boru" in leaf.name
            for spec in _leaf_products(leaf, index, rng):
                product, made = Product.objects.get_or_create(sku=spec["sku"], defaults=dict(
                    name=spec["name"], category=leaf, barcode=_ean13(f"869{index:03d}{spec['model']}{spec['variant']}0{spec['size']:03d}"[:12]),
                    short_description=f"{spec['brand']} kalitesiyle {leaf.name.lower()} — {spec['variant_label']}",
                    description=(f"<p>{spec['name']}: profesyonel kullanım için {leaf.name.lower()}.</p>"
                                 "<ul><li>TSE belgeli</li><li>2 yıl garanti</li></ul>"),
                    highlights="Uzun ömür\nKolay montaj\nYerli üretim",
                    unit=Unit.METRE if fractional else (Unit.BOX if "Vida" in leaf.name or "Dübel" in leaf.name else Unit.PIECE),
                    pack_size=Decimal(100) if "Vida" in leaf.name or "Dübel" in leaf.name else Decimal(1),
                    min_order_quantity=Decimal(10) if fractional else Decimal(1),
                    order_multiple=Decimal(5) if fractional else Decimal(1),
                    manufacturer_code=f"MFR-{spec['sku']}", erp_code=f"ERP{index:03d}{spec['model']}{spec['variant']}",
                    stock_quantity=Decimal(rng.choice([0, 0, 5, 20, 120, 800])), lead_time_days=rng.choice([0, 2, 5, 14]),
                    allow_backorder=rng.random() < 0.3, variant_label=spec["variant_label"],
                    **shipping_of(leaf.name, spec["sku"])))
                if not made:
                    continue
                created.append(product)
                spec_values = {
                    "colour": ("text", COLOURS[spec["variant"]]), "material": ("text", rng.choice(["Çelik", "Alüminyum", "PVC", "Bakır"])),
                    "ip": ("text", rng.choice(["IP20", "IP44", "IP65"])),
                    "power": ("number", Decimal(rng.choice([6, 9, 12, 18, 24, 40, 50, 100]))),
                    "section": ("number", Decimal(rng.choice(["1.5", "2.5", "4", "6"]))),
                    "dimmable": ("boolean", rng.random() < 0.5),
                }
                lighting = leaf.parent.parent.name == "Aydınlatma"
                chosen = ["colour", "material"] + (["power", "ip", "dimmable"] if lighting else ["section"])
                for code in chosen:
                    kind, value = spec_values[code]
                    ProductAttribute.objects.create(product=product, attribute=attributes[code], **{
                        "text": {"value_text": value}, "number": {"value_number": value},
                        "boolean": {"value_bool": value}}[kind])
        by_sku = {p.sku: p for p in created}
        for index, leaf in enumerate(leaves):
            for spec in _leaf_products(leaf, index, random.Random(0)):
                if spec["parent"] and spec["sku"] in by_sku and spec["parent"] in by_sku:
                    Product.objects.filter(pk=by_sku[spec["sku"]].pk).update(variant_of=by_sku[spec["parent"]])
        palette = [(31, 78, 121), (27, 127, 59), (154, 103, 0), (179, 38, 30), (91, 103, 118)]
        for n, product in enumerate(created):
            data = _image(f"{product.sku}\n{product.name[:18]}", palette[n % len(palette)])
            image = ProductImage(product=product, alt=product.name, ordering=0)
            image.image.save(f"{product.sku}.jpg", ContentFile(data), save=False)
            image.thumbnail.save(f"{product.sku}-thumb.jpg", ContentFile(_thumbnail(data)), save=False)
            image.save()
            if n % 3 == 0:  # a second picture for the gallery
                extra = ProductImage(product=product, alt=product.name, ordering=1)
                data2 = _image(f"{product.sku}\n2", palette[(n + 2) % len(palette)])
                extra.image.save(f"{product.sku}-2.jpg", ContentFile(data2), save=False)
                extra.thumbnail.save(f"{product.sku}-2-thumb.jpg", ContentFile(_thumbnail(data2)), save=False)
                extra.save()
        for product in created[:12]:
            from portal.documents import render_pdf

            pdf = render_pdf(template="pdf/specimen.html", context={"requested_by": product.name, "lines": [
                ("sku", product.sku), ("name", product.name), ("unit", product.get_unit_display())]}, language="tr")
            doc = ProductDocument(product=product, title="Teknik föy / Data sheet")
            doc.file.save(f"{product.sku}-datasheet.pdf", ContentFile(pdf), save=False)
            doc.save()
        for first, second in zip(created[::7], created[3::7], strict=False):
            first.related.add(second)
        refresh_search(products=created)
    return []
