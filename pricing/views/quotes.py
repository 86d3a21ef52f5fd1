"""The dealer's quote pages: list, request, detail with revision history and PDFs, a revision as sent, accept
(confirmation) and reject (reason). Scoped to the dealer the actor acts for: another dealer's quote is 404."""
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog import selectors as catalog_selectors
from catalog import skus as sku_lines
from catalog.availability import EXACT
from catalog.errors import unknown_skus
from dealers.permissions import CART, ORDER
from dealers.views import dealer_page
from portal import documents, uploads
from portal.errors import DomainError, add_to_form
from portal.models import Document
from portal.paging import paginate

from .. import permissions, quote_selectors, services
from ..forms import AcceptQuoteForm, QuoteRequestForm, RejectQuoteForm
from ..models import QuoteStatus
from ..services.quote_pdf import QUOTE_PDF, snapshot_context
from ..services.quote_stock import quote_stock_problems

PER_PAGE = 25
quote_page = dealer_page(ability=CART)
decision_page = dealer_page(ability=ORDER)


def _status_choices():
    return [("", _("All")), ("open", _("Open"))] + list(QuoteStatus.choices)


def quote_list(request):
    """/quotes/: the dealer's quotes; staff who prepare quotes and act for nobody get their work list instead."""
    actor = getattr(request, "actor", None)
    if request.user.is_authenticated and actor is not None and actor.dealer is None and \
            permissions.can_edit_quotes(request.user):
        return redirect("quotes:work")
    return _dealer_quote_list(request)


@quote_page
def _dealer_quote_list(request):
    filters = {"status": request.GET.get("status", ""), "q": request.GET.get("q", "").strip()}
    paging = paginate(request, quote_selectors.list_quotes(actor=request.actor, filters=filters), PER_PAGE)
    rows = [{"quote": quote, "latest": quote.revision_list[0] if quote.revision_list else None}
            for quote in paging["page"]]
    return render(request, "pricing/quotes/list.html", {
        **paging, "rows": rows, "filters": filters, "statuses": _status_choices(),
        "can_request": permissions.can_request_quote(request.actor)})


def _lines_of_request(form):
    """The form's (sku, quantity) as (product, quantity): unknown SKUs become a form error."""
    wanted = form.cleaned_data["lines"]
    found = sku_lines.find_products([sku for sku, _q in wanted],
                                    fields=["id", "sku", "name", "active", "unit", "min_order_quantity",
                                            "order_multiple", "vat_rate"])
    unknown = [sku for sku, _q in wanted if sku.upper() not in found]
    if unknown:
        add_to_form(form, unknown_skus(unknown))
        return None
    return [(found[sku.upper()], quantity if quantity is not None else found[sku.upper()].min_order_quantity)
            for sku, quantity in wanted]


@quote_page
def quote_new(request):
    """Ask for a quote: `SKU quantity` lines (prefilled from ?lines=, e.g. from the cart), a note, a delivery date."""
    form = QuoteRequestForm(request.POST or None, initial={"lines": request.GET.get("lines", "")},
                            example_skus=catalog_selectors.list_example_skus())
    if request.method == "POST" and form.is_valid():
        lines = _lines_of_request(form)
        if lines is not None:
            try:
                quote = services.request_quote(
                    actor=request.actor, lines=lines, note=form.cleaned_data["note"],
                    requested_delivery_date=form.cleaned_data["requested_delivery_date"])
            except DomainError as exc:
                add_to_form(form, exc)
            else:
                messages.success(request, _("Quote request %(number)s sent. We will prepare your quote and let you "
                                            "know by e-mail.") % {"number": quote.number})
                return redirect("quotes:detail", quote.number)
    return render(request, "pricing/quotes/new.html", {"form": form}, status=400 if form.errors else 200)


def _revision_rows(quote):
    return [{"revision": revision, "snapshot": snapshot_context(revision.snapshot)}
            for revision in quote.revision_list]


def _decision_context(request, quote):
    actor = request.actor
    today = timezone.localdate()
    stock_problems = []
    if quote.status == QuoteStatus.SENT:  # what "Accept and order" would refuse, said before the click
        stock_problems = quote_stock_problems(list(quote.lines.select_related("product")),
                                              display=EXACT if actor.is_staff else None)
    return {
        "stock_problems": stock_problems,
        "can_decide": permissions.may_accept_quote(actor, quote, today=today),
        "can_reject": permissions.may_reject_quote(actor, quote),
        "expired_unmarked": quote.status == QuoteStatus.SENT and not quote.is_acceptable_on(today),
        "ordering_available": services.ordering_available(),
    }


