"""Validate and write ERP import rows (categories, products, prices, stock), from files, the bulk API or Celery.

Every file or request is all-or-nothing: every row is validated first and every bad cell reported as
(row, column, message); only a clean file is written, in one transaction, with bulk upserts keyed by
category code, SKU and (price list, SKU, from-quantity). Rows equal to what is stored are not written,
so importing the same file twice changes nothing.
"""
import csv
import io
import logging
import shutil
import time
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from catalog.search import bump_catalog_version
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from catalog.models import Category, Product, Unit
from catalog.services import plain_text, sanitize_description
from catalog.search import fold
from portal import audit
from portal.errors import DomainError
from portal.queue import enqueue_on_commit
from pricing.models import PriceList, PriceListItem

from . import readers
from .schema import CATEGORIES, COLUMN_BY_NAME, COLUMNS, KINDS, PRICES, PRODUCTS, STOCK, CellError, parse_cell

log = logging.getLogger(__name__)

BATCH_SIZE = 5000
LOOKUP_CHUNK = 10000
PROGRESS_EVERY = 2000
JOB_TTL = 7 * 24 * 3600
IMPORT_DIR = "private/imports"
PRODUCT_FIELDS = [c.name for c in COLUMNS[PRODUCTS] if c.name not in ("sku", "category_code")] + ["category_id"]


class ImportInvalid(DomainError):
    """Some rows are bad; `errors` lists each as {"row", "column", "message"}. Nothing was written."""

    code = "catalog.import_invalid"

    def __init__(self, errors, *, message=None):
        self.errors = errors
        rows = len({e["row"] for e in errors})
        super().__init__(message or ngettext(
            "%(count)d row is invalid; nothing was written.",
            "%(count)d rows are invalid; nothing was written.", rows) % {"count": rows})

    def as_dict(self):
        return {"code": self.code, "detail": str(self.message), "errors": self.errors}


@dataclass
class ImportResult:
    kind: str
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list = field(default_factory=list)

    def as_dict(self):
        return asdict(self)


class _Progress:
    """Calls `callback(phase, done, total)` at most every PROGRESS_EVERY rows (and at each phase change)."""

    def __init__(self, callback, total):
        self.callback = callback
        self.total = total
        self.phase = None
        self.last = 0

    def __call__(self, phase, done, *, force=False):
        if self.callback is None:
            return
        if force or phase != self.phase or done - self.last >= PROGRESS_EVERY:
            self.phase, self.last = phase, done
            self.callback(phase, done, self.total)


def _error(errors, row, column, message):
    errors.append({"row": row, "column": column or "", "message": str(message)})


# --- validation of cells ---------------------------------------------------------------------------------------

def _parse_rows(kind, table, progress, *, header_checked):
    """Parse every cell. Returns [(row, values)] (only the columns the row carries) and the errors."""
    columns = COLUMN_BY_NAME[kind]
    required = [c.name for c in COLUMNS[kind] if c.required]
    errors = []
    if header_checked:
        for name in table.header:
            if name and name not in columns:
                _error(errors, 1, name, _("Unknown column “%(name)s”; expected: %(columns)s.")
                       % {"name": name, "columns": ", ".join(columns)})
        for name in required:
            if name not in table.header:
                _error(errors, 1, name, _("The required column “%(name)s” is missing.") % {"name": name})
        if errors:
            return [], errors
    parsed = []
    count = 0
    for number, raw in table.rows:
        count += 1
        progress("validating", count)
        values = {}
        for name, text in raw.items():
            if name is None:
                _error(errors, number, "", _("This row has more cells than the header has columns."))
                continue
            column = columns.get(name)
            if column is None:
                if name:
                    _error(errors, number, name, _("Unknown column “%(name)s”.") % {"name": name})
                continue
            try:
                values[name] = parse_cell(column, text)
            except CellError as exc:
                _error(errors, number, name, exc)
        if not header_checked:
            for name in required:
                if name not in raw:
                    _error(errors, number, name, _("This column is required."))
        parsed.append((number, values))
    progress("validating", count, force=True)
    return parsed, errors


def _chunks(items, size):
    items = list(items)
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _duplicates(parsed, key, column, errors, describe):
    """Report every row whose key an earlier row already had; return {key: row} of the first ones."""
    first = {}
    for number, values in parsed:
        k = key(values)
        if k is None:
            continue
        if k in first:
            _error(errors, number, column, _("%(what)s appears again (first on row %(row)d).")
                   % {"what": describe(k), "row": first[k]})
        else:
            first[k] = number
    return first


def _product_ids(skus):
    ids = {}
    for chunk in _chunks(skus, LOOKUP_CHUNK):
        ids.update(Product.objects.filter(sku__in=chunk).values_list("sku", "id"))
    return ids


# --- categories --------------------------------------------------------------------------------------------------

