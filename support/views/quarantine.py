"""The desk's quarantine (issue 16), /support/desk/quarantine/: inbound messages held because their sender is
unknown (or they could not be read), of every channel, with forms to release one to a ticket, release it as a new
contact of a dealer, or drop it (support.services.quarantine); and the raw mail as staff's download.

Support agents and superusers only (`desk_only`: signed out → sign in, anyone else → 404). A refusal of a service
is shown on the row's form with its status (a message released a moment ago by someone else: 409)."""
from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from portal.errors import DomainError, add_to_form
from portal.paging import PER_PAGE

from ..models import InboundMessage, TicketSource
from ..services import quarantine
from .desk import desk_only


class ReleaseToTicketForm(forms.Form):
    ticket = forms.CharField(label=gettext_lazy("Ticket number"), max_length=20)


class ReleaseAsContactForm(forms.Form):
    dealer = forms.CharField(label=gettext_lazy("Dealer code"), max_length=12)
    first_name = forms.CharField(label=gettext_lazy("First name"), max_length=150)
    last_name = forms.CharField(label=gettext_lazy("Last name"), max_length=150)
    role = forms.ChoiceField(label=gettext_lazy("Role"), initial="buyer")
    email = forms.EmailField(label=gettext_lazy("E-mail address"), required=False,
                             help_text=gettext_lazy("For a WhatsApp sender: every user has an e-mail address."))

    def __init__(self, *args, **kwargs):
        from dealers.models import Role

        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(r.value, r.label) for r in Role if r != Role.OWNER]


def _page(request, *, failed=None, status=200):
    """The page; `failed`: (inbound pk, form name, the bound form with its error) to show on its row."""
    paginator = Paginator(quarantine.held(), PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    rows, error = [], ""
    for inbound in page.object_list:
        row = {"inbound": inbound, "is_mail": inbound.channel == TicketSource.MAIL,
               "to_ticket": ReleaseToTicketForm(auto_id=f"id_t{inbound.pk}_%s"),
               "as_contact": ReleaseAsContactForm(auto_id=f"id_c{inbound.pk}_%s"), "drop_errors": []}
        if failed and failed[0] == inbound.pk:
            if failed[1] == "drop":
                row["drop_errors"] = failed[2]
            else:
                row[failed[1]] = failed[2]
            row["open"] = failed[1]
        rows.append(row)
    if failed and not any(row["inbound"].pk == failed[0] for row in rows):  # handled meanwhile: no row to show it on
        form = failed[2]
        error = " ".join(failed[2]) if isinstance(form, list) else " ".join(str(e) for e in form.non_field_errors())
    return render(request, "support/desk_quarantine.html", {"page": page, "rows": rows, "query": "", "error": error},
                  status=status)


@require_GET
@desk_only
def quarantine_list(request):
    return _page(request)


def _held(pk) -> InboundMessage:
    return get_object_or_404(InboundMessage, pk=pk)


@require_POST
@desk_only
def release_to_ticket(request, pk):
    inbound = _held(pk)
    form = ReleaseToTicketForm(request.POST, auto_id=f"id_t{pk}_%s")
    if form.is_valid():
        try:
            message = quarantine.release_to_ticket(actor=request.user, inbound=inbound,
                                                   ticket=form.cleaned_data["ticket"])
        except DomainError as exc:
            add_to_form(form, exc)
            return _page(request, failed=(inbound.pk, "to_ticket", form), status=exc.http_status)
        messages.success(request, _("The message was added to ticket %(number)s.") % {"number": message.ticket.number})
        return redirect("support:quarantine")
    return _page(request, failed=(inbound.pk, "to_ticket", form), status=400)


@require_POST
@desk_only
def release_as_contact(request, pk):
    inbound = _held(pk)
    form = ReleaseAsContactForm(request.POST, auto_id=f"id_c{pk}_%s")
    if form.is_valid():
        data = form.cleaned_data
        try:
            row = quarantine.release_as_contact(actor=request.user, inbound=inbound, dealer=data["dealer"],
                                                first_name=data["first_name"], last_name=data["last_name"],
                                                role=data["role"], email=data["email"])
        except DomainError as exc:
            add_to_form(form, exc)
            return _page(request, failed=(inbound.pk, "as_contact", form), status=exc.http_status)
        messages.success(request, _("The contact was created and the message added to ticket %(number)s.")
                         % {"number": row.ticket.number if row.ticket_id else "—"})
        return redirect("support:quarantine")
    return _page(request, failed=(inbound.pk, "as_contact", form), status=400)


@require_POST
@desk_only
def drop(request, pk):
    inbound = _held(pk)
    try:
        quarantine.drop(actor=request.user, inbound=inbound)
    except DomainError as exc:
        return _page(request, failed=(inbound.pk, "drop", [str(exc.message)]), status=exc.http_status)
    messages.success(request, _("The message was dropped."))
    return redirect("support:quarantine")


@require_GET
@desk_only
def inbound_raw(request, pk):
    """The raw message as it came in (a mail's .eml), a download for support agents only."""
    inbound = _held(pk)
    if not inbound.raw:
        raise Http404
    try:
        handle = inbound.raw.open("rb")
    except OSError as exc:
        raise Http404 from exc
    extension = "eml" if inbound.channel == TicketSource.MAIL else "json"
    content_type = "message/rfc822" if extension == "eml" else "application/json"
    return FileResponse(handle, as_attachment=True, filename=f"inbound-{inbound.pk}.{extension}",
                        content_type=content_type)
