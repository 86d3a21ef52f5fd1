"""Quick order: the one SKU-line parser (catalog.skus) table by table, then pasted text, CSV and XLSX into the cart."""
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from catalog import skus
from orders import services
from orders.errors import FileTooLarge, NoLines, TooManyLines, UnreadableFile
from orders.models import CartLine
from orders.services import quick_order as quick_order_module  # the module (the service is add_quick_order)

D = Decimal


# --- the parser: every separator, the decimal comma, blank and comment lines ----------------------------------------

@pytest.mark.parametrize("text, sku, quantity", [
    ("ABC-1 10", "ABC-1", D(10)),
    ("ABC-1\t10", "ABC-1", D(10)),
    ("ABC-1;10", "ABC-1", D(10)),
    ("ABC-1,10", "ABC-1", D(10)),
    ("ABC-1    10", "ABC-1", D(10)),
    ("ABC-1 ; 10", "ABC-1", D(10)),
    ("ABC-1, 10", "ABC-1", D(10)),
    ("ABC-1 , 10", "ABC-1", D(10)),
    ("ABC-1;10;", "ABC-1", D(10)),            # a spreadsheet's trailing separator
    ("ABC-1\t\t10", "ABC-1", D(10)),           # an empty column between
    ("  abc-1   7  ", "abc-1", D(7)),           # the case is kept; matching ignores it
    ("ABC-1 2,5", "ABC-1", D("2.5")),           # decimal comma after spaces
    ("ABC-1\t2,5", "ABC-1", D("2.5")),          # ... after a tab
    ("ABC-1;2,5", "ABC-1", D("2.5")),           # ... after a semicolon
    ("ABC-1, 2,5", "ABC-1", D("2.5")),          # a comma touching a space separates; between digits it is decimal
    ("ABC-1,2.5", "ABC-1", D("2.5")),           # after a comma separator: the decimal point
    ("ABC-1 2.5", "ABC-1", D("2.5")),
    ("ABC-1 ,5", "ABC-1", D(5)),
    ("ABC-1 0,335", "ABC-1", D("0.335")),
    ("ABC-1", "ABC-1", None),                   # no quantity: the caller's default
])
def test_parser_reads_every_separator_and_the_decimal_comma(text, sku, quantity):
    [line] = skus.parse_lines(text)
    assert line.ok, line.error
    assert (line.number, line.sku, line.quantity) == (1, sku, quantity)


@pytest.mark.parametrize("text, code, words", [
    ("ABC-1,2,5", "catalog.ambiguous_comma", "2.5"),
    ("ABC-1 1 2", "catalog.bad_line", "SKU quantity"),
    ("ABC-1;1;2", "catalog.bad_line", "SKU quantity"),
    ("ABC-1 abc", "catalog.invalid_quantity", "Not a quantity: abc"),
    ("ABC-1 -2", "catalog.invalid_quantity", "more than zero: -2"),
    ("ABC-1 0", "catalog.invalid_quantity", "more than zero: 0"),
    ("ABC-1 0,0", "catalog.invalid_quantity", "more than zero"),
    ("ABC-1 1e3", "catalog.invalid_quantity", "Not a quantity"),
    ("ABC-1 1.234,5", "catalog.invalid_quantity", "Not a quantity"),
    ("ABC-1 NaN", "catalog.invalid_quantity", "Not a quantity"),
])
def test_parser_reports_bad_lines_with_a_code(text, code, words):
    [line] = skus.parse_lines(text)
    assert not line.ok and line.error.code == code and words in line.error.message
    assert line.number == 1 and line.sku == "ABC-1"


def test_parser_skips_blank_and_comment_lines_and_keeps_line_numbers():
    lines = skus.parse_lines("\n# my order\n   \nABC-1 2\n\t\nXYZ 3\n")
    assert [(line.number, line.sku, line.quantity) for line in lines] == [(4, "ABC-1", D(2)), (6, "XYZ", D(3))]


def test_parser_skips_a_pasted_header_row():
    lines = skus.parse_lines("SKU\tQuantity\nABC-1\t2")
    assert [(line.number, line.sku) for line in lines] == [(2, "ABC-1")]


def test_parser_refuses_more_lines_than_allowed():
    with pytest.raises(skus.BadLine) as exc:
        skus.parse_lines("\n".join(f"A{i} 1" for i in range(11)), max_lines=10)
    assert exc.value.code == "catalog.too_many_lines"


