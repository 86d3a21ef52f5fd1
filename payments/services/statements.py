"""Statements: a dealer's ledger for a period (invoices and card refunds debit; payments and credit notes credit)
with an opening balance and a running balance, as rows for the page, CSV and PDF; and the staff's accounting export
of every entry (invoices, payments, credit notes, refunds, allocations) of a period as CSV.

Balance = invoices − payments − credit notes + refunds, void invoices excluded. The statement PDF is rendered in the
request (portal.documents.render_pdf): it is asked for on demand, for any period, and never stored."""
from __future__ import annotations

import datetime
import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from portal import csv as portal_csv
from portal.documents import render_pdf

from .. import selectors
from ..errors import InvalidPeriod
from ..models import ZERO

__all__ = ["Statement", "StatementRow", "accounting_export_csv", "build_statement", "clean_period", "statement_csv",
           "statement_pdf"]

MAX_PERIOD_DAYS = 3 * 366


@dataclass
class StatementRow:
    date: datetime.date
    kind: str            # invoice | payment | credit_note | refund
    number: str
    description: str
    debit: Decimal
    credit: Decimal
    balance: Decimal = ZERO


@dataclass
class Statement:
    dealer: object
    date_from: datetime.date
    date_to: datetime.date
    currency: str
    opening: Decimal
    rows: list = field(default_factory=list)

    @property
    def total_debit(self) -> Decimal:
        return sum((row.debit for row in self.rows), ZERO)

    @property
    def total_credit(self) -> Decimal:
        return sum((row.credit for row in self.rows), ZERO)

    @property
    def closing(self) -> Decimal:
        return self.opening + self.total_debit - self.total_credit


def clean_period(date_from, date_to, *, default_days=90) -> tuple[datetime.date, datetime.date]:
    """Dates as given (date or YYYY-MM-DD); missing ones default to the last `default_days` days up to today."""
    def parse(value, name):
        if value in (None, ""):
            return None
        if isinstance(value, datetime.date):
            return value
        try:
            return datetime.date.fromisoformat(str(value).strip())
        except ValueError:
            raise InvalidPeriod(_("Enter a date as YYYY-MM-DD."), field=name) from None

    today = timezone.localdate()
    end = parse(date_to, "to") or today
    start = parse(date_from, "from") or end - datetime.timedelta(days=default_days)
    if start > end:
        raise InvalidPeriod(_("The period must start before it ends."), field="from")
    if (end - start).days > MAX_PERIOD_DAYS:
        raise InvalidPeriod(_("A period may be at most three years long."), field="from")
    return start, end


def build_statement(*, dealer, date_from, date_to) -> Statement:
    """The ledger of `dealer` from `date_from` to `date_to` (both included), in date order (invoices before
    payments on the same day), each row with the balance after it. A fixed number of queries."""
    date_from, date_to = clean_period(date_from, date_to)
    opening = selectors.balance_before(dealer=dealer, day=date_from)
    rows = []
    for invoice in selectors.statement_invoices(dealer=dealer, date_from=date_from, date_to=date_to):
        if invoice.order_id and invoice.part:  # one of the order's invoices per shipment
            description = _("Invoice for order %(order)s, shipment %(shipment)s") % {
                "order": invoice.order.number, "shipment": invoice.part}
        elif invoice.order_id:
            description = _("Invoice for order %(order)s") % {"order": invoice.order.number}
        else:
            description = _("Invoice")
        rows.append(StatementRow(invoice.issue_date, "invoice", invoice.number, description, invoice.total_gross,
                                 ZERO))
    for payment in selectors.statement_payments(dealer=dealer, date_from=date_from, date_to=date_to):
        description = _("Payment (%(method)s)") % {"method": payment.get_kind_display()}
        if payment.reference:
            description += f" · {payment.reference}"
        rows.append(StatementRow(payment.received_on, "payment", payment.number, description, ZERO, payment.amount))
    for note in selectors.statement_credit_notes(dealer=dealer, date_from=date_from, date_to=date_to):
        rows.append(StatementRow(note.issued_on, "credit_note", note.number,
                                 _("Credit note: %(reason)s") % {"reason": note.reason}, ZERO, note.amount))
    for refund in selectors.statement_refunds(dealer=dealer, date_from=date_from, date_to=date_to):
        rows.append(StatementRow(refund.refunded_on, "refund", refund.number,
                                 _("Card refund for order %(order)s: %(reason)s") % {
                                     "order": refund.card_payment.order.number, "reason": refund.reason},
                                 refund.amount, ZERO))
    order = {"invoice": 0, "payment": 1, "credit_note": 2, "refund": 3}
    rows.sort(key=lambda row: (row.date, order[row.kind], row.number))
    balance = opening
    for row in rows:
        balance += row.debit - row.credit
        row.balance = balance
    currency = getattr(getattr(dealer, "credit_account", None), "currency", "TRY")
    return Statement(dealer=dealer, date_from=date_from, date_to=date_to, currency=currency, opening=opening,
                     rows=rows)


