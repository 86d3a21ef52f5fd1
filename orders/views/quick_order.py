"""Quick order: paste `SKU quantity` lines or upload a CSV/XLSX; good lines go into the cart, bad ones are shown by
line number and given back in the text box to correct."""
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import ngettext

from portal.errors import DomainError, add_to_form

from .. import services
from ..forms import QuickOrderForm
from .common import cart_page


def added_message(result) -> str:
    count = len(result.added)
    return ngettext("%(count)s line added to your cart.", "%(count)s lines added to your cart.", count) % {
        "count": count}


@cart_page
def quick_order(request):
    form = QuickOrderForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            result = services.add_quick_order(actor=request.actor, text=form.cleaned_data["lines"],
                                          upload=form.cleaned_data["file"])
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            if not result.problems:
                messages.success(request, added_message(result))
                return redirect("orders:cart")
            # The good lines are in the cart; the box keeps only the lines to correct.
            form = QuickOrderForm(initial={"lines": result.problem_text})
    return render(request, "orders/quick_order.html", {
        "form": form, "result": result, "added_message": added_message(result) if result else ""})
