"""Card payment pages: "Pay by card" from an order (to the provider's hosted page), the return from it, and the
offline test provider's stand-in page (only while that provider is configured). No card number is ever asked here."""
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from dealers.permissions import BROWSE
from dealers.views import dealer_page
from portal.errors import DomainError

from .cards import ProviderError, get_provider
from .cards.offline import OfflineTestProvider
from .models import CardPayment, CardPaymentStatus
from .services import cards

card_page = dealer_page(ability=BROWSE)


@require_POST
@card_page
def card_pay(request, number):
    from orders.selectors import get_order

    order = get_order(actor=request.actor, number=number)
    try:
        _card, url = cards.start_card_payment(actor=request.actor, order=order,
                                              return_url=request.build_absolute_uri(reverse("payments:card_return")))
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect(order.get_absolute_url())
    return redirect(url)


@card_page
def card_return(request):
    """Back from the hosted page: the provider, not this request, says whether the card was authorised."""
    reference = request.GET.get("reference", "")
    card = CardPayment.objects.filter(reference=reference, dealer=request.actor.dealer).select_related("order").first()
    if card is None:
        raise Http404
    try:
        card = cards.complete_card_authorisation(reference=reference)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect(card.order.get_absolute_url())
    if card.status == CardPaymentStatus.AUTHORISED:
        messages.success(request, _("Thank you: your card payment for order %(number)s is authorised. It is charged "
                                    "when the order is invoiced.") % {"number": card.order.number})
    elif card.status == CardPaymentStatus.STARTED:
        messages.info(request, _("Your card payment is not finished yet; try again or pay later from the order "
                                 "page."))
    elif card.status == CardPaymentStatus.DECLINED:
        messages.error(request, _("Your card payment was declined; nothing was charged. You can try again."))
    return redirect(card.order.get_absolute_url())


@csrf_exempt
@require_POST
def card_notify(request):
    """The provider's server-to-server notification that a hosted page was finished. It carries nothing we trust
    but the reference: the provider is asked what happened, exactly as when the dealer comes back."""
    reference = request.POST.get("reference", "")
    if not CardPayment.objects.filter(reference=reference).exists():
        return HttpResponse(status=404)
    try:
        card = cards.complete_card_authorisation(reference=reference)
    except DomainError:
        return HttpResponse(status=503)  # the provider did not answer: it notifies again
    return HttpResponse(card.status, content_type="text/plain")


def offline_card_page(request, reference):
    """The offline test provider's "hosted page": Approve or Decline, no card fields, no money. Only for the signed-in
    user who started the payment (the order's dealer user, or the agent acting for it): anyone else holding the link
    gets 404 and decides nothing."""
    provider = get_provider()
    if not isinstance(provider, OfflineTestProvider):
        raise Http404
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not CardPayment.objects.filter(reference=reference, started_by=request.user).exists():
        raise Http404
    state = provider.state(reference)
    if state is None:
        raise Http404
    if request.method == "POST" and state["status"] == "pending":
        try:
            return redirect(provider.decide(reference, approve=request.POST.get("decision") == "approve"))
        except ProviderError:
            raise Http404 from None
    return render(request, "payments/offline_card_page.html", {"state": state, "reference": reference})