def quote_detail(request, number):
    """/quotes/<number>/: the dealer's page; staff who prepare quotes and act for nobody get the editor instead."""
    actor = getattr(request, "actor", None)
    if request.user.is_authenticated and actor is not None and actor.dealer is None and \
            permissions.can_edit_quotes(request.user):
        return redirect("quotes:edit", number)
    return _dealer_quote_detail(request, number)


@quote_page
def _dealer_quote_detail(request, number):
    quote = quote_selectors.get_quote(actor=request.actor, number=number)
    revisions = _revision_rows(quote)
    return render(request, "pricing/quotes/detail.html", {
        "quote": quote, "revisions": revisions, "latest": revisions[0] if revisions else None,
        "history": list(quote.status_changes.all()), "lines": list(quote.lines.all()),
        "can_edit": permissions.can_edit_quotes_of(request.user, quote.dealer),
        **_decision_context(request, quote)})


@quote_page
def quote_revision(request, number, revision):
    """One revision exactly as it was sent (earlier revisions stay readable)."""
    found = quote_selectors.get_revision(actor=request.actor, number=number, revision=revision)
    return render(request, "pricing/quotes/revision.html", {
        "quote": found.quote, "revision": found, "snapshot": snapshot_context(found.snapshot)})


@login_required
def quote_revision_pdf(request, number, revision):
    """The PDF of a revision for whom can_read_quote lets through (the dealer's roles that see quotes, its assigned
    agents, staff who edit or view quotes): 403 for the dealer's other roles, 404 for anyone else."""
    found = quote_selectors.get_revision_by_number(number=number, revision=revision)
    documents.check_download(request.user, QUOTE_PDF, found, dealer_id=found.quote.dealer_id)
    actor = request.actor
    back = "quotes:detail" if actor.dealer is not None and actor.dealer.pk == found.quote.dealer_id else "quotes:edit"
    document = found.document
    if document is None or document.status != Document.Status.READY:
        messages.info(request, _("The PDF of revision %(revision)s is being prepared; try again in a moment.")
                      % {"revision": found.number})
        return redirect(back, number)
    return uploads.file_response(document.file, filename=f"{found.quote.number}-rev{found.number}", extension="pdf")


@decision_page
def quote_accept(request, number):
    """A confirmation page; the POST accepts (a key made when the page was shown makes a double submit harmless)."""
    quote = quote_selectors.get_quote(actor=request.actor, number=number)
    if request.method == "POST":
        form = AcceptQuoteForm(request.POST)
        if form.is_valid():
            try:
                quote = services.accept_quote(actor=request.actor, quote=quote,
                                              idempotency_key=form.cleaned_data["idempotency_key"])
            except DomainError as exc:
                messages.error(request, str(exc.message))
            else:
                messages.success(request, _("Quote %(number)s accepted: order %(order)s.")
                                 % {"number": quote.number, "order": quote.order_number})
            return redirect("quotes:detail", quote.number)
    else:
        form = AcceptQuoteForm(initial={"idempotency_key": uuid.uuid4().hex})
    revisions = _revision_rows(quote)
    return render(request, "pricing/quotes/accept.html", {
        "quote": quote, "form": form, "latest": revisions[0] if revisions else None,
        **_decision_context(request, quote)})


@decision_page
def quote_reject(request, number):
    quote = quote_selectors.get_quote(actor=request.actor, number=number)
    form = RejectQuoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.reject_quote(actor=request.actor, quote=quote, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            if exc.field == "reason":
                add_to_form(form, exc)
            else:
                messages.error(request, str(exc.message))
                return redirect("quotes:detail", quote.number)
        else:
            messages.success(request, _("Quote %(number)s rejected. Thank you for telling us why.")
                             % {"number": quote.number})
            return redirect("quotes:detail", quote.number)
    return render(request, "pricing/quotes/reject.html", {"quote": quote, "form": form,
                                                          **_decision_context(request, quote)},
                  status=400 if form.errors else 200)

