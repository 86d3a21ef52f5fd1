"""Checkout (the cart → review → place, with a token that makes a double submit one order), the dealer's order
list and order page, and what can be done from it: approve or reject, change, cancel, order again, return."""
import dataclasses
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dealers import permissions
from dealers.views import dealer_page
from portal import documents, idempotency, uploads
from portal.errors import DomainError, add_to_form
from portal.paging import paginate

from .. import permissions as order_permissions
from .. import selectors, services
from ..forms import NEW_ADDRESS, CheckoutForm, DecisionForm, OrderFilterForm, ReturnForm
from ..models import OrderStatus, PaymentMethod
from ..permissions import RETURN_PHOTO
from ..services import changes, ordering, quote_orders, returns
from ..services.payment_options import parse_choice
from .common import problem_messages

order_page = dealer_page(ability=permissions.BROWSE)
checkout_page = dealer_page(ability=permissions.ORDER)


# --- checkout ------------------------------------------------------------------------------------------

def _summary(request, payment=None):
    """The cart priced for a payment choice ("card:3"); an unknown choice prices without an adjustment."""
    try:
        method, installments = parse_choice(payment) if payment else (None, 1)
    except DomainError:
        method, installments = None, 1
    if method not in PaymentMethod.values or installments < 1:
        method, installments = None, 1
    return selectors.get_cart_view(actor=request.actor, payment_method=method, installments=installments)


def _shipping_address(actor, data):
    """The delivery address chosen in the (maybe unvalidated) form, for pricing shipping; a blank one when none is
    known yet (then only the methods priced everywhere have a charge)."""
    from dealers.models import Address

    checkout = ordering.Checkout(shipping_address=(data or {}).get("shipping_address") or None)
    if data and data.get("shipping_address") == NEW_ADDRESS:
        checkout.shipping_address = None
        checkout.new_shipping_address = {key: data.get(f"new_{key}", "") for key in ordering.NEW_ADDRESS_FIELDS}
    try:
        return ordering.shipping_address_of(actor, checkout)
    except DomainError:
        return Address(dealer=actor.dealer, kind=Address.Kind.SHIPPING, city="", postal_code="")


def _insured(data) -> bool:
    """Whether the (maybe unvalidated) form asks for cargo insurance: a ticked box, or "True" carried by the review."""
    from django.forms import CheckboxInput

    return bool(data) and bool(CheckboxInput().value_from_datadict(data, None, "insured"))


def _cart_ship_lines(view) -> list:
    return [(row.line.product, row.line.quantity, row.price.line_net) for row in view.rows
            if row.price.line_net is not None]


def _shipping_options(actor, data, view) -> list:
    """Every shipping method for the cart's priced goods and the chosen address, priced (insured where asked and
    offered) or with why not; each offering insurance says its premium and cover."""
    return ordering.shipping_options(actor, address=_shipping_address(actor, data), lines=_cart_ship_lines(view),
                                     insured=_insured(data))


def with_shipping(totals, option):
    """The cart's totals with the shipping charge added (the goods' totals when no method is chosen)."""
    if option is None:
        return totals
    return dataclasses.replace(totals, net=totals.net + option.charge_net, vat=totals.vat + option.charge_vat,
                               gross=totals.gross + option.charge_gross)


