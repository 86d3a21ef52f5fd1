"""The support desk (issue 15 §2), /support/desk/: queues, filters and search, and a ticket's page with the
conversation (internal notes marked), the reply form with canned replies (htmx fills the reply box), notes,
assignment, priority, status moves, merging, and a side panel about the dealer (htmx).

Only support agents and superusers reach it (permissions.is_support_agent): a visitor signed out is sent to sign in,
anyone else gets a 404. A refusal of a service is shown on its form with its status (a forbidden move: 409)."""
from functools import lru_cache, wraps
from types import MappingProxyType

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from portal.errors import DomainError, add_to_form
from portal.paging import PER_PAGE

from .. import permissions, selectors
from ..forms import (
    AssignForm,
    CallForm,
    DeskFilterForm,
    MergeForm,
    MoveForm,
    NoteForm,
    PriorityForm,
    StaffReplyForm,
    desk_status_label,
)
from ..models import TICKET, CannedReply, MessageKind, Team, Ticket
from ..services import desk
from .desk_rows import desk_rows


def desk_only(view):
    """Support agents and superusers only: signed out → sign in; anyone else → 404."""
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not permissions.is_support_agent(request.user):
            raise Http404
        return view(request, *args, **kwargs)
    return wrapper


def ticket_workers_only(view):
    """A ticket's own desk page and actions (`view(request, number)`): support agents, and the staff user the ticket
    is assigned to (a dealer's sales agent: permissions.may_work_ticket); signed out → sign in; anyone else → 404."""
    @wraps(view)
    def wrapper(request, number, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not (permissions.is_support_agent(request.user) or permissions.is_ticket_assignee(request.user, number)):
            raise Http404
        return view(request, number, *args, **kwargs)
    return wrapper


def _queue_labels():
    # Translated per request (the module is imported once, in the site's language).
    return [("open", _("All open")), ("mine", _("Mine")), ("unassigned", _("Unassigned")),
            ("breaching", _("Breaching soon")), ("breached", _("Breached")), ("waiting", _("Waiting on dealer")),
            ("all", _("Every ticket"))]


@require_GET
@desk_only
def desk_queue(request):
    """A queue of tickets with filters and search, paginated; the number of queries does not grow with the rows."""
    queue = request.GET.get("queue") or "open"
    if queue not in selectors.DESK_QUEUES:
        queue = "open"
    version = selectors.desk_version()
    filters, form_html = _desk_filters(request.GET, version)
    lazy = {}

    def queues():  # the calendar read once, and only when something is counted or listed
        if "queues" not in lazy:
            lazy["queues"] = selectors.desk_queue_filters(user=request.user)
        return lazy["queues"]

    counts, fresh = selectors.desk_queue_counts_cached(user=request.user, version=version, queues=queues)
    narrowed = any(filters.get(key) for key in _NARROWING)

    def page():
        rows = selectors.desk_tickets(user=request.user, queue=queue, filters=filters, query=filters.get("q", ""),
                                      queues=queues())
        paginator = Paginator(rows, PER_PAGE)
        if not narrowed and queue in counts and (fresh or queue in selectors.DESK_TIMELESS_QUEUES):
            paginator.count = counts[queue]  # counted already (exact under the desk version): not twice
        return paginator.get_page(request.GET.get("page"))

    page = SimpleLazyObject(page)
    key = selectors.desk_rows_key(user=request.user, version=version, queue=queue, params=request.GET)
    rows_html = cache.get(key) if key else None
    if rows_html is None:
        rows_html = render_to_string("support/desk_queue_rows.html", {
            "page": page, "rows": desk_rows(page.object_list), "query": _without_page(request)})
        if key:
            cache.set(key, rows_html, selectors.DESK_ROWS_SECONDS)
    query = request.GET.copy()
    query.pop("queue", None)
    query.pop("page", None)
    shown = [(key, label, counts.get(key)) for key, label in _queue_labels()]
    return render(request, "support/desk_queue.html", {
        "queue": queue, "queues": shown, "queue_links": _queue_links(shown, queue, query.urlencode()),
        "held": selectors.quarantine_count(), "form_html": form_html,
        "page": page, "rows_html": mark_safe(rows_html)})  # noqa: S308


_QUEUE_LINK = ('<a href="?queue={key}{query}" class="desk-queue{current}" data-queue="{key}"{aria}>{label}{count}'
               '</a>')


def _queue_links(queues, queue: str, filter_query: str) -> str:
    """The queues' links with their counts, as templates/support/desk_queue.html wrote them (a loop of tags and
    escapes per link), escaped as the template engine escapes."""
    from html import escape

    from django.utils.formats import localize

    query = f"&amp;{escape(filter_query)}" if filter_query else ""
    return mark_safe("".join(_QUEUE_LINK.format(  # noqa: S308 - every value escaped
        key=escape(key), query=query, current=" current" if key == queue else "",
        aria=' aria-current="page"' if key == queue else "", label=escape(str(label)),
        count="" if count is None else f' <span class="badge">{escape(str(localize(count)))}</span>')
        for key, label, count in queues))


def _desk_filters(params, version: int) -> tuple:
    """(the filters to apply, the filter form's fields as HTML) for the request's GET parameters. The same for the
    same values of the form's fields, language and desk version (which every write of a team or a staff user, and
    every change of a user's groups, bumps: support/signals.py), so kept in the process (the 256 latest) instead of
    reading the teams and agents, building, validating and rendering the form on every request (1.3 ms)."""
    values = tuple((name, tuple(params.getlist(name))) for name in DeskFilterForm.base_fields) if params else None
    return _desk_filters_of(version, get_language(), values)


@lru_cache(maxsize=256)
def _desk_filters_of(version: int, language: str, values):
    from django.http import QueryDict
    from django.utils.html import format_html

    data = None
    if values is not None:
        data = QueryDict(mutable=True)
        for name, given in values:
            if given:
                data.setlist(name, list(given))
    form = DeskFilterForm(data, teams=list(Team.objects.order_by("name")), agents=list(selectors.support_agents()))
    filters = form.cleaned_data if form.is_valid() else {}
    html = "".join(format_html("<label>{} {}{}</label>", field.label, field, field.errors) for field in form)
    return MappingProxyType(dict(filters)), mark_safe(html)  # noqa: S308 - built by format_html


_NARROWING = ("q", "status", "priority", "tier", "team", "category", "channel", "assignee")


def _without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def desk_ticket_of(number) -> Ticket:
    return selectors.get_desk_ticket(number=number)


def desk_ticket_page(request, ticket, *, status=200, **forms):
    ticket_forms = {
        "reply_form": StaffReplyForm(),
        "note_form": NoteForm(),
        "assign_form": AssignForm(initial={"assignee": ticket.assignee_id, "team": ticket.team_id}),
        "priority_form": PriorityForm(initial={"priority": ticket.priority}),
        "move_form": MoveForm(),
        "merge_form": MergeForm(),
        "call_form": CallForm(prefix="call"),  # phone calls (issue 16): support/views/calls.py
    }
    ticket_forms.update(forms)
    return render(request, "support/desk_ticket.html", {
        "ticket": ticket, "conversation": selectors.desk_conversation(ticket=ticket),
        "targets": [{"value": s, "label": desk_status_label(s)} for s in TICKET.targets(ticket.status)],
        "history": ticket.history.select_related("by"), "note_kind": MessageKind.NOTE,
        "call_kind": MessageKind.CALL, "reply_channel": _reply_channel_label(ticket), **ticket_forms},
        status=status)


def _reply_channel_label(ticket) -> str:
    """The channel staff's reply goes out by (support.channels.reply_channel), as the desk names it."""
    from .. import channels
    from ..models import TicketSource

    channel = channels.reply_channel(ticket)
    return str(TicketSource(channel).label) if channel in TicketSource.values else channel


@require_GET
@ticket_workers_only
def desk_ticket(request, number):
    return desk_ticket_page(request, desk_ticket_of(number))


def _act(request, ticket, form_name, form, action, done):
    """Validate `form`, run `action(cleaned_data)`; a refusal is shown on the form with its status (409 for a
    forbidden move), a success redirects back to the ticket with `done`."""
    if not form.is_valid():
        return desk_ticket_page(request, ticket, status=400, **{form_name: form})
    try:
        action(form.cleaned_data)
    except DomainError as exc:
        add_to_form(form, exc)
        return desk_ticket_page(request, ticket, status=exc.http_status, **{form_name: form})
    messages.success(request, done)
    return redirect("support:desk_ticket", ticket.number)


@require_POST
@ticket_workers_only
def desk_reply(request, number):
    ticket = desk_ticket_of(number)
    form = StaffReplyForm(request.POST, request.FILES)
    return _act(request, ticket, "reply_form", form, lambda data: desk.staff_reply(
        actor=request.user, ticket=ticket, body=data["body"], attachments=request.FILES.getlist("attachments"),
        canned=data["canned"], article=data["article"], then=data["then"] or None), _("Reply sent to the dealer."))


@require_POST
@ticket_workers_only
def desk_note(request, number):
    ticket = desk_ticket_of(number)
    return _act(request, ticket, "note_form", NoteForm(request.POST), lambda data: desk.add_note(
        actor=request.user, ticket=ticket, body=data["body"]), _("Internal note added."))


@require_POST
@ticket_workers_only
def desk_assign(request, number):
    ticket = desk_ticket_of(number)
    return _act(request, ticket, "assign_form", AssignForm(request.POST), lambda data: desk.assign(
        actor=request.user, ticket=ticket, assignee=data["assignee"], team=data["team"]), _("Assignment saved."))


@require_POST
@desk_only
def desk_assign_me(request, number):
    ticket = desk_ticket_of(number)
    try:
        desk.assign(actor=request.user, ticket=ticket, assignee=request.user, team=ticket.team)
    except DomainError as exc:
        form = AssignForm(initial={"assignee": ticket.assignee_id, "team": ticket.team_id})
        add_to_form(form, exc)
        return desk_ticket_page(request, ticket, status=exc.http_status, assign_form=form)
    messages.success(request, _("The ticket is yours."))
    return redirect("support:desk_ticket", ticket.number)


@require_POST
@ticket_workers_only
def desk_priority(request, number):
    ticket = desk_ticket_of(number)
    return _act(request, ticket, "priority_form", PriorityForm(request.POST), lambda data: desk.set_priority(
        actor=request.user, ticket=ticket, priority=data["priority"]), _("Priority changed; due times updated."))


@require_POST
@ticket_workers_only
def desk_move(request, number):
    ticket = desk_ticket_of(number)
    return _act(request, ticket, "move_form", MoveForm(request.POST), lambda data: desk.move(
        actor=request.user, ticket=ticket, to=data["to"], note=data["note"]), _("Status changed."))


@require_POST
@desk_only
def desk_merge(request, number):
    ticket = desk_ticket_of(number)
    form = MergeForm(request.POST)

    def merge(data):
        target = Ticket.objects.filter(number=data["into"].strip().upper()).first()
        if target is None:
            form.add_error("into", _("No ticket has this number."))
            raise _FormInvalid
        desk.merge(actor=request.user, ticket=ticket, into=target)

    try:
        return _act(request, ticket, "merge_form", form, merge, _("Merged."))
    except _FormInvalid:
        return desk_ticket_page(request, ticket, status=400, merge_form=form)


class _FormInvalid(Exception):
    pass


@require_GET
@ticket_workers_only
def desk_canned(request, number):
    """htmx: the reply box filled with the chosen canned reply, rendered for this ticket in the dealer's language."""
    ticket = desk_ticket_of(number)
    pk = request.GET.get("canned", "")
    canned = get_object_or_404(CannedReply, pk=pk, active=True) if pk.isdecimal() else None
    text = desk.render_canned(canned=canned, ticket=ticket, agent=request.user) if canned else ""
    form = StaffReplyForm(initial={"body": text})
    return HttpResponse(form["body"].as_widget())


@require_GET
@ticket_workers_only
def desk_panel(request, number):
    """htmx: the side panel about the ticket's dealer."""
    ticket = desk_ticket_of(number)
    return render(request, "support/desk_panel.html", {"ticket": ticket, **selectors.dealer_panel(ticket=ticket)})
