"""Check parsed import rows against the database and write them: one handler per kind the catalog owns (categories,
products, stock; prices are pricing's, registered on the hook point catalog.import_writer). A handler adds what it
finds wrong to `errors` and writes nothing when there is any."""
from django.db import connection
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from catalog.models import Category, Product
from catalog.search import fold
from catalog.services import plain_text, sanitize_description, whole_unit_problem

from .rows import BATCH_SIZE, LOOKUP_CHUNK, add_error, chunks, copy_rows, report_duplicates
from .schema import CATEGORIES, COLUMNS, PRODUCTS, STOCK

PRODUCT_FIELDS = [c.name for c in COLUMNS[PRODUCTS] if c.name not in ("sku", "category_code")] + ["category_id"]
# Columns a product may hold NULL in (an unknown weight): written as NULL by the COPY, not as an empty string.
NULLABLE_FIELDS = [c.name for c in COLUMNS[PRODUCTS] if c.name in PRODUCT_FIELDS and not c.required and c.default is None]


# --- categories --------------------------------------------------------------------------------------------------

def _import_categories(parsed, errors, result, progress):
    report_duplicates(parsed, lambda v: v.get("code"), "code", errors,
                      lambda k: _("The category code “%(code)s”") % {"code": k})
    in_file = {v["code"]: (n, v) for n, v in parsed if v.get("code")}
    # The whole tree is loaded (categories are few): a loop may run through stored categories, coded or not.
    existing, node_of_pk, stored_rows = {}, {}, list(Category.objects.order_by("-pk"))
    for cat in stored_rows:
        if cat.erp_code:
            existing[cat.erp_code] = cat  # the oldest category wins when two share a code
    for cat in stored_rows:
        node_of_pk[cat.pk] = cat.erp_code if cat.erp_code and existing[cat.erp_code] is cat else f"#{cat.pk}"
    parent_node = {node_of_pk[c.pk]: node_of_pk.get(c.parent_id) for c in stored_rows}
    for number, values in parsed:
        parent = values.get("parent_code")
        if not parent:
            continue
        if parent == values.get("code"):
            add_error(errors, number, "parent_code", _("A category cannot be its own parent."))
        elif parent not in in_file and parent not in existing:
            add_error(errors, number, "parent_code", _("Unknown category code “%(code)s”.") % {"code": parent})
    for code, (_number, values) in in_file.items():
        if "parent_code" in values:
            parent_node[code] = values["parent_code"] or None
        else:
            parent_node.setdefault(code, None)

    def parent_of(code):
        return parent_node.get(code)

    for code, (number, values) in in_file.items():
        if values.get("parent_code") == code:
            continue  # reported above
        seen, current = {code}, parent_of(code)
        while current:
            if current in seen:
                add_error(errors, number, "parent_code", _("The parent codes make a loop."))
                break
            seen.add(current)
            current = parent_of(current)
    if errors:
        return

    # Parents before children, so every parent has a pk when its child is saved.
    depth_cache = {}

    def depth(code, guard=0):
        if code not in depth_cache:
            parent = parent_of(code)
            depth_cache[code] = 0 if not parent or guard > 1000 else depth(parent, guard + 1) + 1
        return depth_cache[code]

    order = sorted(in_file, key=depth)
    used_slugs = {c.slug for c in stored_rows}
    saved = dict(existing)
    tree_changed = False
    for i, code in enumerate(order, start=1):
        progress("writing", i)
        number, values = in_file[code]
        parent_code = values.get("parent_code", None)
        cat = saved.get(code)
        if cat is None:
            cat = Category(erp_code=code, name=values["name"])
            base = slugify(values["name"])[:100] or "category"
            slug = base if base not in used_slugs else f"{base}-{slugify(code)}"[:150]
            n = 2
            while slug in used_slugs:
                slug, n = f"{base}-{n}", n + 1
            used_slugs.add(slug)
            cat.slug = slug
            cat.parent = saved[parent_code] if parent_code else None
            cat.save()
            result.created += 1
            tree_changed = True
        else:
            new_parent_id = cat.parent_id if parent_code is None else (saved[parent_code].pk if parent_code else None)
            if cat.name == values["name"] and cat.parent_id == new_parent_id:
                result.unchanged += 1
            else:
                tree_changed = tree_changed or cat.parent_id != new_parent_id
                cat.name = values["name"]
                cat.parent_id = new_parent_id
                cat.save()
                result.updated += 1
        saved[code] = cat
    if tree_changed:
        _rebuild_category_paths()