def _import_categories(parsed, errors, result, progress):
    _duplicates(parsed, lambda v: v.get("code"), "code", errors,
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
            _error(errors, number, "parent_code", _("A category cannot be its own parent."))
        elif parent not in in_file and parent not in existing:
            _error(errors, number, "parent_code", _("Unknown category code “%(code)s”.") % {"code": parent})
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
                _error(errors, number, "parent_code", _("The parent codes make a loop."))
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
    """(search_text, weight A, weight B, weight C) exactly as catalog.services.refresh_search builds them,
    folding each field once (fold works character by character, so folding the pieces equals folding the whole)."""
    description = plain_text(values["description"]) if values["description"] else ""
    f_sku, f_name = fold(sku), fold(values["name"])
    f_codes = [fold(values[k]) if values[k] else "" for k in ("barcode", "manufacturer_code", "erp_code")]
    f_short = fold(values["short_description"]) if values["short_description"] else ""
    f_desc = fold(description) if description else ""
    full = " ".join(filter(None, [f_sku, f_codes[0], f_name, f_codes[1], f_codes[2], f_short, f_desc]))
    return full, f"{f_sku} {f_name}", " ".join(filter(None, f_codes)), f"{f_short} {f_desc}"


def _copy(cursor, table, columns, rows):
    """COPY rows into a temporary table: far faster than INSERTs built by the ORM for 100,000 rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerows(rows)
    buffer.seek(0)
    cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv)", buffer)


def _bool(value):
    return "t" if value else "f"


def _import_products(parsed, errors, result, progress):
    _duplicates(parsed, lambda v: v.get("sku"), "sku", errors, lambda k: _("The SKU “%(sku)s”") % {"sku": k})
    codes = {v["category_code"] for _n, v in parsed if v.get("category_code")}
    categories = {}
    for code, pk in Category.objects.filter(erp_code__in=codes).order_by("-pk").values_list("erp_code", "pk"):
        categories[code] = pk
    skus = [v["sku"] for _n, v in parsed if v.get("sku")]
    existing = {}
    for chunk in _chunks(skus, LOOKUP_CHUNK):
        for row in Product.objects.filter(sku__in=chunk).values("id", "sku", *PRODUCT_FIELDS):
            existing[row["sku"]] = row
    defaults = {c.name: c.default for c in COLUMNS[PRODUCTS]}
    fractional = Unit.fractional()
    pending = []  # merged rows to write
    for number, values in parsed:
        code = values.get("category_code")
        if code and code not in categories:
            _error(errors, number, "category_code", _("Unknown category code “%(code)s”.") % {"code": code})
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
        if merged["unit"] not in fractional:
            for name in ("min_order_quantity", "order_multiple"):
                if merged[name] is not None and merged[name] != merged[name].to_integral_value():
                    _error(errors, number, name if name in values else "unit",
                           _("The unit “%(unit)s” is sold in whole numbers only; %(column)s is %(value)s.")
                           % {"unit": merged["unit"], "column": name, "value": merged[name]})
        if current is None:
            pending.append((True, values["sku"], merged))
        elif any(current[name] != merged[name] for name in PRODUCT_FIELDS):
            pending.append((False, values["sku"], merged))
        else:
            result.unchanged += 1
    if errors:
        return
    columns = ["sku", *PRODUCT_FIELDS, "search_text", "search_a", "search_b", "search_c"]
    data_columns = ["sku", *PRODUCT_FIELDS, "search_text"]
    now = timezone.now()
    done = 0
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS _import_product")  # left by an earlier import in the same transaction
        cursor.execute(
            f"CREATE TEMP TABLE _import_product ON COMMIT DROP AS SELECT {', '.join(data_columns)}, "
            "''::text AS search_a, ''::text AS search_b, ''::text AS search_c FROM catalog_product WITH NO DATA")
        updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in [*PRODUCT_FIELDS, "search_text", "search_vector",
                                                               "updated_at"])
        insert = (
            f"INSERT INTO catalog_product ({', '.join(data_columns)}, search_vector, highlights, variant_label, "
            "stock_quantity, created_at, updated_at) "
            f"SELECT {', '.join(data_columns)}, "
            "setweight(to_tsvector('simple', search_a), 'A') || setweight(to_tsvector('simple', search_b), 'B') "
            "|| setweight(to_tsvector('simple', search_c), 'C'), '', '', 0, %s, %s FROM _import_product "
            f"ON CONFLICT (sku) DO UPDATE SET {updates}"
        )
        for batch in _chunks(pending, BATCH_SIZE):
            rows = []
            for _created, sku, merged in batch:
                row = [sku]
                for name in PRODUCT_FIELDS:
                    value = merged[name]
                    row.append(_bool(value) if isinstance(value, bool) else value)
                row.extend(_search_parts(sku, merged))
                rows.append(row)
            cursor.execute("TRUNCATE _import_product")
            _copy(cursor, "_import_product", columns, rows)
            cursor.execute(insert, [now, now])
            done += len(batch)
            progress("writing", done)
    result.created += sum(1 for created, _s, _m in pending if created)
    result.updated += sum(1 for created, _s, _m in pending if not created)


# --- prices ------------------------------------------------------------------------------------------------------

def _import_prices(parsed, errors, result, progress):
    default_qty = COLUMN_BY_NAME[PRICES]["min_quantity"].default
    for _number, values in parsed:
        values.setdefault("min_quantity", default_qty)
    _duplicates(parsed, lambda v: (v["price_list_code"], v["sku"], v["min_quantity"])
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
    products = _product_ids({v["sku"] for _n, v in parsed if v.get("sku")})
    for number, values in parsed:
        code, sku = values.get("price_list_code"), values.get("sku")
        if code and code not in lists:
            _error(errors, number, "price_list_code", _("No price list has the ERP code “%(code)s”.") % {"code": code})
        elif code in ambiguous:
            _error(errors, number, "price_list_code", _("Several price lists have the ERP code “%(code)s”.")
                   % {"code": code})
        if sku and sku not in products:
            _error(errors, number, "sku", _("Unknown SKU “%(sku)s”.") % {"sku": sku})
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
    done = 0
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS _import_price")
        cursor.execute("CREATE TEMP TABLE _import_price ON COMMIT DROP AS SELECT price_list_id, product_id, "
                       "min_quantity, unit_price FROM pricing_pricelistitem WITH NO DATA")
        for batch in _chunks(pending, BATCH_SIZE * 4):
            cursor.execute("TRUNCATE _import_price")
            _copy(cursor, "_import_price", ["price_list_id", "product_id", "min_quantity", "unit_price"],
                  [(k[0], k[1], k[2], price) for _c, k, price in batch])
            cursor.execute(
                "INSERT INTO pricing_pricelistitem (price_list_id, product_id, min_quantity, unit_price) "
                "SELECT price_list_id, product_id, min_quantity, unit_price FROM _import_price "
                "ON CONFLICT (price_list_id, product_id, min_quantity) DO UPDATE SET unit_price = EXCLUDED.unit_price")
            done += len(batch)
            progress("writing", done)
    result.created += sum(1 for created, _k, _p in pending if created)
    result.updated += sum(1 for created, _k, _p in pending if not created)


# --- stock -------------------------------------------------------------------------------------------------------

def _import_stock(parsed, errors, result, progress):
    _duplicates(parsed, lambda v: v.get("sku"), "sku", errors, lambda k: _("The SKU “%(sku)s”") % {"sku": k})
    skus = {v["sku"] for _n, v in parsed if v.get("sku")}
    existing = {}
    for chunk in _chunks(skus, LOOKUP_CHUNK):
        for pk, sku, qty, lead in Product.objects.filter(sku__in=chunk).values_list(
                "pk", "sku", "stock_quantity", "lead_time_days"):
            existing[sku] = (pk, qty, lead)
    pending = []
    for number, values in parsed:
        sku = values.get("sku")
        if sku and sku not in existing:
            _error(errors, number, "sku", _("Unknown SKU “%(sku)s”.") % {"sku": sku})
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
        for batch in _chunks(pending, BATCH_SIZE):
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


HANDLERS = {CATEGORIES: _import_categories, PRODUCTS: _import_products, PRICES: _import_prices, STOCK: _import_stock}


# --- entry points ------------------------------------------------------------------------------------------------

def _check_kind(kind):
    if kind not in KINDS:
        raise DomainError(_("Unknown import kind “%(kind)s”; use one of: %(kinds)s.")
                          % {"kind": kind, "kinds": ", ".join(KINDS)}, code="catalog.import_kind", field="kind")


def import_table(*, kind, table, by, progress=None, source="file", header_checked=True) -> ImportResult:
    """Validate every row of `table`, then write all of it or (on any bad row) raise ImportInvalid."""
    _check_kind(kind)
    tick = _Progress(progress, table.total)
    parsed, errors = _parse_rows(kind, table, tick, header_checked=header_checked)
    result = ImportResult(kind=kind, total=len(parsed))
    if errors and not parsed:
        raise ImportInvalid(errors)
    tick.total = len(parsed)
    with transaction.atomic():
        # The handler adds the errors that need the database (unknown codes, duplicates) to the cell errors,
        # so one run reports every bad row; it writes only when there are none.
        HANDLERS[kind](parsed, errors, result, tick)
        if errors:
            # Raising inside the block rolls back whatever a handler wrote before it saw the error.
            raise ImportInvalid(sorted(errors, key=lambda e: e["row"]))
        tick("writing", len(parsed), force=True)
        bump_catalog_version()
        audit.record(actor=by, action="catalog.import", data={
            "kind": kind, "source": source, "total": result.total, "created": result.created,
            "updated": result.updated, "unchanged": result.unchanged})
    return result


def import_rows(*, kind, rows, by, progress=None) -> ImportResult:
    """The bulk API's entry: `rows` is a list of dicts with the file's columns; row numbers count from 1."""
    return import_table(kind=kind, table=readers.json_rows(rows), by=by, progress=progress, source="api",
                        header_checked=False)


def import_file(*, kind, path, by, progress=None) -> ImportResult:
    """Import a CSV or XLSX file in-process (management command, Celery task)."""
    _check_kind(kind)
    try:
        table = readers.read_table(path)
    except readers.UnreadableFile as exc:
        raise ImportInvalid([{"row": 0, "column": "", "message": str(exc)}], message=str(exc))
    return import_table(kind=kind, table=table, by=by, progress=progress)


# --- background jobs ---------------------------------------------------------------------------------------------

def _job_key(job_id):
    return f"catalog:import:{job_id}"


def import_status(job_id) -> dict | None:
    """The job's state from the cache: phase (queued, validating, writing, done, invalid, failed), rows_done,
    total, result counts, errors [{row, column, message}], error (an unexpected failure) and finished."""
    return cache.get(_job_key(job_id))


def _save_status(job_id, status):
    cache.set(_job_key(job_id), status, JOB_TTL)


def _import_dir() -> Path:
    directory = Path(settings.MEDIA_ROOT) / IMPORT_DIR
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def start_import(*, kind, uploaded_file_path=None, upload=None, by, filename=None) -> str:
    """Store the file under MEDIA_ROOT/private/imports/, record who started it and enqueue the import after commit.

    Give either a path (copied) or an uploaded file object (streamed). Returns the job id for import_status().
    """
    _check_kind(kind)
    job_id = uuid.uuid4().hex
    name = filename or (upload.name if upload is not None else Path(uploaded_file_path).name)
    suffix = ".xlsx" if str(name).lower().endswith((".xlsx", ".xlsm")) else ".csv"
    target = _import_dir() / f"{job_id}{suffix}"
    if upload is not None:
        with open(target, "wb") as fh:
            for chunk in upload.chunks():
                fh.write(chunk)
    else:
        shutil.copyfile(uploaded_file_path, target)
    status = {
        "job_id": job_id, "kind": kind, "filename": str(name), "path": str(target.relative_to(settings.MEDIA_ROOT)),
        "by_id": getattr(by, "pk", None), "language": translation.get_language() or settings.LANGUAGE_CODE,
        "phase": "queued", "rows_done": 0, "total": 0, "result": None, "errors": [], "error": "",
        "finished": False, "started_at": timezone.now().isoformat(),
    }
    from catalog.tasks import import_file_task

    with transaction.atomic():
        _save_status(job_id, status)
        audit.record(actor=by, action="catalog.import_started", data={"kind": kind, "job_id": job_id,
                                                                       "filename": str(name)})
        enqueue_on_commit(import_file_task, job_id)
    return job_id


def run_import_job(*, job_id) -> dict | None:
    """Run a queued job (the Celery task calls this). A job already finished or running is left alone."""
    from django.contrib.auth import get_user_model

    status = import_status(job_id)
    if status is None:
        log.warning("Import job %s has no status (expired?)", job_id)
        return None
    if status["finished"] or status["phase"] != "queued":
        return status
    by = get_user_model().objects.filter(pk=status["by_id"]).first() if status["by_id"] else None
    last_write = [0.0]

    def progress(phase, done, total):
        now = time.monotonic()
        if phase != status["phase"] or now - last_write[0] > 0.5:
            last_write[0] = now
            status.update(phase=phase, rows_done=done, total=total)
            _save_status(job_id, status)

    status["phase"] = "validating"
    _save_status(job_id, status)
    with translation.override(status["language"]):
        try:
            result = import_file(kind=status["kind"], path=Path(settings.MEDIA_ROOT) / status["path"], by=by,
                                 progress=progress)
        except ImportInvalid as exc:
            status.update(phase="invalid", errors=exc.errors, error=str(exc.message), finished=True)
        except DomainError as exc:
            status.update(phase="failed", error=str(exc.message), finished=True)
        except Exception as exc:  # an unexpected failure is shown on the page instead of a job stuck "running"
            log.exception("Import job %s failed", job_id)
            status.update(phase="failed", error=_("The import failed unexpectedly: %(error)s") % {"error": exc},
                          finished=True)
        else:
            status.update(phase="done", result=result.as_dict(), rows_done=result.total, total=result.total,
                          finished=True)
    status["finished_at"] = timezone.now().isoformat()
    _save_status(job_id, status)
    return status
