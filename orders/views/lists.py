"""Saved lists (requisition lists) of a dealer: list, create, rename, delete, lines in and out, into the cart; and
the "add to a list" picker of product pages."""
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from catalog import skus as sku_lines
from catalog.errors import UnknownSku
from portal.errors import DomainError, add_to_form
from pricing.engine import format_quantity

from .. import selectors, services
from ..errors import InvalidListName
from ..forms import ListNameForm, QuickOrderForm
from ..services.lines import PRODUCT_FIELDS
from .common import cart_page, is_htmx, problem_messages


@cart_page
def lists(request):
    form = ListNameForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            saved_list = services.create_saved_list(actor=request.actor, name=form.cleaned_data["name"])
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("List “%(name)s” created.") % {"name": saved_list.name})
            return redirect("orders:list_detail", saved_list.pk)
    return render(request, "orders/lists.html", {"lists": selectors.list_saved_lists(actor=request.actor),
                                                  "form": form}, status=400 if form.errors else 200)


def _detail(request, saved_list, *, rename_form=None, add_form=None, result=None, status=200):
    view = selectors.get_saved_list_view(actor=request.actor, saved_list=saved_list)
    items = [{"row": row, "pk": row.line.pk, "value": format_quantity(row.line.quantity)} for row in view.rows]
    return render(request, "orders/list_detail.html", {
        "saved_list": saved_list, "view": view, "items": items, "totals": view.totals,
        "rename_form": rename_form or ListNameForm(prefix="rename", initial={"name": saved_list.name}),
        "add_form": add_form or QuickOrderForm(prefix="add"), "result": result,
    }, status=status)


@cart_page
def list_detail(request, pk):
    return _detail(request, selectors.get_saved_list(actor=request.actor, pk=pk))


@require_POST
@cart_page
def list_rename(request, pk):
    saved_list = selectors.get_saved_list(actor=request.actor, pk=pk)
    form = ListNameForm(request.POST, prefix="rename")
    if form.is_valid():
        try:
            services.rename_saved_list(actor=request.actor, saved_list=saved_list, name=form.cleaned_data["name"])
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("List renamed."))
            return redirect("orders:list_detail", saved_list.pk)
    return _detail(request, saved_list, rename_form=form, status=400)


@require_POST
@cart_page
def list_delete(request, pk):
    saved_list = selectors.get_saved_list(actor=request.actor, pk=pk)
    services.delete_saved_list(actor=request.actor, saved_list=saved_list)
    messages.success(request, _("List “%(name)s” deleted.") % {"name": saved_list.name})
    return redirect("orders:lists")


@require_POST
@cart_page
def list_add_lines(request, pk):
    """Paste lines or upload a file into the list (the quick order parser)."""
    saved_list = selectors.get_saved_list(actor=request.actor, pk=pk)
    form = QuickOrderForm(request.POST, request.FILES, prefix="add")
    if form.is_valid():
        try:
            result = services.add_quick_order_to_list(actor=request.actor, saved_list=saved_list,
                                                text=form.cleaned_data["lines"], upload=form.cleaned_data["file"])
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            if not result.problems:
                messages.success(request, ngettext("%(count)s line added to the list.",
                                                   "%(count)s lines added to the list.", len(result.added))
                                 % {"count": len(result.added)})
                return redirect("orders:list_detail", saved_list.pk)
            return _detail(request, saved_list, result=result,
                           add_form=QuickOrderForm(prefix="add", initial={"lines": result.problem_text}))
    return _detail(request, saved_list, add_form=form, status=400)


@require_POST
@cart_page
def list_line(request, pk, line_pk):
    saved_list = selectors.get_saved_list(actor=request.actor, pk=pk)
    line = selectors.get_saved_list_line(actor=request.actor, saved_list=saved_list, pk=line_pk)
    try:
        services.set_list_line_quantity(actor=request.actor, line=line, quantity=request.POST.get("quantity", ""))
    except DomainError as exc:
        messages.error(request, f"{line.product.sku}: {exc.message}")
    else:
        messages.success(request, _("Quantity of %(sku)s changed.") % {"sku": line.product.sku})
    return redirect("orders:list_detail", saved_list.pk)


@require_POST
@cart_page
def list_line_remove(request, pk, line_pk):
    saved_list = selectors.get_saved_list(actor=request.actor, pk=pk)
    line = selectors.get_saved_list_line(actor=request.actor, saved_list=saved_list, pk=line_pk)
    services.remove_list_line(actor=request.actor, line=line)
    messages.success(request, _("%(sku)s removed from the list.") % {"sku": line.product.sku})
    return redirect("orders:list_detail", saved_list.pk)


@require_POST
@cart_page
def list_to_cart(request, pk):
    """The chosen lines (checkboxes `line`), or all of them (button `all`), into the cart."""
    saved_list = selectors.get_saved_list(actor=request.actor, pk=pk)
    chosen = None if "all" in request.POST else [v for v in request.POST.getlist("line") if v.isdecimal()]
    try:
        added, problems = services.add_list_to_cart(actor=request.actor, saved_list=saved_list, line_ids=chosen)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("orders:list_detail", saved_list.pk)
    if added:
        messages.success(request, ngettext("%(count)s line added to your cart.", "%(count)s lines added to your cart.",
                                           len(added)) % {"count": len(added)})
    problem_messages(request, problems)
    return redirect("orders:cart" if added else "orders:list_detail", *([] if added else [saved_list.pk]))


def _product(sku):
    sku = (sku or "").strip()
    return sku_lines.find_products([sku], fields=PRODUCT_FIELDS).get(sku.upper()) if sku else None


@cart_page
def list_picker(request):
    """htmx: the "add to a saved list" form of a product page (read only when asked, so product pages stay light)."""
    product = _product(request.GET.get("sku"))
    return render(request, "orders/_list_picker.html", {
        "product": product, "lists": selectors.list_saved_lists(actor=request.actor),
        "quantity": request.GET.get("quantity") or (format_quantity(product.min_order_quantity) if product else "")})


@require_POST
@cart_page
def list_add_product(request):
    """Add one product to a chosen list, or to a new list named here."""
    actor = request.actor
    product = _product(request.POST.get("sku"))
    error = saved_list = None
    try:
        if product is None:
            raise UnknownSku(_("Unknown SKU: %(skus)s") % {"skus": request.POST.get("sku") or "—"})
        quantity = request.POST.get("quantity", "")
        services.check_quantity(product, quantity)  # before a new list is made for it
        new_name = request.POST.get("new_name", "").strip()
        list_id = request.POST.get("list", "")
        if new_name:
            saved_list = services.create_saved_list(actor=actor, name=new_name)
        elif list_id.isdecimal():
            saved_list = selectors.get_saved_list(actor=actor, pk=int(list_id))
        else:
            raise InvalidListName(_("Choose a list or name a new one."), field="list")
        added, problems = services.add_lines_to_list(actor=actor, saved_list=saved_list, lines=[(product, quantity)])
        if problems:
            raise problems[0].error
    except DomainError as exc:
        error = str(exc.message)
    if is_htmx(request):
        return render(request, "orders/_list_result.html", {"error": error, "saved_list": saved_list,
                                                             "product": product})
    if error:
        messages.error(request, error)
        return redirect(product.get_absolute_url() if product else "orders:lists")
    messages.success(request, _("%(sku)s added to the list “%(name)s”.") % {"sku": product.sku,
                                                                         "name": saved_list.name})
    return redirect("orders:list_detail", saved_list.pk)
