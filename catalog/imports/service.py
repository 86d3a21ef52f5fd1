"""The ERP import's entry points, where views, the bulk API, the command, the Celery task and tests import them.

The work is split by responsibility: rows.py parses and checks cells, apply.py checks rows against the database
and writes them (one handler per kind), tables.py imports one table all-or-nothing in this process, jobs.py runs
uploaded files in the background and deletes the uploads no longer needed.
"""
from .jobs import delete_finished_import_uploads, import_status, run_import_job, start_import  # noqa: F401
from .rows import ImportInvalid, ImportResult  # noqa: F401
from .tables import import_file, import_rows, import_table  # noqa: F401
