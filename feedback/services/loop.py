"""Closing the loop on an NPS answer (issue 17 §2): what happens right after a dealer answered.

- **Detractor (0–6).** A `DetractorLoop` (open) and a high-priority support ticket for the dealer
  (`support.services.tickets.open_ticket_for_survey_answer`, source "survey answer", category "other"), opened by
  the portal (no author: the dealer did not write it). Its first message lists the answer (score, comment,
  reasons), the dealer's last 5 orders and shipments, its open tickets and its overdue invoices (numbers and
  amounts) — only that dealer's. It goes to the dealer's sales agent: the account manager, else the first of its
  sales agents, who is the ticket's assignee (`support.permissions.may_be_assigned`: a sales agent of the ticket's
  dealer may be), is mailed by support like for every new ticket and works it on the desk's ticket page
  (`may_work_ticket`: the ticket assigned to it). Should support refuse the assignee (an inactive agent), the loop's
  owner is mailed the ticket and the answer by us and the ticket stays with the support team its category routes
  to. No sales agent at all: the support team.
- **Passive (7–8).** A thank-you mail in the user's language.
- **Promoter (9–10).** A mail inviting to review the products of the delivered order (a link to each product's
  page, where the review form is) and to share a success story (a `Story`, invited, with the link to write it).

The loop's status moves only through `LOOP.move`: open → contacted when staff first answer the ticket (or mark it
by hand), → resolved when the ticket is resolved or closed; a reopened ticket opens the loop again. Staff move it by
hand with `move_loop` (the dashboard's button).
"""
from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from portal import outbox

from .. import permissions
from ..errors import FeedbackError, LoopNotAllowed
from ..models import LOOP, DetractorLoop, LoopStatus, NpsKind, NpsReason, Story

__all__ = ["after_answer", "loop_sales_agent", "move_loop", "on_staff_message", "on_ticket_moved",
           "ticket_body_for"]

RECENT = 5


# --- who follows up --------------------------------------------------------------------------------------------------

def loop_sales_agent(dealer):
    """The dealer's sales agent: its active account manager, else the first active of its sales agents (by pk),
    else None."""
    if dealer.account_manager_id and dealer.account_manager.is_active:
        return dealer.account_manager
    return dealer.agents.filter(is_active=True).order_by("pk").first()


def _site(path: str) -> str:
    return settings.SITE_URL + path


def _url(name, *args) -> str:
    try:
        return _site(reverse(name, args=args))
    except NoReverseMatch:
        return ""


def _date(value) -> str:
    if value is None:
        return "—"
    if hasattr(value, "hour"):
        value = timezone.localtime(value)
        return formats.date_format(value, "SHORT_DATETIME_FORMAT")
    return formats.date_format(value, "SHORT_DATE_FORMAT")


def _money(amount, currency) -> str:
    return f"{formats.number_format(amount, 2, use_l10n=True, force_grouping=True)} {currency}"


def _reason_labels(reasons) -> list[str]:
    labels = []
    for value in reasons or ():
        try:
            labels.append(str(NpsReason(value).label))
        except ValueError:
            continue
    return labels


# --- the ticket's first message ----------------------------------------------------------------------------------

