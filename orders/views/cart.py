"""The cart page (htmx: quantity changes and removals re-render the cart without a full reload) and the add-to-cart
endpoint of product pages and cards."""
from urllib.parse import urlsplit, urlunsplit

from django.contrib import messages
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from catalog import skus as sku_lines
from catalog.units import quantity_with_unit
from portal.errors import DomainError, add_to_form
from pricing.engine import format_quantity

from .. import permissions as order_permissions
from .. import selectors, services
from ..forms import ListNameForm
from ..services.lines import PRODUCT_FIELDS, check_quantity
from .common import cart_page, is_htmx, redirect_back
from .ordering import with_shipping


def _items(view, errors=None, typed=None):
    """Rows with what the template shows beside them: a quantity error just made, the quantity as typed."""
    errors, typed = errors or {}, typed or {}
    return [{"row": row, "pk": row.line.pk, "error": errors.get(row.line.pk),
             "value": typed.get(row.line.pk, format_quantity(row.line.quantity)),
             "vat_rate": format_quantity(row.price.vat_rate)} for row in view.rows]


def _shipping_estimate(actor, view):
    """The first shipping method that can carry the cart to the default delivery address, priced (the method is
    chosen at checkout); None for an empty cart or a dealer without a delivery address."""
    lines = [(row.line.product, row.line.quantity, row.price.line_net) for row in view.rows
             if row.price.line_net is not None]
    if not lines:
        return None
    try:
        address = services.shipping_address_of(actor, services.Checkout())
    except DomainError:
        return None
    return next((o for o in services.shipping_options(actor, address=address, lines=lines) if not o.unavailable),
                None)


def _context(request, *, errors=None, typed=None, save_form=None):
    view = selectors.get_cart_view(actor=request.actor)
    request._cart_line_count = view.count  # the header's count, without asking again
    shipping = _shipping_estimate(request.actor, view)
    return {"view": view, "items": _items(view, errors, typed), "totals": with_shipping(view.totals, shipping),
            "shipping": shipping, "shipping_estimated": True,
            "can_order": order_permissions.can_place_orders(request.actor),
            "save_form": save_form or ListNameForm(prefix="save"), "cart_count": view.count}


def _body(request, **kwargs):
    """The cart's body fragment for htmx, with the header's cart link swapped out of band."""
    return render(request, "orders/_cart_body.html", {**_context(request, **kwargs), "oob": True})


@cart_page
def cart(request):
    return render(request, "orders/cart.html", _context(request))


@require_POST
@cart_page
def cart_line(request, pk):
    """Change a line's quantity."""
    line = selectors.get_cart_line(actor=request.actor, pk=pk)
    quantity = request.POST.get("quantity", "")
    try:
        services.set_cart_line_quantity(actor=request.actor, line=line, quantity=quantity)
    except DomainError as exc:
        if is_htmx(request):
            return _body(request, errors={line.pk: str(exc.message)}, typed={line.pk: quantity})
        messages.error(request, f"{line.product.sku}: {exc.message}")
        return redirect("orders:cart")
    if is_htmx(request):
        return _body(request)
    messages.success(request, _("Quantity of %(sku)s changed.") % {"sku": line.product.sku})
    return redirect("orders:cart")


@require_POST
@cart_page
def cart_line_remove(request, pk):
    line = selectors.get_cart_line(actor=request.actor, pk=pk)
    services.remove_cart_line(actor=request.actor, line=line)
    if is_htmx(request):
        return _body(request)
    messages.success(request, _("%(sku)s removed from the cart.") % {"sku": line.product.sku})
    return redirect("orders:cart")


@require_POST
@cart_page
def cart_clear(request):
    services.clear_cart(actor=request.actor)
    if is_htmx(request):
        return _body(request)
    messages.success(request, _("The cart is empty now."))
    return redirect("orders:cart")


@require_POST
@cart_page
def cart_save_as_list(request):
    form = ListNameForm(request.POST, prefix="save")
    if form.is_valid():
        try:
            saved_list = services.save_cart_as_list(actor=request.actor, name=form.cleaned_data["name"])
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("The cart was saved as the list “%(name)s”.") % {"name": saved_list.name})
            return redirect("orders:list_detail", saved_list.pk)
    return render(request, "orders/cart.html", _context(request, save_form=form), status=400)