def test_rows_use_named_columns_in_any_order_and_ignore_other_columns():
    lines = skus.parse_rows([
        (1, ["Description", "Qty", "SKU"]),
        (2, ["Panel", "2,5", "abc-1"]),
        (3, ["", "", ""]),
        (4, ["Cable", "", "XYZ"]),
        (5, ["Extra", "1", "B", "surplus"]),
    ])
    assert [(line.number, line.sku, line.quantity, line.ok) for line in lines] == [
        (2, "abc-1", D("2.5"), True), (4, "XYZ", None, True), (5, "B", None, False)]


def test_rows_without_header_are_sku_then_quantity_and_a_third_cell_is_refused():
    lines = skus.parse_rows([(1, ["ABC-1", "10"]), (2, ["ABC-1", "2", "5"]), (3, ["", "4"])])
    assert lines[0].quantity == D(10) and lines[0].ok
    assert lines[1].error.code == "catalog.bad_line"  # "ABC-1,2,5" split by a comma delimiter is never 2
    assert lines[2].error.code == "catalog.bad_line" and "missing" in lines[2].error.message


def test_find_products_matches_whatever_the_case_in_one_query(panel, boxed, django_assert_num_queries):
    with django_assert_num_queries(1):
        found = skus.find_products(["led-600", "Cab-3x25", "NOPE"])
    assert set(found) == {"LED-600", "CAB-3X25"} and found["LED-600"] == panel


# --- quick order into the cart -------------------------------------------------------------------------------------

def _cart(actor):
    return {line.product.sku: line.quantity for line in CartLine.objects.of(actor).select_related("product")}


def test_quick_order_adds_good_lines_and_reports_every_bad_one_by_line(actor, panel, boxed, cable, retired):
    text = "\n".join([
        "led-600 3",        # 1: mixed case, found
        "NOPE-1 2",         # 2: unknown SKU
        "CAB-3X25;12",      # 3: not a multiple of 5
        "CAB-3X25;5",       # 4: below the minimum 10
        "KB-1\t2,5",        # 5: metres in fractions, decimal comma
        "OLD-1 1",          # 6: no longer sold
        "LED-600 1,5",      # 7: pieces are whole
        "# a comment",      # skipped
        "CAB-3X25",         # 9: no quantity → the minimum (10 boxes)
    ])
    result = services.add_quick_order(actor=actor, text=text)
    assert [(a.line, a.product.sku, a.quantity) for a in result.added] == [
        (1, "LED-600", D(3)), (5, "KB-1", D("2.5")), (9, "CAB-3X25", D(10))]
    assert [(p.line, p.sku, p.code) for p in result.problems] == [
        (2, "NOPE-1", "catalog.unknown_sku"),
        (3, "CAB-3X25", "catalog.not_a_multiple"),
        (4, "CAB-3X25", "catalog.below_minimum"),
        (6, "OLD-1", "orders.product_unavailable"),
        (7, "LED-600", "catalog.not_whole"),
    ]
    assert "10 or 15, not 12" in result.problems[1].message
    assert result.problem_text == "NOPE-1 2\nCAB-3X25;12\nCAB-3X25;5\nOLD-1 1\nLED-600 1,5"
    assert _cart(actor) == {"LED-600": D(3), "KB-1": D("2.5"), "CAB-3X25": D(10)}


def test_quick_order_sums_a_sku_given_twice_and_one_already_in_the_cart(actor, panel):
    services.add_lines_to_cart(actor=actor, lines=[(panel, 2)])
    result = services.add_quick_order(actor=actor, text="LED-600 3\nled-600 4")
    assert not result.problems and [a.total for a in result.added] == [D(5), D(9)]
    assert _cart(actor) == {"LED-600": D(9)}


def test_quick_order_of_nothing_is_refused(actor):
    with pytest.raises(NoLines):
        services.add_quick_order(actor=actor, text=" \n# only a comment\n")


def test_quick_order_refuses_more_than_a_thousand_lines(actor, panel):
    with pytest.raises(TooManyLines):
        services.add_quick_order(actor=actor, text="\n".join(["LED-600 1"] * 1001))
    assert _cart(actor) == {}


def test_quick_order_of_thirty_lines_runs_a_fixed_number_of_queries(actor, market, django_assert_max_num_queries):
    from orders.testing import priced

    products = [priced(market, "5.00") for _ in range(30)]
    text = "\n".join(f"{p.sku} {i + 1}" for i, p in enumerate(products))
    with django_assert_max_num_queries(10):
        result = services.add_quick_order(actor=actor, text=text)
    assert len(result.added) == 30 and not result.problems


