"""HTML views of payments: a dealer's invoices (list, detail, PDF) and statement (page, CSV, PDF) for owners, finance
users and agents acting for the dealer; the staff's reconciliation page and accounting export. Another dealer's
invoice is 404 (selectors.invoices_of)."""
import uuid

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dealers.permissions import PAY
from dealers.views import dealer_page
from portal import documents, idempotency, uploads
from portal.errors import DomainError, add_to_form
from portal.models import Document
from portal.paging import paginate

from . import permissions, selectors
from .forms import AllocateForm, InvoiceFilterForm, PeriodForm
from .models import CreditNote, Invoice, Payment
from .services import allocation, statements
from .services.invoices import INVOICE_PDF

PER_PAGE = 25
pay_page = dealer_page(ability=PAY)


@pay_page
def invoice_list(request):
    form = InvoiceFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    paging = paginate(request, selectors.list_invoices(actor=request.actor, filters=filters), PER_PAGE)
    return render(request, "payments/invoice_list.html", {
        "form": form, **paging, "invoices": list(paging["page"]),
        "open_balance": selectors.open_balance(dealer=request.actor.dealer),
        "credit_balance": selectors.credit_balance(dealer=request.actor.dealer)})


@pay_page
def invoice_detail(request, number):
    invoice = selectors.get_invoice(actor=request.actor, number=number)
    return render(request, "payments/invoice_detail.html", {
        "invoice": invoice, "lines": list(invoice.lines.all()), "plan": list(invoice.installment_plan.all()),
        "allocations": list(invoice.allocations.all())})


@login_required
def invoice_pdf(request, number):
    """The invoice's PDF for whom can_read_invoice lets through (the dealer's owners and finance users, its assigned
    agents, staff who may view invoices): 403 for the dealer's other roles, 404 for anyone else."""
    invoice = selectors.get_invoice_for_staff(number=number)
    documents.check_download(request.user, INVOICE_PDF, invoice, dealer_id=invoice.dealer_id)
    actor = getattr(request, "actor", None)
    if actor is not None and actor.dealer is not None and actor.dealer.pk == invoice.dealer_id:
        back = ("payments:invoice", number)
    else:
        back = ("admin:payments_invoice_changelist",)
    document = invoice.document
    if document is None or document.status != Document.Status.READY:
        messages.info(request, _("The PDF of invoice %(number)s is being prepared; try again in a moment.")
                      % {"number": invoice.number})
        return redirect(*back)
    return uploads.file_response(document.file, filename=invoice.number, extension="pdf")


def _statement_of(request):
    form = PeriodForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    try:
        return form, statements.build_statement(dealer=request.actor.dealer, date_from=data.get("date_from"),
                                                date_to=data.get("date_to"))
    except DomainError as exc:
        add_to_form(form, exc)
        return form, statements.build_statement(dealer=request.actor.dealer, date_from=None, date_to=None)


@pay_page
def statement(request):
    form, found = _statement_of(request)
    period = f"date_from={found.date_from.isoformat()}&date_to={found.date_to.isoformat()}"
    return render(request, "payments/statement.html", {"form": form, "statement": found, "period": period})


