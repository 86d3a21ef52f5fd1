"""The rating page of a resolved ticket (`support:rate`, /support/<number>/rate/) and the link mailed on resolution
(`support:rate_link`, /support/rate/<token>/: signed, 30 days; a signed-out click logs in first and comes back).
Another dealer's ticket, or one the user may not see, is a 404."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.html import format_html
from django.utils.translation import gettext as _

from portal.errors import DomainError, add_to_form

from ..forms import RatingForm
from ..models import Satisfaction, Ticket
from ..permissions import may_rate_ticket
from ..services import rate_ticket, rateable_refusal, ticket_of_rate_token


def ticket_to_rate(actor, number) -> Ticket:
    """The ticket `number` when `actor` may rate it (a user of its dealer who may see it); a 404 otherwise."""
    dealer = getattr(actor, "dealer", None)
    ticket = (Ticket.objects.select_related("dealer").filter(number=number, dealer=dealer).first()
              if dealer is not None else None)
    if ticket is None or not may_rate_ticket(actor, ticket):
        raise Http404
    return ticket


def ticket_page_url(ticket) -> str:
    """The dealer's page of the ticket when it exists (support:ticket), else the tickets list."""
    from django.urls import NoReverseMatch, reverse

    for name, args in (("support:ticket", [ticket.number]), ("support:tickets", []), ("support:index", [])):
        try:
            return reverse(name, args=args)
        except NoReverseMatch:
            continue
    return "/"


@login_required
def rate(request, number):
    actor = request.actor
    ticket = ticket_to_rate(actor, number)
    rating = Satisfaction.objects.filter(ticket=ticket).first()
    refusal = None if rating else rateable_refusal(ticket)
    form = RatingForm(request.POST or None)
    if request.method == "POST" and rating is None and form.is_valid():
        try:
            rate_ticket(actor=actor, ticket=ticket, rating=form.cleaned_data["rating"],
                        comment=form.cleaned_data["comment"])
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("Thank you for rating ticket %(number)s.") % {"number": ticket.number})
            return redirect("support:rate", number=ticket.number)
    return render(request, "support/rate.html", {
        "ticket": ticket, "form": form, "rating": rating, "refusal": refusal,
        # the number in the heading never breaks at its hyphens (a phone's width)
        "number_html": format_html('<span class="nowrap">{}</span>', ticket.number),
        "ticket_url": ticket_page_url(ticket)}, status=200 if form.is_valid() or not form.is_bound else 400)


@login_required
def rate_link(request, token):
    """The link of the satisfaction mail: its ticket's rating page for a user who may rate it (a 404 otherwise, and
    for a forged or expired token)."""
    ticket = ticket_of_rate_token(token)
    if ticket is None:
        raise Http404
    ticket_to_rate(request.actor, ticket.number)
    return redirect("support:rate", number=ticket.number)