# --- files ---------------------------------------------------------------------------------------------------------

def upload(content: bytes, name="order.csv"):
    return SimpleUploadedFile(name, content)


def xlsx(rows) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_csv_with_semicolons_quotes_and_decimal_commas(actor, panel, cable):
    content = b'SKU;Quantity\r\nled-600;4\r\n"KB-1";"2,5"\r\nNOPE;1\r\n'
    result = services.add_quick_order(actor=actor, upload=upload(content))
    assert [(a.line, a.product.sku, a.quantity) for a in result.added] == [(2, "LED-600", D(4)), (3, "KB-1", D("2.5"))]
    assert [(p.line, p.code) for p in result.problems] == [(4, "catalog.unknown_sku")]


def test_csv_with_commas_never_reads_an_unquoted_decimal_comma_as_a_smaller_quantity(actor, cable):
    result = services.add_quick_order(actor=actor, upload=upload(b"KB-1,2,5\nKB-1,1.5\n"))
    assert [(p.line, p.code) for p in result.problems] == [(1, "catalog.bad_line")]
    assert _cart(actor) == {"KB-1": D("1.5")}


def test_csv_saved_by_a_turkish_excel_is_read(actor, panel):
    content = "Ürün kodu;Miktar\nLED-600;2\n".encode("cp1254")
    result = services.add_quick_order(actor=actor, upload=upload(content))
    assert [(a.product.sku, a.quantity) for a in result.added] == [("LED-600", D(2))]


def test_text_file_with_spaces_reads_like_a_paste(actor, panel):
    result = services.add_quick_order(actor=actor, upload=upload(b"LED-600 2\n", "order.txt"))
    assert [(a.product.sku, a.quantity) for a in result.added] == [("LED-600", D(2))]


def test_xlsx_with_a_header_numbers_and_a_bad_row(actor, panel, cable):
    content = xlsx([["SKU", "Quantity", "Note"], ["led-600", 3, "hall"], ["KB-1", 2.5, None], [None, None, None],
                    ["LED-600", "many", None]])
    result = services.add_quick_order(actor=actor, upload=upload(content, "order.xlsx"))
    assert [(a.line, a.product.sku, a.quantity) for a in result.added] == [(2, "LED-600", D(3)), (3, "KB-1", D("2.5"))]
    assert [(p.line, p.sku, p.code) for p in result.problems] == [(5, "LED-600", "catalog.invalid_quantity")]
    assert result.problem_text == "LED-600\tmany"  # given back without the other columns, to paste again


def test_xlsx_without_header(actor, panel):
    result = services.add_quick_order(actor=actor, upload=upload(xlsx([["LED-600", 7]]), "order.xlsx"))
    assert [(a.line, a.quantity) for a in result.added] == [(1, D(7))]


def test_oversize_file_is_refused_before_reading(actor, panel):
    big = upload(b"LED-600 1\n" * (quick_order_module.MAX_FILE_BYTES // 10 + 1))
    with pytest.raises(FileTooLarge):
        services.add_quick_order(actor=actor, upload=big)
    assert _cart(actor) == {}


def test_xlsx_that_unpacks_too_large_is_refused(actor, panel, monkeypatch):
    monkeypatch.setattr(quick_order_module, "MAX_XLSX_UNPACKED_BYTES", 1000)
    with pytest.raises(FileTooLarge):
        services.add_quick_order(actor=actor, upload=upload(xlsx([["LED-600", 1]]), "order.xlsx"))


@pytest.mark.parametrize("content, name", [
    (b"PK\x03\x04 not really a zip", "order.xlsx"),
    (b"not a workbook", "order.xlsx"),
    (b"\xff\xfe\x00\x00\x81\x8d", "order.csv"),
    (b"LED-600;1\x00\n", "order.csv"),
])
def test_unreadable_files_are_refused_with_a_message(actor, panel, content, name):
    with pytest.raises(UnreadableFile):
        services.add_quick_order(actor=actor, upload=upload(content, name))


def test_a_sheet_with_too_many_rows_is_refused(actor, panel, monkeypatch):
    monkeypatch.setattr(quick_order_module, "MAX_LINES", 3)
    with pytest.raises(TooManyLines):
        services.add_quick_order(actor=actor, upload=upload(xlsx([["LED-600", 1]] * 5), "order.xlsx"))
