"""Staff pages of quotes: the list of quotes to prepare and the editor (header, lines with negotiated prices or
discounts, save, send). Admins edit every dealer's quotes, sales agents those of their assigned dealers; any other
quote is 404."""
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from catalog import skus as sku_lines
from catalog.availability import EXACT, availability
from catalog.errors import UnknownSku
from portal.errors import DomainError, add_to_form
from portal.paging import paginate

from .. import permissions, quote_selectors, services
from ..engine import format_quantity
from ..forms import NewQuoteLineFormSet, QuoteHeaderForm, QuoteLineFormSet
from ..models import QuoteStatus
from ..services.quote_drafts import draft_defaults, shipping_options
from ..services.quote_figures import quote_figures
from ..services.quote_inputs import HEADER_FIELDS, QuoteLineInput
from ..services.quote_pdf import snapshot_context
from ..services.quote_stock import problem_text, quote_stock_problems

PER_PAGE = 50


def staff_quote_page(fn):
    @wraps(fn)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not permissions.can_edit_quotes(request.user):
            raise Http404
        return fn(request, *args, **kwargs)

    return wrapper


@staff_quote_page
def work_list(request):
    filters = {"status": request.GET.get("status", ""), "q": request.GET.get("q", "").strip(),
               "dealer": request.GET.get("dealer", "").strip()}
    return render(request, "pricing/quotes/work.html", {
        **paginate(request, quote_selectors.list_quotes_to_work_on(user=request.user, filters=filters), PER_PAGE),
        "filters": filters,
        "statuses": [("", _("To prepare")), ("open", _("Open"))] + list(QuoteStatus.choices)})


def _initial_header(quote, options=None):
    """The saved header; a request not yet prepared shows the defaults its first save will take."""
    initial = {field: getattr(quote, field) for field in HEADER_FIELDS}
    if quote.status == QuoteStatus.REQUESTED:
        initial.update(draft_defaults(quote, options))
    return initial


def _initial_lines(lines):
    return [{"product": line.product_id, "quantity": format_quantity(line.quantity),
             "unit_price": "" if line.negotiated_unit_price is None else str(line.negotiated_unit_price),
             "discount": "" if line.discount_percent is None else str(line.discount_percent)} for line in lines]


def _wanted_lines(line_forms, new_forms):
    """The lines as the form wants them, or None when a new SKU is unknown (then the form shows it)."""
    wanted = [QuoteLineInput(product=f.cleaned_data["product"], quantity=f.cleaned_data["quantity"],
                             unit_price=f.cleaned_data["unit_price"], discount_percent=f.cleaned_data["discount"])
              for f in line_forms if not f.cleaned_data.get("remove")]
    additions = [f for f in new_forms if f.cleaned_data.get("sku")]
    found = sku_lines.find_products([f.cleaned_data["sku"] for f in additions],
                                    fields=["id", "sku", "min_order_quantity"]) if additions else {}
    ok = True
    for form in additions:
        product = found.get(form.cleaned_data["sku"].strip().upper())
        if product is None:
            add_to_form(form, UnknownSku(_("Unknown SKU: %(skus)s") % {"skus": form.cleaned_data["sku"]}, field="sku"))
            ok = False
            continue
        wanted.append(QuoteLineInput(product=product.pk,
                                     quantity=form.cleaned_data["quantity"] or product.min_order_quantity,
                                     unit_price=form.cleaned_data["unit_price"],
                                     discount_percent=form.cleaned_data["discount"]))
    return wanted if ok else None


@staff_quote_page
def quote_edit(request, number):
    quote = quote_selectors.get_quote_for_editing(user=request.user, number=number)
    lines = list(quote.lines.all())
    error = None
    # The dealer's delivery methods, each priced for the lines as last saved (or why it cannot carry them).
    methods = {"shipping_options": shipping_options(quote, lines) if quote.is_editable else None,
               "currency": quote.currency, "current": quote.delivery_method}
    if request.method == "POST" and quote.is_editable:
        header_form = QuoteHeaderForm(request.POST, prefix="header", **methods)
        line_forms = QuoteLineFormSet(request.POST, prefix="lines")
        new_forms = NewQuoteLineFormSet(request.POST, prefix="new")
        if header_form.is_valid() and line_forms.is_valid() and new_forms.is_valid():
            wanted = _wanted_lines(line_forms, new_forms)
            if wanted is not None:
                try:
                    quote = services.update_quote(actor=request.user, quote=quote, header=header_form.cleaned_data,
                                                  lines=wanted)
                except DomainError as exc:
                    error = exc
                else:
                    return _after_save(request, quote)
    else:
        header_form = QuoteHeaderForm(prefix="header", initial=_initial_header(quote, methods["shipping_options"]),
                                      **methods)
        line_forms = QuoteLineFormSet(prefix="lines", initial=_initial_lines(lines))
        new_forms = NewQuoteLineFormSet(prefix="new")
    rows, totals = quote_figures(lines, shipping=quote)
    # Staff see stock figures; each line carries its availability, the form warns before sending.
    stock_problems = quote_stock_problems(lines, display=EXACT)
    for line in lines:
        line.availability = availability(line.product, line.quantity, display=EXACT)
    if error is not None and error.field in header_form.fields:
        add_to_form(header_form, error)
        error = None
    revisions = [{"revision": revision, "snapshot": snapshot_context(revision.snapshot)}
                 for revision in quote.revision_list]
    return render(request, "pricing/quotes/edit.html", {
        "quote": quote, "header_form": header_form, "line_forms": line_forms, "new_forms": new_forms,
        "items": [(form, rows[i] if i < len(rows) else None) for i, form in enumerate(line_forms.forms)],
        "totals": totals, "error": error, "revisions": revisions, "stock_problems": stock_problems, "history": list(quote.status_changes.all()),
    }, status=400 if error is not None or (request.method == "POST" and quote.is_editable) else 200)


def _after_save(request, quote):
    if request.POST.get("action") != "send":
        messages.success(request, _("Quote %(number)s saved.") % {"number": quote.number})
        return redirect("quotes:edit", quote.number)
    problems = quote_stock_problems(list(quote.lines.select_related("product")), display=EXACT)
    if problems and not request.POST.get("send_anyway"):
        # A warning before sending, not a refusal: stock may come in before the dealer decides.
        messages.warning(request, _("Saved, but not sent: %(items)s The dealer cannot accept the quote until these "
                                    "lines can be delivered. Change them, or tick “Send anyway” and send again.")
                         % {"items": problem_text(problems)})
        return redirect("quotes:edit", quote.number)
    try:
        quote = services.send_quote(actor=request.user, quote=quote)
    except DomainError as exc:
        messages.error(request, _("Saved, but not sent: %(error)s") % {"error": exc.message})
    else:
        messages.success(request, _("Quote %(number)s sent to %(dealer)s as revision %(revision)s.")
                         % {"number": quote.number, "dealer": quote.dealer, "revision": quote.revision})
    return redirect("quotes:edit", quote.number)