def _rebuild_category_paths():
    """A moved category moves its subtree: recompute every path and depth in one pass over the (small) tree."""
    rows = list(Category.objects.values_list("pk", "parent_id", "path", "depth"))
    parent = {pk: parent_id for pk, parent_id, _p, _d in rows}
    computed = {}

    def path_of(pk, guard=0):
        if pk not in computed:
            p = parent[pk]
            if p is None or guard > 200:
                computed[pk] = (f"{pk}/", 0)
            else:
                ppath, pdepth = path_of(p, guard + 1)
                computed[pk] = (f"{ppath}{pk}/", pdepth + 1)
        return computed[pk]

    changed = []
    for pk, _p, path, depth in rows:
        new = path_of(pk)
        if new != (path, depth):
            changed.append(Category(pk=pk, path=new[0], depth=new[1]))
    Category.objects.bulk_update(changed, ["path", "depth"], batch_size=1000)


# --- products ----------------------------------------------------------------------------------------------------

def _search_parts(sku, values):
    """(search_text, search_name, weight A, weight B, weight C) exactly as catalog.services.refresh_search builds
    them, folding each field once (fold works character by character, so folding the pieces equals folding the whole)."""
    description = plain_text(values["description"]) if values["description"] else ""
    f_sku, f_name = fold(sku), fold(values["name"])
    f_codes = [fold(values[k]) if values[k] else "" for k in ("barcode", "manufacturer_code", "erp_code")]
    f_short = fold(values["short_description"]) if values["short_description"] else ""
    f_desc = fold(description) if description else ""
    full = " ".join(filter(None, [f_sku, f_codes[0], f_name, f_codes[1], f_codes[2], f_short, f_desc]))
    name = " ".join(filter(None, [f_sku, f_codes[0], f_name, f_codes[1], f_codes[2]]))  # search.name_text
    return full, name, f"{f_sku} {f_name}", " ".join(filter(None, f_codes)), f"{f_short} {f_desc}"


def _bool(value):
    return "t" if value else "f"


