"""One guard for every spreadsheet read (portal.spreadsheets): an XLSX bomb, a huge shared strings table, too many
rows or columns are refused with a clear message by the catalog import (service and page) and by quick order."""
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from catalog.imports.rows import ImportInvalid
from catalog.imports.service import import_file
from dealers.testing import StaffFactory
from orders.errors import FileTooLarge
from orders.services import quick_order
from portal import spreadsheets

MB = 1024 * 1024
LIMITS = spreadsheets.Limits(max_unpacked_bytes=8 * MB, max_shared_strings_bytes=2 * MB, max_rows=100,
                             max_columns=10)
CONTENT_TYPES = (b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/'
                 b'2006/content-types"/>')


def bomb(unpacked_mb=300, member="xl/worksheets/sheet1.xml") -> bytes:
    """A small zip whose sheet inflates to `unpacked_mb` MB of repeated rows."""
    buffer = io.BytesIO()
    row = b'<row><c t="inlineStr"><is><t>LED-600</t></is></c></row>' * 1000
    chunk = (row * (MB // len(row) + 1))[:MB]
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        with archive.open(member, "w", force_zip64=True) as sheet:
            for _n in range(unpacked_mb):
                sheet.write(chunk)
    return buffer.getvalue()


def workbook(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def big_bomb():
    data = bomb(300)
    assert len(data) < 2 * MB  # small on the wire, 300 MB once unpacked
    return data


def test_the_reported_bomb_is_refused_before_it_is_parsed(big_bomb):
    with pytest.raises(spreadsheets.SpreadsheetRefused, match="unpacks to more than"):
        spreadsheets.check_xlsx(big_bomb, LIMITS)


def test_a_member_whose_header_lies_about_its_size_is_refused():
    data = bytearray(bomb(20))
    real = (20 * MB).to_bytes(8, "little")  # zip64 sizes: declare 1 KB instead of 20 MB
    assert data.count(real) >= 1
    data = bytes(data).replace(real, (1024).to_bytes(8, "little"))
    with pytest.raises(spreadsheets.SpreadsheetRefused):
        spreadsheets.check_xlsx(data, LIMITS)


def test_a_huge_shared_strings_table_is_refused():
    with pytest.raises(spreadsheets.SpreadsheetRefused, match="texts unpack to more than"):
        spreadsheets.check_xlsx(bomb(3, member="xl/sharedStrings.xml"), LIMITS)


def test_rows_and_columns_are_capped():
    too_long = workbook([["sku", "qty"]] + [[f"SKU-{n}", 1] for n in range(150)])
    book = spreadsheets.open_workbook(too_long, LIMITS)
    with pytest.raises(spreadsheets.SpreadsheetRefused, match="more than 100 rows"):
        list(spreadsheets.xlsx_rows(book.worksheets[0], LIMITS))
    too_wide = workbook([["sku"] + [f"c{n}" for n in range(20)]])
    book = spreadsheets.open_workbook(too_wide, LIMITS)
    with pytest.raises(spreadsheets.SpreadsheetRefused, match="more than 10 columns"):
        list(spreadsheets.xlsx_rows(book.worksheets[0], LIMITS))
    fine = workbook([["sku", "qty"], ["LED-600", 2]])
    book = spreadsheets.open_workbook(fine, LIMITS)
    assert list(spreadsheets.xlsx_rows(book.worksheets[0], LIMITS)) == [(1, ("sku", "qty")), (2, ("LED-600", 2))]


def test_the_catalog_import_refuses_the_bomb_with_a_clear_message(db, tmp_path, big_bomb):
    path = tmp_path / "erp.xlsx"
    path.write_bytes(big_bomb)
    with pytest.raises(ImportInvalid) as exc:
        import_file(kind="products", path=path, actor=None)
    assert "unpacks to more than" in exc.value.errors[0]["message"]


def test_the_catalog_import_refuses_a_sheet_with_too_many_rows(db, tmp_path, settings):
    settings.IMPORT_XLSX_MAX_ROWS = 50
    path = tmp_path / "erp.xlsx"
    path.write_bytes(workbook([["sku", "stock_quantity"]] + [[f"SKU-{n}", 1] for n in range(60)]))
    with pytest.raises(ImportInvalid) as exc:
        import_file(kind="stock", path=path, actor=None)
    assert "more than 50 rows" in exc.value.errors[0]["message"]


def test_the_import_page_refuses_the_bomb_on_the_form(db, client, big_bomb, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    client.force_login(StaffFactory())
    response = client.post(reverse("catalog_import:start"), {
        "kind": "products", "file": SimpleUploadedFile("erp.xlsx", big_bomb)})
    assert response.status_code == 200
    assert "unpacks to more than" in response.content.decode()
    assert not (tmp_path / "media").exists() or not any((tmp_path / "media").rglob("*.xlsx"))


def test_quick_order_refuses_the_bomb_through_the_same_guard(big_bomb):
    with pytest.raises(FileTooLarge, match="unpacks to more than"):
        quick_order.read_upload(SimpleUploadedFile("order.xlsx", big_bomb))
