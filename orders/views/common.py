"""What the HTML views of orders share: the page decorator, htmx detection, safe redirects."""
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from dealers.permissions import CART
from dealers.views import dealer_page

# A page of the cart, quick order and saved lists: a dealer to act for, approved, a role with CART.
cart_page = dealer_page(ability=CART)


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def redirect_back(request, default: str, *args):
    """To `next` (a path on this site) when given, else to the named page."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return redirect(target)
    return redirect(reverse(default, args=args))


def problem_messages(request, problems):
    """One warning per line that could not be added (at most 20, then how many more)."""
    for problem in problems[:20]:
        messages.warning(request, _("Line %(line)s (%(sku)s): %(error)s") % {
            "line": problem.line, "sku": problem.sku, "error": problem.message})
    if len(problems) > 20:
        messages.warning(request, _("… and %(count)s more lines.") % {"count": len(problems) - 20})