KIND_LABELS = {"invoice": lambda: _("Invoice"), "payment": lambda: _("Payment"),
               "credit_note": lambda: _("Credit note"), "refund": lambda: _("Card refund")}


def statement_csv(statement: Statement) -> str:
    """The statement as CSV (comma separated, amounts with a dot, dates ISO): opening row, entries, closing row."""
    out = io.StringIO()
    writer = portal_csv.writer(out)  # formula-looking text cells are neutralised
    writer.writerow([_("Date"), _("Type"), _("Number"), _("Description"), _("Debit"), _("Credit"), _("Balance")])
    writer.writerow([statement.date_from.isoformat(), "", "", _("Opening balance"), "", "", statement.opening])
    for row in statement.rows:
        writer.writerow([row.date.isoformat(), KIND_LABELS[row.kind](), row.number, row.description,
                         row.debit or "", row.credit or "", row.balance])
    writer.writerow([statement.date_to.isoformat(), "", "", _("Closing balance"), statement.total_debit,
                     statement.total_credit, statement.closing])
    return out.getvalue()


def statement_pdf(statement: Statement, *, language: str) -> bytes:
    return render_pdf(template="pdf/statement.html", context={"statement": statement}, language=language)


def accounting_export_csv(*, date_from, date_to) -> str:
    """Every entry of every dealer in the period for the accounting system: invoices, payments, credit notes (by
    their dates) and allocations (by the day they were made). Stable column names, amounts with a dot."""
    date_from, date_to = clean_period(date_from, date_to)
    out = io.StringIO()
    writer = portal_csv.writer(out)  # formula-looking text cells are neutralised
    writer.writerow(["entry", "date", "number", "dealer_code", "dealer_tax_number", "status", "debit", "credit",
                     "currency", "reference", "invoice", "source"])
    for invoice in selectors.export_invoices(date_from=date_from, date_to=date_to):
        writer.writerow(["invoice", invoice.issue_date.isoformat(), invoice.number, invoice.dealer.code or "",
                         invoice.dealer.tax_number, invoice.status, invoice.total_gross, "", invoice.currency,
                         invoice.order.number if invoice.order_id else "", "", ""])
    for payment in selectors.export_payments(date_from=date_from, date_to=date_to):
        writer.writerow(["payment", payment.received_on.isoformat(), payment.number, payment.dealer.code or "",
                         payment.dealer.tax_number, payment.kind, "", payment.amount, payment.currency,
                         payment.reference, "", ""])
    for note in selectors.export_credit_notes(date_from=date_from, date_to=date_to):
        writer.writerow(["credit_note", note.issued_on.isoformat(), note.number, note.dealer.code or "",
                         note.dealer.tax_number, "", "", note.amount, note.currency, note.reason, "", ""])
    for refund in selectors.export_refunds(date_from=date_from, date_to=date_to):
        writer.writerow(["refund", refund.refunded_on.isoformat(), refund.number, refund.dealer.code or "",
                         refund.dealer.tax_number, "", refund.amount, "", refund.currency,
                         refund.card_payment.reference, "", ""])
    for allocation in selectors.export_allocations(date_from=date_from, date_to=date_to):
        source = allocation.payment or allocation.credit_note
        writer.writerow(["allocation", timezone.localtime(allocation.created_at).date().isoformat(), "",
                         allocation.invoice.dealer.code or "", allocation.invoice.dealer.tax_number, "", "",
                         allocation.amount, allocation.invoice.currency, "", allocation.invoice.number,
                         source.number])
    return out.getvalue()
