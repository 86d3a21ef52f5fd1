"""Import 100,000 products and 300,000 price rows from CSV through the ERP import: rows per second.
Goal: the whole import under 60 s on this machine."""
import csv
import tempfile
import time
from pathlib import Path

from harness import django, emit, setup_database

N_PRODUCTS = 100_000


def write_files(folder: Path):
    products, prices = folder / "products.csv", folder / "prices.csv"
    with products.open("w", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["sku", "name", "category_code", "unit", "vat_rate", "short_description"])
        for i in range(N_PRODUCTS):
            out.writerow([f"IM-{i:07d}", f"İthal ürün {i} ÇELİK", f"IMPCAT{i % 50:02d}", "piece", "20",
                          f"Toplu içe aktarılan ürün {i}"])
    with prices.open("w", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["price_list_code", "sku", "min_quantity", "unit_price"])
        for i in range(N_PRODUCTS):
            base = 10 + i % 900
            out.writerow(["IMP-MARKET", f"IM-{i:07d}", "1", f"{base}.00"])
            out.writerow(["IMP-SEG", f"IM-{i:07d}", "1", f"{base * 0.9:.2f}"])
            out.writerow(["IMP-SEG", f"IM-{i:07d}", "50", f"{base * 0.85:.2f}"])
    return products, prices


def main():
    setup_database()
    django()
    from catalog.imports.service import import_file
    from catalog.models import Category, Product
    from dealers.models import Segment
    from pricing.models import PriceList, PriceListItem

    Product.objects.filter(sku__startswith="IM-").delete()
    for i in range(50):
        Category.objects.get_or_create(slug=f"imp-{i}", defaults={"name": f"İçe aktarma {i}", "erp_code": f"IMPCAT{i:02d}"})
    PriceList.objects.get_or_create(erp_code="IMP-MARKET", defaults={"name": "Import market", "kind": "market"})
    PriceList.objects.get_or_create(erp_code="IMP-SEG", defaults={
        "name": "Import segment", "kind": "segment", "segment": Segment.objects.filter(is_default=True).first()})
    with tempfile.TemporaryDirectory() as tmp:
        products, prices = write_files(Path(tmp))
        figures = {}
        for kind, path, rows in (("products", products, N_PRODUCTS), ("prices", prices, 3 * N_PRODUCTS)):
            started = time.perf_counter()
            report = import_file(kind=kind, path=str(path), actor=None)
            seconds = time.perf_counter() - started
            figures[kind] = {"rows": rows, "seconds": round(seconds, 1), "rows_per_s": round(rows / seconds),
                             "created": report.created, "updated": report.updated, "unchanged": report.unchanged}
        started = time.perf_counter()
        again = import_file(kind="products", path=str(products), actor=None)
        figures["products_reimport"] = {"seconds": round(time.perf_counter() - started, 1),
                                        "unchanged": again.unchanged}
    total = figures["products"]["seconds"] + figures["prices"]["seconds"]
    emit("import_100k_products_300k_prices", {**figures, "total_seconds": round(total, 1), "goal_seconds": 60,
                                              "meets_goal": total < 60,
                                              "price_rows_in_db": PriceListItem.objects.filter(
                                                  price_list__erp_code__startswith="IMP-").count()})


if __name__ == "__main__":
    main()