@checkout_page
def checkout(request):
    """GET: the questions. POST (step=review): the review page with the prices for the chosen payment method.
    POST (step=place): place the order; the token from the first page makes a repeated submit the same order."""
    actor = request.actor
    data = request.POST if request.method == "POST" else None
    view = _summary(request, data.get("payment_method") if data else None)
    options = _shipping_options(actor, data, view)
    form = CheckoutForm(data, dealer=actor.dealer, initial={"token": uuid.uuid4().hex}, shipping_options=options)
    step = "form" if not data or "back" in request.POST else request.POST.get("step", "review")
    if data and step != "form" and form.is_valid():
        if step == "place":
            # The form's token is an Idempotency-Key (portal/idempotency.py): a repeated submit (a double click, a
            # reload) gets the first one's order; the same token with other details places nothing.
            token = form.cleaned_data["token"]
            claimed = idempotency.claim_for_page(request, key=token, dealer=actor.dealer)
            if claimed.replayed and (claimed.body or {}).get("location"):
                return redirect(claimed.body["location"])
            if claimed.row is None and claimed.status == 422:
                form.data = form.data.copy()
                form.data["token"] = uuid.uuid4().hex  # placing again with these details is a new order
                form.add_error(None, _("This checkout form was already used to place an order. Check the details "
                                       "and place the order again to make a new one."))
            elif claimed.row is None:
                form.add_error(None, _("This order is still being placed. Wait a moment and open your orders."))
            else:
                try:
                    order = ordering.checkout_cart(actor=actor, checkout=form.checkout(), idempotency_key=token)
                except DomainError as exc:
                    idempotency.release(claimed.row)  # the page shows what to fix; the same form may try again
                    add_to_form(form, exc)
                except BaseException:
                    idempotency.release(claimed.row)
                    raise
                else:
                    idempotency.complete(claimed.row, status=302, body={"location": order.get_absolute_url()})
                    messages.success(request, _("Thank you: order %(number)s is placed.") % {"number": order.number})
                    return redirect(order.get_absolute_url())
        else:
            view = _summary(request, form.cleaned_data["payment_method"])
            if view.is_empty:
                return redirect("orders:cart")
            checkout = form.checkout()
            chosen = next((o for o in options if o.code == checkout.shipping_method), None)
            try:
                shipping = ordering.describe_shipping(actor, checkout)
                billing = ordering.describe_billing(actor, checkout)
                if chosen is None or chosen.unavailable:
                    # Refused here, with the reason, not only when the order is placed.
                    from ..errors import InvalidCheckout

                    raise InvalidCheckout(chosen.unavailable if chosen else _("Choose a shipping method."),
                                          field="shipping_method")
                if checkout.insured and not chosen.insured:
                    # Insurance asked of a method that offers none: the shipping stage's refusal, on the checkbox.
                    chosen = ordering.shipping_charge(
                        actor, address=ordering.shipping_address_of(actor, checkout), lines=_cart_ship_lines(view),
                        method_code=checkout.shipping_method, insured=True)
            except DomainError as exc:
                add_to_form(form, exc)
                return _checkout_form(request, form, view, options)
            # What the dealer sees is what placing charges (or placing refuses, saying what it costs now).
            form.data = form.data.copy()
            form.data["shipping_charge_seen"] = str(chosen.charge_gross)
            return render(request, "orders/checkout_review.html", {
                "form": form, "view": view, "totals": with_shipping(view.totals, chosen), "checkout": checkout,
                "shipping_label": shipping, "billing_label": billing, "shipping": chosen,
                "shipping_options": options,
                "any_insurance": any(o.insurance_premium is not None for o in options),
                "shipping_method_label": chosen.label,
                "payment_label": dict(form.fields["payment_method"].choices).get(form.cleaned_data["payment_method"]),
            })
    if view.is_empty and not data:
        messages.info(request, _("Your cart is empty."))
        return redirect("orders:cart")
    return _checkout_form(request, form, view, options)


def _checkout_form(request, form, view, options):
    """The checkout questions beside the order's summary, with the charge of the shipping method now chosen."""
    chosen = next((o for o in options if o.code == form["shipping_method"].value() and not o.unavailable), None)
    return render(request, "orders/checkout.html", {"form": form, "view": view, "shipping": chosen,
                                                    "totals": with_shipping(view.totals, chosen)})


# --- the dealer's orders ---------------------------------------------------------------------------------

@order_page
def order_list(request):
    form = OrderFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    orders = selectors.list_orders(actor=request.actor, filters=filters)
    paging = paginate(request, orders)
    return render(request, "orders/order_list.html", {
        "form": form, **paging, "orders": paging["page"].object_list,
        "can_approve": order_permissions.can_approve_orders(request.actor),
    })


def _detail_context(request, order, **extra):
    actor = request.actor
    lines = list(order.lines.all())
    for line in lines:
        line.returnable = returns.returnable_quantity(line) if order.status == OrderStatus.DELIVERED else 0
    rmas = list(selectors.list_returns(actor=actor, order=order))
    for rma in rmas:
        rma.photo_urls = [selectors.return_photo_url(photo=photo) for photo in rma.photos.all()]
    return {
        "order": order, "lines": lines, "history": selectors.dealer_history(order=order),
        "returns": rmas,
        "can_change": order_permissions.can_change(actor, order),
        "can_decide": order_permissions.can_decide(actor, order),
        "can_reorder": order_permissions.can_use_cart(actor),
        "can_return": order_permissions.can_return(actor, order),
        "decision_form": DecisionForm(), **extra,
    }


