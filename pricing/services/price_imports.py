"""Pricing's writer of the ERP import's `prices` kind (price-list rows), registered on the catalog's hook point
catalog.import_writer (pricing/apps.py): the catalog reads and checks the cells, pricing checks the rows against its
price lists and writes them. One bulk upsert per batch, keyed by (price list, product, from-quantity), inside the
import's transaction; rows equal to what is stored are not written."""
from django.db import connection, transaction
from django.utils.translation import gettext as _

from catalog.imports import service as imports
from catalog.services import bump_catalog_version

from ..models import PriceList, PriceListItem

PRICES = "prices"
TABLE = PriceListItem._meta.db_table


def import_writer(*, kind):
    """The hook: pricing writes the `prices` kind."""
    return write_price_rows if kind == PRICES else None


def write_price_rows(parsed, errors, result, progress):
    """Check `parsed` [(row number, {price_list_code, sku, min_quantity, unit_price})] and, when nothing is wrong,
    upsert the rows; count created / updated / unchanged on `result`."""
    default_qty = imports.COLUMN_BY_NAME[PRICES]["min_quantity"].default
    for _number, values in parsed:
        values.setdefault("min_quantity", default_qty)
    imports.report_duplicates(
        parsed, lambda v: (v["price_list_code"], v["sku"], v["min_quantity"])
        if v.get("price_list_code") and v.get("sku") and v.get("min_quantity") is not None else None,
        "min_quantity", errors,
        lambda k: _("The price of “%(sku)s” in list “%(list)s” from quantity %(qty)s")
        % {"sku": k[1], "list": k[0], "qty": k[2]})
    codes = {v["price_list_code"] for _n, v in parsed if v.get("price_list_code")}
    lists, ambiguous = {}, set()
    for code, pk in PriceList.objects.filter(erp_code__in=codes).values_list("erp_code", "pk"):
        if code in lists:
            ambiguous.add(code)
        lists[code] = pk
    products = imports.product_ids({v["sku"] for _n, v in parsed if v.get("sku")})
    for number, values in parsed:
        code, sku = values.get("price_list_code"), values.get("sku")
        if code and code not in lists:
            imports.add_error(errors, number, "price_list_code",
                              _("No price list has the ERP code “%(code)s”.") % {"code": code})
        elif code in ambiguous:
            imports.add_error(errors, number, "price_list_code",
                              _("Several price lists have the ERP code “%(code)s”.") % {"code": code})
        if sku and sku not in products:
            imports.add_error(errors, number, "sku", _("Unknown SKU “%(sku)s”.") % {"sku": sku})
    if errors:
        return
    existing = {}
    rows = PriceListItem.objects.filter(price_list_id__in=set(lists.values())).values_list(
        "price_list_id", "product_id", "min_quantity", "unit_price")
    for list_id, product_id, qty, price in rows.iterator(chunk_size=20000):
        existing[(list_id, product_id, qty)] = price
    pending = []
    for _number, values in parsed:
        key = (lists[values["price_list_code"]], products[values["sku"]], values["min_quantity"])
        if key not in existing:
            pending.append((True, key, values["unit_price"]))
        elif existing[key] != values["unit_price"]:
            pending.append((False, key, values["unit_price"]))
        else:
            result.unchanged += 1
    upsert_price_rows([(key, price) for _created, key, price in pending], progress=progress)
    result.created += sum(1 for created, _k, _p in pending if created)
    result.updated += sum(1 for created, _k, _p in pending if not created)


def upsert_price_rows(rows, *, progress=None) -> int:
    """Write [((price list id, product id, from-quantity), unit price)] in bulk (COPY into a temporary table, then one
    INSERT … ON CONFLICT per batch). A bulk write sends no post_save, so it bumps the catalog version itself (as
    pricing's signals do for single rows, pricing/signals.py), and ANALYZEs the table after a large write."""
    done = 0
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS _import_price")
        cursor.execute(f"CREATE TEMP TABLE _import_price ON COMMIT DROP AS SELECT price_list_id, product_id, "
                       f"min_quantity, unit_price FROM {TABLE} WITH NO DATA")
        for batch in imports.chunks(rows, imports.BATCH_SIZE * 4):
            cursor.execute("TRUNCATE _import_price")
            imports.copy_rows(cursor, "_import_price", ["price_list_id", "product_id", "min_quantity", "unit_price"],
                              [(k[0], k[1], k[2], price) for k, price in batch])
            cursor.execute(
                f"INSERT INTO {TABLE} (price_list_id, product_id, min_quantity, unit_price) "
                "SELECT price_list_id, product_id, min_quantity, unit_price FROM _import_price "
                "ON CONFLICT (price_list_id, product_id, min_quantity) DO UPDATE SET unit_price = EXCLUDED.unit_price")
            done += len(batch)
            if progress is not None:
                progress("writing", done)
    if done:
        bump_catalog_version()
    if done >= imports.ANALYZE_AFTER_ROWS:
        transaction.on_commit(lambda: imports.analyze(tables=[TABLE]))
    return done
