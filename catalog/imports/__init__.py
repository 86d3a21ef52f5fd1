"""ERP import of categories, products, prices and stock from CSV/XLSX files and the bulk API.

Entry points live in `catalog.imports.service`: `import_rows`, `import_file`, `start_import`, `import_status`,
`delete_finished_import_uploads`.
"""
