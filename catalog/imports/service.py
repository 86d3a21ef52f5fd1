"""The ERP import's entry points, where views, the bulk API, the command, the Celery task and tests import them, and
the helpers a later stage's writer of an import kind uses (hook point catalog.import_writer, catalog/hooks.py).

The work is split by responsibility: rows.py parses and checks cells, apply.py checks rows against the database
and writes them (one handler per kind the catalog owns), tables.py imports one table all-or-nothing in this process,
jobs.py runs uploaded files in the background and deletes the uploads no longer needed.
"""
from .jobs import delete_finished_import_uploads, import_status, run_import_job, start_import
from .rows import (
    BATCH_SIZE,
    LOOKUP_CHUNK,
    ImportInvalid,
    ImportResult,
    add_error,
    chunks,
    copy_rows,
    product_ids,
    report_duplicates,
)
from .schema import COLUMN_BY_NAME, COLUMNS, KINDS
from .tables import ANALYZE_AFTER_ROWS, analyze, import_file, import_rows, import_table

__all__ = [
    "delete_finished_import_uploads", "import_status", "run_import_job", "start_import",
    "import_file", "import_rows", "import_table", "ImportInvalid", "ImportResult",
    # for the writers of other stages' kinds
    "ANALYZE_AFTER_ROWS", "BATCH_SIZE", "COLUMN_BY_NAME", "COLUMNS", "KINDS", "LOOKUP_CHUNK", "add_error", "analyze",
    "chunks", "copy_rows", "product_ids", "report_duplicates",
]
