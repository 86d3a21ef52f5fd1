"""The dealer's support pages (issue 15 §1): my tickets (by status), a new ticket (prefilled by "Report a problem"
on an order line, a shipment or an invoice), one ticket's conversation (never an internal note) with the reply form
and Close, and its files. Who sees what is `support.permissions`' and the selectors': another dealer's ticket is a
404 on every page and file."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from dealers.views import dealer_page
from portal import documents, uploads
from portal.errors import DomainError, add_to_form
from portal.paging import paginate

from .. import permissions, selectors
from ..forms import DealerReplyForm, NewTicketForm, TicketFilterForm
from ..models import Attachment, TicketStatus
from ..services import close_ticket, open_ticket, reply, resolve_links

tickets_page = dealer_page()


def _url(name, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


@tickets_page
def ticket_list(request):
    form = TicketFilterForm(request.GET or None)
    status = form.cleaned_data["status"] if form.is_bound and form.is_valid() else None
    paging = paginate(request, selectors.list_tickets(actor=request.actor, status=status))
    return render(request, "support/dealer_list.html", {
        "form": form, **paging, "tickets": paging["page"].object_list,
        "may_open": permissions.may_open_ticket(request.actor), "faq_url": _url("support:faq")})


def _prefill(request) -> tuple[dict, dict]:
    """The links of "Report a problem" (?order=&line=&shipment=&invoice=), only those of the actor's dealer that go
    together (a link that does not, such as another order's line, is dropped, never shown), with a subject and
    category to start from."""
    wanted = {name: request.GET.get(name, "").strip() for name in ("order", "line", "shipment", "invoice")}
    links = {}
    for name, value in wanted.items():
        if not value:
            continue
        try:
            resolve_links(actor=request.actor, links={**links, name: value})
        except DomainError:
            continue
        links[name] = value
    initial = dict(links)
    if links.get("invoice"):
        initial.update(category="invoice", subject=_("Invoice %(number)s") % {"number": links["invoice"]})
    elif links.get("shipment"):
        initial.update(category="delivery", subject=_("Shipment %(number)s") % {"number": links["shipment"]})
    elif links.get("order"):
        initial.update(category="order", subject=_("Order %(number)s") % {"number": links["order"]})
    return links, initial


@tickets_page
def ticket_new(request):
    actor = request.actor
    if not permissions.may_open_ticket(actor):
        return render(request, "dealers/forbidden.html", status=403)
    links, initial = _prefill(request)
    form = NewTicketForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ticket = open_ticket(actor=actor, subject=data["subject"], body=data["body"], category=data["category"],
                                 urgency=data["urgency"], links=form.links(), attachments=data["attachments"])
        except DomainError as exc:
            add_to_form(form, exc, fields={"order": None, "line": None, "shipment": None, "invoice": None})
        else:
            messages.success(request, _("Thank you: ticket %(number)s is open. We answer here and by e-mail.")
                             % {"number": ticket.number})
            return redirect("support:ticket", number=ticket.number)
    linked = resolve_links(actor=actor, links=links) if links else {}
    return render(request, "support/dealer_new.html", {
        "form": form, "linked": linked, "faq_url": _url("support:faq"),
        "suggest_url": _url("support:faq_suggest")})


def _links_of(ticket) -> list[tuple[str, str, str]]:
    """(label, text, url) of what the ticket is about, each linking to its page."""
    rows = []
    if ticket.order_id:
        rows.append((_("Order"), ticket.order.number, ticket.order.get_absolute_url()))
    if ticket.order_line_id:
        rows.append((_("Product"), f"{ticket.sku} × {ticket.quantity.normalize():f}" if ticket.quantity else ticket.sku,
                     ""))
    if ticket.shipment_id:
        rows.append((_("Shipment"), ticket.shipment.number, _url("shipping:shipment", ticket.shipment.number)))
    if ticket.tracking_code:
        rows.append((_("Tracking code"), f"{ticket.carrier_name} {ticket.tracking_code}".strip(), ""))
    if ticket.waybill_number:
        rows.append((_("Waybill"), ticket.waybill_number, ""))
    if ticket.invoice_id:
        rows.append((_("Invoice"), ticket.invoice.number, _url("payments:invoice", ticket.invoice.number)))
    if ticket.follows_id:
        rows.append((_("Follows up on"), ticket.follows.number, _url("support:ticket", ticket.follows.number)))
    return rows


@tickets_page
def ticket_detail(request, number):
    actor = request.actor
    ticket = selectors.get_ticket(actor=actor, number=number)
    form = DealerReplyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            message = reply(actor=actor, ticket=ticket, body=form.cleaned_data["body"],
                            attachments=form.cleaned_data["attachments"])
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            if message.ticket_id != ticket.pk:
                messages.info(request, _("Ticket %(old)s was closed, so your reply opened ticket %(new)s.")
                              % {"old": ticket.number, "new": message.ticket.number})
            else:
                messages.success(request, _("Your reply was sent."))
            return redirect("support:ticket", number=message.ticket.number)
    conversation = list(selectors.dealer_conversation(ticket=ticket))
    return render(request, "support/dealer_ticket.html", {
        "ticket": ticket, "conversation": conversation, "form": form, "links": _links_of(ticket),
        "may_reply": permissions.may_reply(actor, ticket),
        "may_close": permissions.may_close(actor, ticket),
        "follow_ups": list(selectors.tickets_of(actor=actor).filter(follows=ticket).values_list("number", flat=True)),
        "closed": ticket.status == TicketStatus.CLOSED})


@tickets_page
def ticket_close(request, number):
    if request.method != "POST":
        return redirect("support:ticket", number=number)
    ticket = selectors.get_ticket(actor=request.actor, number=number)
    try:
        close_ticket(actor=request.actor, ticket=ticket)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Ticket %(number)s is closed.") % {"number": ticket.number})
    return redirect("support:ticket", number=number)


@login_required
def attachment(request, pk):
    """A ticket's file for whoever may see the ticket (a note's for support agents only); 404 for anyone else."""
    from django.http import Http404

    row = Attachment.objects.select_related("message__ticket__dealer").filter(pk=pk).first()
    if row is None:
        raise Http404
    documents.check_download(request.user, permissions.ATTACHMENT, row)
    return uploads.file_response(row.file, filename=row.filename, content_type=row.content_type)