def _import_products(parsed, errors, result, progress):
    report_duplicates(parsed, lambda v: v.get("sku"), "sku", errors, lambda k: _("The SKU “%(sku)s”") % {"sku": k})
    codes = {v["category_code"] for _n, v in parsed if v.get("category_code")}
    categories = {}
    for code, pk in Category.objects.filter(erp_code__in=codes).order_by("-pk").values_list("erp_code", "pk"):
        categories[code] = pk
    skus = [v["sku"] for _n, v in parsed if v.get("sku")]
    existing = {}
    for chunk in chunks(skus, LOOKUP_CHUNK):
        for row in Product.objects.filter(sku__in=chunk).values("id", "sku", *PRODUCT_FIELDS):
            existing[row["sku"]] = row
    defaults = {c.name: c.default for c in COLUMNS[PRODUCTS]}
    pending = []  # merged rows to write
    for number, values in parsed:
        code = values.get("category_code")
        if code and code not in categories:
            add_error(errors, number, "category_code", _("Unknown category code “%(code)s”.") % {"code": code})
            continue
        if "sku" not in values:
            continue
        current = existing.get(values["sku"])
        merged = {name: (current[name] if current else defaults[name]) for name in PRODUCT_FIELDS
                  if name != "category_id"}
        merged["category_id"] = current["category_id"] if current else None
        for name, value in values.items():
            if name == "category_code":
                merged["category_id"] = categories.get(value)
            elif name == "description":
                merged[name] = sanitize_description(value) if value else ""
            elif name != "sku":
                merged[name] = value
        problem = whole_unit_problem(merged["unit"], merged["min_order_quantity"], merged["order_multiple"])
        if problem:
            add_error(errors, number, problem[0] if problem[0] in values else "unit", problem[1])
        if current is None:
            pending.append((True, values["sku"], merged))
        elif any(current[name] != merged[name] for name in PRODUCT_FIELDS):
            pending.append((False, values["sku"], merged))
        else:
            result.unchanged += 1
    if errors:
        return
    columns = ["sku", *PRODUCT_FIELDS, "search_text", "search_name", "search_a", "search_b", "search_c"]
    data_columns = ["sku", *PRODUCT_FIELDS, "search_text", "search_name"]
    now = timezone.now()
    done = 0
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS _import_product")  # left by an earlier import in the same transaction
        cursor.execute(
            f"CREATE TEMP TABLE _import_product ON COMMIT DROP AS SELECT {', '.join(data_columns)}, "
            "''::text AS search_a, ''::text AS search_b, ''::text AS search_c FROM catalog_product WITH NO DATA")
        updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in [*PRODUCT_FIELDS, "search_text", "search_name",
                                                               "search_vector", "updated_at"])
        insert = (
            f"INSERT INTO catalog_product ({', '.join(data_columns)}, search_vector, highlights, variant_label, "
            "stock_quantity, created_at, updated_at) "
            f"SELECT {', '.join(data_columns)}, "
            "setweight(to_tsvector('simple', search_a), 'A') || setweight(to_tsvector('simple', search_b), 'B') "
            "|| setweight(to_tsvector('simple', search_c), 'C'), '', '', 0, %s, %s FROM _import_product "
            f"ON CONFLICT (sku) DO UPDATE SET {updates}"
        )
        for batch in chunks(pending, BATCH_SIZE):
            rows = []
            for _created, sku, merged in batch:
                row = [sku]
                for name in PRODUCT_FIELDS:
                    value = merged[name]
                    row.append(_bool(value) if isinstance(value, bool) else value)
                row.extend(_search_parts(sku, merged))
                rows.append(row)
            cursor.execute("TRUNCATE _import_product")
            copy_rows(cursor, "_import_product", columns, rows, nullable=NULLABLE_FIELDS)
            cursor.execute(insert, [now, now])
            done += len(batch)
            progress("writing", done)
    result.created += sum(1 for created, _s, _m in pending if created)
    result.updated += sum(1 for created, _s, _m in pending if not created)


# --- stock -------------------------------------------------------------------------------------------------------

def _import_stock(parsed, errors, result, progress):
    report_duplicates(parsed, lambda v: v.get("sku"), "sku", errors, lambda k: _("The SKU “%(sku)s”") % {"sku": k})
    skus = {v["sku"] for _n, v in parsed if v.get("sku")}
    existing = {}
    for chunk in chunks(skus, LOOKUP_CHUNK):
        for pk, sku, qty, lead in Product.objects.filter(sku__in=chunk).values_list(
                "pk", "sku", "stock_quantity", "lead_time_days"):
            existing[sku] = (pk, qty, lead)
    pending = []
    for number, values in parsed:
        sku = values.get("sku")
        if sku and sku not in existing:
            add_error(errors, number, "sku", _("Unknown SKU “%(sku)s”.") % {"sku": sku})
            continue
        if not sku or "stock_quantity" not in values:
            continue
        pk, qty, lead = existing[sku]
        new_lead = values["lead_time_days"] if "lead_time_days" in values else lead
        if (qty, lead) == (values["stock_quantity"], new_lead):
            result.unchanged += 1
        else:
            pending.append((pk, values["stock_quantity"], new_lead))
    if errors:
        return
    done = 0
    now = timezone.now()
    with connection.cursor() as cursor:
        for batch in chunks(pending, BATCH_SIZE):
            cursor.execute(
                """UPDATE catalog_product AS p
                      SET stock_quantity = v.qty, lead_time_days = v.lead, updated_at = %s
                     FROM unnest(%s::bigint[], %s::numeric[], %s::integer[]) AS v(id, qty, lead)
                    WHERE p.id = v.id""",
                [now, [b[0] for b in batch], [b[1] for b in batch], [b[2] for b in batch]],
            )
            done += len(batch)
            progress("writing", done)
    result.updated += len(pending)


HANDLERS = {CATEGORIES: _import_categories, PRODUCTS: _import_products, STOCK: _import_stock}
