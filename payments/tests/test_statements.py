"""Statements: opening balance, entries in date order with a running balance, balance = invoices − payments − credit
notes (void invoices excluded), the CSV, and the staff's accounting export."""
import csv
import datetime
import io
from decimal import Decimal

import pytest

from dealers.testing import DealerFactory
from payments.errors import InvalidPeriod
from payments.models import InvoiceStatus
from payments.services import statements
from payments.testing import CreditNoteFactory, InvoiceFactory, PaymentFactory

D = Decimal
DAY = datetime.date(2026, 3, 1)


def day(n):
    return DAY + datetime.timedelta(days=n)


@pytest.fixture
def ledger(db):
    dealer = DealerFactory(code="LEDG01")
    InvoiceFactory(dealer=dealer, number="INV-A", total_gross=D("500.00"), issue_date=day(-10))  # before: opening
    PaymentFactory(dealer=dealer, number="PAY-A", amount=D("200.00"), received_on=day(-5))         # before: opening
    InvoiceFactory(dealer=dealer, number="INV-B", total_gross=D("1000.00"), issue_date=day(1))
    PaymentFactory(dealer=dealer, number="PAY-B", amount=D("300.00"), received_on=day(2), reference="EFT 9")
    CreditNoteFactory(dealer=dealer, number="CN-B", amount=D("50.00"), issued_on=day(3), reason="Return")
    InvoiceFactory(dealer=dealer, number="INV-C", total_gross=D("250.00"), issue_date=day(3))
    InvoiceFactory(dealer=dealer, number="INV-VOID", total_gross=D("999.00"), issue_date=day(2),
                   status=InvoiceStatus.VOID)
    InvoiceFactory(dealer=dealer, number="INV-LATER", total_gross=D("70.00"), issue_date=day(40))  # after the period
    InvoiceFactory(number="INV-OTHER", total_gross=D("123.00"), issue_date=day(1))  # another dealer
    return dealer


def test_statement_balance_is_invoices_minus_payments_minus_credit_notes_with_a_running_balance(ledger):
    found = statements.build_statement(dealer=ledger, date_from=day(0), date_to=day(10))
    assert found.opening == D("300.00")
    assert [(r.number, r.debit, r.credit, r.balance) for r in found.rows] == [
        ("INV-B", D("1000.00"), 0, D("1300.00")),
        ("PAY-B", 0, D("300.00"), D("1000.00")),
        ("INV-C", D("250.00"), 0, D("1250.00")),   # the invoice before the credit note on the same day
        ("CN-B", 0, D("50.00"), D("1200.00")),
    ]
    assert found.closing == D("1200.00")
    invoices, paid, credited = D("500") + D("1000") + D("250"), D("200") + D("300"), D("50")
    assert found.closing == invoices - paid - credited


def test_statement_csv_has_opening_entries_and_closing(ledger):
    found = statements.build_statement(dealer=ledger, date_from=day(0), date_to=day(10))
    rows = list(csv.reader(io.StringIO(statements.statement_csv(found))))
    assert rows[0] == ["Date", "Type", "Number", "Description", "Debit", "Credit", "Balance"]
    assert rows[1] == [day(0).isoformat(), "", "", "Opening balance", "", "", "300.00"]
    assert rows[2][:3] == [day(1).isoformat(), "Invoice", "INV-B"] and rows[2][4:] == ["1000.00", "", "1300.00"]
    assert rows[3][2] == "PAY-B" and "EFT 9" in rows[3][3] and rows[3][4:] == ["", "300.00", "1000.00"]
    assert rows[-1] == [day(10).isoformat(), "", "", "Closing balance", "1250.00", "350.00", "1200.00"]
    assert "INV-VOID" not in str(rows) and "INV-OTHER" not in str(rows)


def test_a_period_ending_before_it_starts_is_refused(ledger):
    with pytest.raises(InvalidPeriod):
        statements.build_statement(dealer=ledger, date_from=day(5), date_to=day(1))


def test_accounting_export_lists_every_entry_of_the_period(ledger):
    rows = list(csv.DictReader(io.StringIO(statements.accounting_export_csv(date_from=day(0), date_to=day(10)))))
    entries = {(row["entry"], row["number"]) for row in rows}
    assert {("invoice", "INV-B"), ("invoice", "INV-C"), ("invoice", "INV-VOID"), ("invoice", "INV-OTHER"),
            ("payment", "PAY-B"), ("credit_note", "CN-B")} <= entries
    assert ("invoice", "INV-A") not in entries and ("invoice", "INV-LATER") not in entries
    assert next(row for row in rows if row["number"] == "INV-B")["debit"] == "1000.00"