@require_POST
@cart_page
def cart_add(request):
    """Add one product by SKU (product pages, catalog cards). htmx gets a short result and the new line count."""
    sku = request.POST.get("sku", "").strip()
    product = sku_lines.find_products([sku], fields=PRODUCT_FIELDS).get(sku.upper()) if sku else None
    error = line = None
    added = ""
    if product is None:
        error = _("Unknown SKU: %(skus)s") % {"skus": sku or "—"}
    else:
        quantity = request.POST.get("quantity", "")
        try:
            line = services.add_to_cart(actor=request.actor, product=product, quantity=quantity)
        except DomainError as exc:
            error = str(exc.message)
        else:
            added = format_quantity(check_quantity(product, quantity))
    count = selectors.count_cart_lines(actor=request.actor) if line is not None else None
    if is_htmx(request):
        return render(request, "orders/_add_result.html", {
            "error": error, "line": line, "product": product, "added": added, "cart_count": count,
            "oob": line is not None})
    if error:
        messages.error(request, error)
    else:
        messages.success(request, ngettext(
            "%(quantity)s of %(sku)s added; your cart has %(count)s line.",
            "%(quantity)s of %(sku)s added; your cart has %(count)s lines.", count) % {
            "quantity": quantity_with_unit(added, product.unit), "sku": product.sku, "count": count})
    return redirect_back(request, "orders:cart")


# A dense catalog page holds at most 100 rows: a post with more quantity fields is not one of our pages.
MAX_BULK_LINES = 100


def _bulk_lines(post) -> list[tuple[str, str]]:
    """The dense catalog's quantities: fields `q-<product id>` → [(id as sent, quantity as typed)], blanks skipped;
    with `only=<id>` (a row's own button) just that row, a blank quantity meaning the product's minimum."""
    only = post.get("only", "").strip()
    if only:
        return [(only, post.get(f"q-{only}", ""))]
    return [(key[2:], value) for key, value in post.items() if key.startswith("q-") and value.strip()]


def _shown(text: str) -> str:
    """An id as sent, safe to show back in a message (control characters dropped, kept short)."""
    return "".join(ch for ch in text if ch.isprintable())[:20] or "—"


@require_POST
@cart_page
def cart_add_many(request):
    """Add every filled quantity of a dense catalog page at once: the good lines go into the cart (one transaction,
    the cart service's checks), each refused one is reported by SKU with its reason. Back to the page it came from."""
    lines = _bulk_lines(request.POST)
    if not lines:
        messages.warning(request, _("Type a quantity beside the products you want, then add them."))
        return redirect_back(request, "orders:cart")
    if len(lines) > MAX_BULK_LINES:
        messages.error(request, _("At most %(count)s lines can be added at once.") % {"count": MAX_BULK_LINES})
        return redirect_back(request, "orders:cart")
    refused, good = [], []
    for product_id, quantity in lines:
        if product_id.isascii() and product_id.isdigit() and len(product_id) <= 18:
            good.append((int(product_id), quantity))
        else:
            refused.append((_shown(product_id), _("No such product.")))
    added = []
    if good:
        try:
            added, problems = services.add_lines_to_cart(actor=request.actor, lines=good)
        except DomainError as exc:
            messages.error(request, str(exc.message))
            return redirect_back(request, "orders:cart")
        refused += [(_shown(problem.sku), problem.message) for problem in problems]
        # The refused rows come back filled as typed (and marked), ready to correct.
        retry = {f"q-{good[problem.line - 1][0]}": _shown(good[problem.line - 1][1]) for problem in problems}
    else:
        retry = {}
    if added:
        count = len(added)
        messages.success(request, ngettext("%(count)s line added to your cart.", "%(count)s lines added to your cart.",
                                           count) % {"count": count})
    for sku, error in refused[:20]:
        messages.error(request, _("%(sku)s not added: %(error)s") % {"sku": sku, "error": error})
    if len(refused) > 20:
        messages.error(request, _("… and %(count)s more lines.") % {"count": len(refused) - 20})
    return _back_with(redirect_back(request, "orders:cart"), retry)


def _back_with(response, retry: dict):
    """The page the form came from, its quantities of an earlier refusal replaced by this one's (`q-<id>`)."""
    back = urlsplit(response["Location"])
    if back.path == reverse("orders:cart") or ("q-" not in back.query and not retry):
        return response
    query = QueryDict(back.query, mutable=True)
    for key in [key for key in query if key.startswith("q-")]:
        del query[key]
    query.update(retry)
    response["Location"] = urlunsplit(back._replace(query=query.urlencode()))
    return response
