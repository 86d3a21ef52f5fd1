"""Phone calls on the desk (issue 16): "Log a call" on a ticket's page (`support:desk_call`) and "New ticket from a
call" (`support:desk_new_call`): find the dealer by its code or name, choose the caller among its users (their phone
shown), then the ticket and the call. Support agents only (desk_only: anyone else a 404). The rules are
support.services.calls'."""
from django.contrib import messages
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from dealers.models import Dealer
from portal.errors import DomainError, add_to_form

from ..forms import CallForm, NewCallTicketForm
from ..services import calls
from .desk import desk_only, desk_ticket_of, desk_ticket_page

MAX_FOUND = 20


@require_POST
@desk_only
def desk_call(request, number):
    ticket = desk_ticket_of(number)
    form = CallForm(request.POST, prefix="call")
    if not form.is_valid():
        return desk_ticket_page(request, ticket, status=400, call_form=form)
    try:
        calls.log_call(actor=request.user, ticket=ticket, **form.call_fields())
    except DomainError as exc:
        add_to_form(form, exc, fields={"duration_seconds": "minutes"})
        return desk_ticket_page(request, ticket, status=exc.http_status, call_form=form)
    messages.success(request, _("Phone call logged."))
    return redirect("support:desk_ticket", ticket.number)


def _dealers_found(query: str) -> list:
    query = (query or "").strip()[:100].replace("\x00", "")
    if not query:
        return []
    return list(Dealer.objects.filter(Q(code__iexact=query) | Q(legal_name__icontains=query)
                                      | Q(trade_name__icontains=query)).order_by("legal_name", "pk")[:MAX_FOUND])


def _dealer(value):
    value = str(value or "")
    if not value.isdecimal() or len(value) > 18:
        return None
    return Dealer.objects.filter(pk=int(value)).first()


def _callers(dealer) -> list:
    return list(dealer.users.filter(is_active=True).order_by("first_name", "last_name", "email")) if dealer else []


@require_http_methods(["GET", "POST"])
@desk_only
def desk_new_call(request):
    """GET ?q=: dealers matching a code or name; GET ?dealer=<id>: the form for that dealer; POST: the ticket."""
    source = request.POST if request.method == "POST" else request.GET
    dealer = _dealer(source.get("dealer"))
    if request.method == "POST" and dealer is None:
        raise Http404
    query = request.GET.get("q", "")
    callers = _callers(dealer)
    status = 200
    if request.method == "POST":
        form = NewCallTicketForm(request.POST, callers=callers)
        if form.is_valid():
            data = form.cleaned_data
            caller = next((user for user in callers if str(user.pk) == data["caller"]), None)
            try:
                ticket = calls.open_ticket_from_call(
                    actor=request.user, dealer=dealer, caller=caller, subject=data["subject"],
                    category=data["category"], priority=data["priority"],
                    assignee=request.user if data["assign_to_me"] else None, **form.call_fields())
            except DomainError as exc:
                add_to_form(form, exc, fields={"duration_seconds": "minutes"})
                status = exc.http_status
            else:
                messages.success(request, _("Ticket %(number)s opened from the call.") % {"number": ticket.number})
                return redirect("support:desk_ticket", ticket.number)
        else:
            status = 400
    else:
        form = NewCallTicketForm(initial={"dealer": dealer.pk} if dealer else None, callers=callers)
    return render(request, "support/desk_new_call.html", {
        "form": form, "dealer": dealer, "callers": callers, "query": query,
        "found": _dealers_found(query) if dealer is None else []}, status=status)