def ticket_body_for(response, *, loop=None) -> str:
    """The detractor ticket's first message, in the active language: the answer, the dealer's last orders and
    shipments, its open tickets and overdue invoices (all of that dealer only)."""
    from orders.models import Order
    from payments.models import OPEN_STATUSES, Invoice, InvoiceStatus
    from shipping.models import Shipment
    from support.models import Ticket, TicketStatus

    dealer = response.dealer
    invitation = response.invitation
    lines = [_("%(dealer)s answered the satisfaction survey with %(score)s out of 10 (a detractor).")
             % {"dealer": dealer, "score": response.score},
             _("Answered: %(when)s") % {"when": _date(response.responded_at)}]
    if invitation.order_id:
        lines.append(_("The survey asked about order %(order)s.") % {"order": invitation.order.number})
    lines.append(_("Comment: %(comment)s") % {"comment": response.comment.strip() or "—"})
    reasons = _reason_labels(response.reasons)
    lines.append(_("Reasons: %(reasons)s") % {"reasons": ", ".join(reasons) if reasons else "—"})
    if loop is not None:
        url = _url("admin:feedback_detractorloop_change", loop.pk)
        if url:
            lines.append(_("Follow-up: %(url)s") % {"url": url})

    lines += ["", _("Last orders:")]
    orders = Order.objects.filter(dealer=dealer).order_by("-created_at", "-pk")[:RECENT]
    for order in orders:
        lines.append(f"- {order.number} · {_date(order.created_at)} · {order.get_status_display()} · "
                     f"{_money(order.total_gross, order.currency)}")
    if not orders:
        lines.append("- " + _("none"))

    lines += ["", _("Last shipments:")]
    shipments = Shipment.objects.filter(dealer=dealer).select_related("order").order_by("-created_at", "-pk")[:RECENT]
    for shipment in shipments:
        delivered = (" · " + _("delivered %(when)s") % {"when": _date(shipment.delivered_at)}
                     if shipment.delivered_at else "")
        lines.append(f"- {shipment.number} ({shipment.order.number}) · {shipment.get_status_display()}{delivered}")
    if not shipments:
        lines.append("- " + _("none"))

    lines += ["", _("Open tickets:")]
    tickets = (Ticket.objects.filter(dealer=dealer).exclude(status__in=[TicketStatus.RESOLVED, TicketStatus.CLOSED])
               .order_by("-created_at", "-pk"))
    for ticket in tickets[:20]:
        lines.append(f"- {ticket.number} · {ticket.subject} · {ticket.get_status_display()}")
    if not tickets:
        lines.append("- " + _("none"))

    lines += ["", _("Overdue invoices:")]
    today = timezone.localdate()
    invoices = (Invoice.objects.filter(dealer=dealer, status__in=OPEN_STATUSES)
                .filter(Q(status=InvoiceStatus.OVERDUE) | Q(due_date__lt=today)).order_by("due_date", "pk"))
    for invoice in invoices[:20]:
        lines.append(_("- %(number)s · due %(due)s · %(balance)s open of %(total)s") % {
            "number": invoice.number, "due": _date(invoice.due_date),
            "balance": _money(invoice.balance, invoice.currency), "total": _money(invoice.total_gross,
                                                                                   invoice.currency)})
    if not invoices:
        lines.append("- " + _("none"))
    return "\n".join(lines)


# --- after an answer ------------------------------------------------------------------------------------------------

def after_answer(response) -> None:
    """Called by the NPS answer inside its transaction, once per answer (module doc)."""
    if response.kind == NpsKind.DETRACTOR:
        _open_loop(response)
    elif response.kind == NpsKind.PASSIVE:
        _thank(response)
    elif response.kind == NpsKind.PROMOTER:
        _invite_promoter(response)


def _reader(response):
    """Who answered (the invitation's user, if still active) and in which language."""
    invitation = response.invitation
    user = invitation.user if invitation.user_id and invitation.user.is_active else None
    language = invitation.language or getattr(user, "language", None) or settings.LANGUAGE_CODE
    return user, language


def _open_loop(response) -> DetractorLoop:
    from support.services.tickets import open_ticket_for_survey_answer, ticket_url

    existing = DetractorLoop.objects.filter(response=response).first()
    if existing is not None:
        return existing
    dealer = response.dealer
    agent = loop_sales_agent(dealer)
    loop = DetractorLoop.objects.create(response=response, owner=agent)
    with translation.override(getattr(agent, "language", None) or settings.LANGUAGE_CODE):
        subject = _("Survey answer %(score)s/10 from %(dealer)s") % {"score": response.score, "dealer": dealer}
        body = ticket_body_for(response, loop=loop)
    ticket = open_ticket_for_survey_answer(response=response, assignee=agent, subject=subject, body=body)
    loop.ticket = ticket
    loop.save(update_fields=["ticket"])
    if agent is not None and ticket.assignee_id != agent.pk:
        # Support did not take the sales agent as the assignee: we tell them ourselves.
        outbox.notify(to=agent, template="feedback/detractor_for_agent", context={
            "dealer_name": str(dealer), "score": response.score, "comment": response.comment,
            "number": ticket.number, "ticket_url": ticket_url(ticket, staff=True),
            "loop_url": _url("admin:feedback_detractorloop_change", loop.pk)})
    return loop


def _thank(response) -> None:
    user, language = _reader(response)
    if user is None:
        return
    outbox.notify(to=user, language=language, template="feedback/nps_thanks",
                  context={"first_name": user.first_name, "dealer_name": str(response.dealer),
                           "score": response.score})


def _delivered_products(response) -> list:
    invitation = response.invitation
    order = invitation.order or (invitation.shipment.order if invitation.shipment_id else None)
    if order is None:
        return []
    seen, products = set(), []
    for line in order.lines.select_related("product").order_by("pk"):
        if line.product_id in seen:
            continue
        seen.add(line.product_id)
        products.append(line.product)
    return products