@order_page
def order_detail(request, number):
    order = selectors.get_order(actor=request.actor, number=number)
    return render(request, "orders/order_detail.html", _detail_context(request, order))


def _act(request, number, act, success):
    order = selectors.get_order(actor=request.actor, number=number)
    try:
        act(order)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, success % {"number": order.number})
    return redirect("orders:order", number=order.number)


@require_POST
@order_page
def order_approve(request, number):
    note = request.POST.get("note", "")
    return _act(request, number, lambda order: ordering.approve_order(actor=request.actor, order=order, note=note),
                _("Order %(number)s is approved."))


@require_POST
@order_page
def order_reject(request, number):
    note = request.POST.get("note", "")
    return _act(request, number, lambda order: ordering.reject_order(actor=request.actor, order=order, note=note),
                _("Order %(number)s is rejected."))


@require_POST
@order_page
def order_cancel(request, number):
    note = request.POST.get("note", "")
    return _act(request, number, lambda order: changes.cancel_order(actor=request.actor, order=order, note=note),
                _("Order %(number)s is cancelled."))


@require_POST
@order_page
def order_change(request, number):
    quantities = {key.removeprefix("line-"): value.strip() for key, value in request.POST.items()
                  if key.startswith("line-") and value.strip() != ""}

    def change(order):
        changes.change_order_quantities(actor=request.actor, order=order, quantities=quantities)

    return _act(request, number, change, _("Order %(number)s is changed."))


@require_POST
@order_page
def order_again(request, number):
    order = selectors.get_order(actor=request.actor, number=number)
    try:
        added, problems = services.add_lines_to_cart(
            actor=request.actor, lines=[(line.product_id, line.quantity) for line in order.lines.all()])
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("orders:order", number=order.number)
    if added:
        messages.success(request, _("%(count)s lines of %(number)s are in your cart.") % {
            "count": len(added), "number": order.number})
    problem_messages(request, problems)
    return redirect("orders:cart")


@order_page
def order_return(request, number, line_pk):
    order = selectors.get_order(actor=request.actor, number=number)
    line = selectors.get_order_line(actor=request.actor, order=order, pk=line_pk)
    form = ReturnForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            rma = returns.request_return(actor=request.actor, line=line, quantity=form.cleaned_data["quantity"],
                                         reason=form.cleaned_data["reason"], photos=request.FILES.getlist("photos"))
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("Return %(number)s is requested; we will answer soon.") % {
                "number": rma.number})
            return redirect("orders:order", number=order.number)
    if order.status != OrderStatus.DELIVERED:
        raise Http404
    return render(request, "orders/return_form.html", {
        "order": order, "line": line, "form": form, "available": returns.returnable_quantity(line)})


@login_required
def return_photo(request, token):
    """A return's photo by its signed id, for whom can_read_return lets through (the order's dealer users, assigned
    agents, staff who view returns; 404 for anyone else), as the image type it was detected to be."""
    photo = selectors.get_return_photo(token=token)
    documents.check_download(request.user, RETURN_PHOTO, photo, dealer_id=photo.return_request.order.dealer_id)
    return uploads.file_response(photo.image, filename=f"{photo.return_request.number}-{photo.pk}")


@dealer_page(ability=permissions.CART)
def cart_quote(request):
    """Ask for a quote for the cart: a note and a requested delivery date, then pricing's quote request."""
    from ..forms import QuoteRequestForm

    form = QuoteRequestForm(request.POST or None)
    view = _summary(request)
    if request.method == "POST" and form.is_valid():
        try:
            quote = quote_orders.request_quote_from_cart(actor=request.actor, note=form.cleaned_data["note"],
                                                     requested_delivery_date=form.cleaned_data["requested_delivery_date"])
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("Quote request %(number)s sent. We will prepare your quote and let you know "
                                        "by e-mail.") % {"number": quote.number})
            return redirect("quotes:detail", number=quote.number)
    if view.is_empty and request.method != "POST":
        return redirect("orders:cart")
    return render(request, "orders/cart_quote.html", {"form": form, "view": view, "totals": view.totals})