@pay_page
def statement_csv(request):
    _form, found = _statement_of(request)
    response = HttpResponse(statements.statement_csv(found), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (f'attachment; filename="statement-{request.actor.dealer.code or "dealer"}-'
                                       f'{found.date_from}-{found.date_to}.csv"')
    return response


@pay_page
def statement_pdf(request):
    dealer = request.actor.dealer
    documents.check_download(request.user, permissions.STATEMENT, dealer, dealer_id=dealer.pk)
    _form, found = _statement_of(request)
    pdf = statements.statement_pdf(found, language=request.LANGUAGE_CODE)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (f'attachment; filename="statement-{request.actor.dealer.code or "dealer"}-'
                                       f'{found.date_from}-{found.date_to}.pdf"')
    return response


# --- staff ------------------------------------------------------------------------------------------------------------

def _source_by_number(number):
    number = (number or "").strip()
    return (Payment.objects.filter(number=number).first() or CreditNote.objects.filter(number=number).first())


@staff_member_required
def reconciliation(request):
    """Unmatched payments and credit notes, and open invoices, per dealer; allocate by hand or oldest first."""
    if not permissions.can_record_payments(request.user):
        return render(request, "dealers/forbidden.html", status=403)
    form = AllocateForm(request.POST if request.POST.get("action") == "allocate" else None,
                        initial={"token": uuid.uuid4().hex})
    if request.method == "POST":
        try:
            if request.POST.get("action") == "allocate_credit":
                from dealers.models import Dealer

                dealer_id = request.POST.get("dealer", "")
                dealer = Dealer.objects.filter(pk=dealer_id).first() if dealer_id.isdecimal() else None
                if dealer is None:
                    raise Http404
                made = allocation.allocate_credit(actor=request.user, dealer=dealer)
                messages.success(request, ngettext("%(count)s allocation made for %(dealer)s.",
                                                   "%(count)s allocations made for %(dealer)s.", len(made))
                                 % {"count": len(made), "dealer": dealer})
                return redirect("payments:reconciliation")
            if form.is_valid():
                source = _source_by_number(form.cleaned_data["source"])
                invoice = Invoice.objects.filter(number=form.cleaned_data["invoice"].strip()).first()
                if source is None:
                    form.add_error("source", _("No payment or credit note has this number."))
                elif invoice is None:
                    form.add_error("invoice", _("No invoice has this number."))
                else:
                    outcome, _made = idempotency.run_once_for_page(
                        request, key=form.cleaned_data["token"], dealer=invoice.dealer,
                        action=lambda: allocation.allocate(actor=request.user, source=source, invoice=invoice,
                                                           amount=form.cleaned_data["amount"]),
                        body_of=lambda made: {"invoice": invoice.number})
                    if outcome in ("done", "replayed"):
                        messages.success(request, _("%(amount)s of %(source)s allocated to %(invoice)s.") % {
                            "amount": form.cleaned_data["amount"], "source": source.number,
                            "invoice": invoice.number})
                        return redirect("payments:reconciliation")
                    form.data = form.data.copy()
                    form.data["token"] = uuid.uuid4().hex  # allocating these details again is a new allocation
                    form.add_error(None, _("This form was already used for another allocation. Check the details "
                                           "and allocate again to make a new one.") if outcome == "reused" else
                                   _("This allocation is still being made. Wait a moment and reload the page."))
        except DomainError as exc:
            add_to_form(form, exc)
    dealers = {}
    for row in [*selectors.unmatched_payments(), *selectors.unmatched_credit_notes()]:
        dealers.setdefault(row.dealer_id, {"dealer": row.dealer, "sources": [], "invoices": []})["sources"].append(row)
    for invoice in selectors.open_invoices():
        dealers.setdefault(invoice.dealer_id, {"dealer": invoice.dealer, "sources": [], "invoices": []})[
            "invoices"].append(invoice)
    groups = sorted(dealers.values(), key=lambda group: group["dealer"].legal_name)
    return render(request, "payments/reconciliation.html", {"form": form, "groups": groups,
                                                            "period_form": PeriodForm()})


@staff_member_required
def accounting_export(request):
    if not permissions.can_record_payments(request.user):
        return render(request, "dealers/forbidden.html", status=403)
    form = PeriodForm(request.GET or None)
    if request.GET and not form.is_valid():
        # A bad date is said, not replaced by the default period (an export of the wrong months looks right).
        errors = "; ".join(str(message) for messages_ in form.errors.values() for message in messages_)
        return HttpResponse(errors, status=400, content_type="text/plain; charset=utf-8")
    data = form.cleaned_data if request.GET else {}
    try:
        start, end = statements.clean_period(data.get("date_from"), data.get("date_to"))
    except DomainError as exc:
        return HttpResponse(str(exc.message), status=400, content_type="text/plain; charset=utf-8")
    response = HttpResponse(statements.accounting_export_csv(date_from=start, date_to=end),
                            content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="accounting-{start}-{end}.csv"'
    return response