def _invite_promoter(response) -> Story:
    user, language = _reader(response)
    story = Story.objects.filter(response=response).first()
    if story is None:
        story = Story.objects.create(dealer=response.dealer, response=response, language=language)
    if user is None:
        return story
    products = [{"name": p.name, "sku": p.sku, "url": _url("catalog:product", p.sku)}
                for p in _delivered_products(response)]
    outbox.notify(to=user, language=language, template="feedback/nps_promoter",
                  context={"first_name": user.first_name, "dealer_name": str(response.dealer),
                           "products": products, "story_url": _url("feedback:story", story.pk)})
    return story


# --- the loop's status ------------------------------------------------------------------------------------------------

def _lock(loop) -> DetractorLoop:
    return DetractorLoop.objects.select_for_update(of=("self",)).get(pk=getattr(loop, "pk", loop))


def _move(loop, *, to, actor, note="") -> DetractorLoop:
    """Move the locked loop, stamping contacted_at / resolved_at the first time."""
    fields = []
    now = timezone.now()
    if to == LoopStatus.CONTACTED and loop.contacted_at is None:
        loop.contacted_at = now
        fields.append("contacted_at")
    if to == LoopStatus.RESOLVED:
        loop.resolved_at = now
        fields.append("resolved_at")
    if to == LoopStatus.OPEN and loop.resolved_at is not None:
        loop.resolved_at = None
        fields.append("resolved_at")
    LOOP.move(loop, to=to, actor=actor, note=note, fields=fields)
    return loop


def move_loop(*, actor, loop, to, note="") -> DetractorLoop:
    """Staff move a follow-up by hand (the dashboard): refused without `feedback.change_detractorloop`, for an
    unknown status or a move the table forbids (409)."""
    if not permissions.may_move_loop(actor):
        raise LoopNotAllowed(_("You cannot change this follow-up."))
    note = (note or "").replace("\x00", "").strip()[:2000]
    with transaction.atomic():
        loop = _lock(loop)
        LOOP.check(loop.status, to)
        if to == loop.status:
            raise FeedbackError(_("The follow-up is already “%(status)s”.") % {"status": loop.get_status_display()})
        return _move(loop, to=to, actor=actor, note=note)


def _loops_of(ticket) -> list[DetractorLoop]:
    ids = list(DetractorLoop.objects.filter(ticket=ticket).values_list("pk", flat=True))
    return [_lock(pk) for pk in sorted(ids)]


def on_ticket_moved(*, ticket, previous, actor) -> None:
    """support's TICKET.moved listener: a survey ticket resolved or closed resolves its loop; reopened, the loop
    opens again; answered by staff (first response stamped), an open loop is contacted."""
    from support.models import TicketSource, TicketStatus

    if ticket.source != TicketSource.NPS:
        return
    done = (TicketStatus.RESOLVED, TicketStatus.CLOSED)
    for loop in _loops_of(ticket):
        if ticket.status in done:
            if loop.status != LoopStatus.RESOLVED:
                _move(loop, to=LoopStatus.RESOLVED, actor=actor,
                      note=_("Ticket %(number)s: %(status)s") % {"number": ticket.number,
                                                                 "status": ticket.get_status_display()})
        elif previous in done and loop.status == LoopStatus.RESOLVED:
            _move(loop, to=LoopStatus.OPEN, actor=actor, note=_("Ticket %(number)s reopened.")
                  % {"number": ticket.number})
        elif ticket.first_responded_at is not None and loop.status == LoopStatus.OPEN:
            _move(loop, to=LoopStatus.CONTACTED, actor=actor, note=_("Ticket %(number)s answered.")
                  % {"number": ticket.number})


def on_staff_message(*, sender=None, instance, created=False, raw=False, **kwargs) -> None:
    """post_save of support's Message: a staff reply (not an internal note) on a survey ticket marks an open loop
    contacted (the first response, also when the reply moves nothing)."""
    from support.models import MessageKind, TicketSource

    if raw or not created or not instance.from_staff or instance.kind != MessageKind.REPLY:
        return
    ticket = instance.ticket
    if ticket.source != TicketSource.NPS:
        return
    for loop in _loops_of(ticket):
        if loop.status == LoopStatus.OPEN:
            _move(loop, to=LoopStatus.CONTACTED, actor=instance.author,
                  note=_("Ticket %(number)s answered.") % {"number": ticket.number})
