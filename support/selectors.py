"""Reads of support shared by pages and API."""


# --- FAQ (H-FAQ) ----------------------------------------------------------------------------------------------------

def faq_categories(*, actor) -> list:
    """The FAQ's categories with `.shown`: their articles the actor may see (published; drafts too for whom may edit
    the FAQ), in one query each; categories with nothing to show are left out."""
    from django.db.models import Prefetch

    from .models import Article, ArticleCategory, ArticleStatus
    from .permissions import may_edit_faq

    articles = Article.objects.order_by("slug")
    if not may_edit_faq(actor):
        articles = articles.filter(status=ArticleStatus.PUBLISHED)
    categories = ArticleCategory.objects.prefetch_related(Prefetch("articles", queryset=articles, to_attr="shown"))
    return [category for category in categories if category.shown]


def get_article_for_reader(*, actor, slug: str):
    """The article `slug` when the actor may see it (a draft only for whom may edit the FAQ); 404 otherwise."""
    from django.http import Http404

    from .models import Article
    from .permissions import may_see_article

    article = Article.objects.select_related("category").filter(slug=slug).first()
    if not may_see_article(actor, article):
        raise Http404
    return article


def related_articles(*, article, limit: int = 5) -> list:
    """Other published articles of the same category."""
    from .models import Article, ArticleStatus

    return list(Article.objects.filter(category_id=article.category_id, status=ArticleStatus.PUBLISHED)
                .exclude(pk=article.pk).order_by("slug")[:limit])


def vote_of(*, actor, article):
    """The actor's own "was this helpful" on `article` (True, False) or None."""
    from portal.lifecycle import acting_user

    from .models import ArticleVote

    user, _on_behalf = acting_user(actor)
    if user is None:
        return None
    return ArticleVote.objects.filter(article=article, user=user).values_list("helpful", flat=True).first()


# --- The dealer's tickets (H-TICKETS) -------------------------------------------------------------------------------

def tickets_of(*, actor):
    """The tickets the actor sees on the dealer's pages and API: its dealer's, by role (owners all, finance users the
    invoice tickets and their own, everyone the ones they opened; an agent acting for the dealer all). Nothing
    without a dealer (staff work on the desk): another dealer's ticket is a 404."""
    from django.db.models import Q

    from dealers.models import Role

    from .models import Ticket

    dealer = getattr(actor, "dealer", None)
    if dealer is None or not dealer.is_approved:
        return Ticket.objects.none()
    rows = Ticket.objects.filter(dealer=dealer)
    if getattr(actor, "on_behalf", False):
        return rows
    user = actor.user
    if not getattr(user, "is_active", False) or user.dealer_id != dealer.pk:
        return Ticket.objects.none()
    if user.role == Role.OWNER:
        return rows
    if user.role == Role.FINANCE:
        return rows.filter(Q(opened_by=user) | Q(category="invoice"))
    return rows.filter(opened_by=user)


def list_tickets(*, actor, status=None, query: str = ""):
    """The actor's tickets (tickets_of), newest first, by status and a word of the subject or the number."""
    from .models import TicketStatus

    rows = tickets_of(actor=actor).select_related("order", "shipment", "invoice", "opened_by")
    if status in TicketStatus.values:
        rows = rows.filter(status=status)
    query = (query or "").strip()
    if query:
        from django.db.models import Q

        rows = rows.filter(Q(subject__icontains=query) | Q(number__iexact=query))
    return rows.order_by("-created_at", "-pk")


def get_ticket(*, actor, number):
    """One of the actor's tickets by its number; 404 for anyone else's."""
    from django.http import Http404

    ticket = (tickets_of(actor=actor).select_related("order", "order_line", "shipment", "invoice", "opened_by",
                                                      "follows", "team").filter(number=number).first())
    if ticket is None:
        raise Http404
    return ticket


def dealer_conversation(*, ticket):
    """The replies of a ticket the dealer reads, oldest first, with their files: never an internal note. A phone
    call is shown as who of support spoke and how long (`calls.dealer_summary`): its notes are not even read."""
    from django.db.models import Prefetch

    from .models import Attachment, MessageKind

    return (ticket.messages.filter(kind__in=[MessageKind.REPLY, MessageKind.CALL])
            .select_related("author", "call", "call__agent").defer("call__notes")
            .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("pk")))
            .order_by("created_at", "pk"))


# --- The desk (H-DESK) ----------------------------------------------------------------------------------------------

DESK_QUEUES = ("open", "mine", "unassigned", "breaching", "breached", "waiting", "all")


def _desk_now_and_horizon():
    """Now, and one business hour from now on the support calendar (one wall-clock hour without one)."""
    import datetime

    from django.utils import timezone

    from .services import clocks, sla

    now = timezone.now()
    try:
        horizon = sla.add_business_seconds(now, 3600, clocks.calendar())
    except sla.EmptyCalendar:
        horizon = now + datetime.timedelta(hours=1)
    return now, horizon


def desk_queue_filters(*, user) -> dict:
    """Each desk queue as a Q on tickets. Open: not resolved or closed. Breaching soon: a clock still running that
    is due within one business hour, or past 80 % of its target (the SLA beat job's warning), and not breached yet.
    Breached: a running clock past its due time. A paused ticket (waiting on the dealer) is in neither."""
    from django.db.models import Q

    from .models import TicketStatus
    from .services import clocks

    now, horizon = _desk_now_and_horizon()
    is_open = ~Q(status__in=[TicketStatus.RESOLVED, TicketStatus.CLOSED])
    running = clocks.running()
    first_late = Q(first_responded_at__isnull=True, first_response_due__lt=now)
    resolution_late = Q(resolution_due__lt=now)
    breached = running & (first_late | resolution_late)
    first_soon = Q(first_responded_at__isnull=True) & (
        Q(first_response_due__lte=horizon) | Q(first_response_warned_at__isnull=False))
    resolution_soon = Q(resolution_due__lte=horizon) | Q(resolution_warned_at__isnull=False)
    return {
        "open": is_open,
        "mine": is_open & Q(assignee=user),
        "unassigned": is_open & Q(assignee__isnull=True),
        "breaching": running & (first_soon | resolution_soon) & ~(first_late | resolution_late),
        "breached": breached,
        "waiting": Q(status=TicketStatus.WAITING_ON_DEALER),
        "all": Q(),
    }


def desk_queue_counts(*, user, queues: dict | None = None) -> dict:
    """How many tickets each queue holds, in one query (`queues`: desk_queue_filters' answer, if known)."""
    from django.db.models import Count

    from .models import Ticket

    filters = queues or desk_queue_filters(user=user)
    # Every counted queue holds open tickets only: read the open tickets' partial index (ticket_open_recent, which
    # INCLUDEs the columns of the filters), not the whole table.
    return (Ticket.objects.filter(filters["open"])
            .aggregate(**{name: Count("pk", filter=q) for name, q in filters.items() if name != "all"}))


DESK_COUNTS_SECONDS = 5
DESK_ROWS_SECONDS = 60
DESK_VERSION_KEY = "support:desk:version"
# Queues whose members change only when a ticket is written (not as time passes, as the SLA queues' do): their
# counts and pages are exact under the desk version.
DESK_TIMELESS_QUEUES = ("open", "mine", "unassigned", "waiting", "all")


def desk_version() -> int:
    """A number every write of a ticket, team, dealer or staff user changes (support/signals.py): what the desk
    keeps in the cache is keyed by it."""
    from django.core.cache import cache

    return cache.get_or_set(DESK_VERSION_KEY, _first_desk_version, None)


def _first_desk_version() -> int:
    """A version no process has seen: after the cache was emptied, what a process kept under an earlier version
    (support.views.desk._desk_filters_of) is not taken for the new one's."""
    import time

    return time.time_ns() // 1000


def bump_desk_version() -> None:
    """A ticket (or what its row shows) changed: at once, and again after the commit (a page read between the two
    cached what was committed before)."""
    from django.core.cache import cache
    from django.db import transaction

    def bump():
        try:
            cache.incr(DESK_VERSION_KEY)
        except ValueError:
            cache.set(DESK_VERSION_KEY, _first_desk_version(), None)

    bump()
    transaction.on_commit(bump)


def desk_queue_counts_cached(*, user, version: int, queues=None) -> tuple[dict, bool]:
    """desk_queue_counts, kept in the cache per user under the desk version for at most DESK_COUNTS_SECONDS (the
    SLA queues change as time passes; counting every open ticket's clocks costs tens of milliseconds at 100,000
    tickets). `queues`: desk_queue_filters' answer or a callable giving it. Answers (counts, fresh): fresh when
    counted by this call."""
    from django.core.cache import cache

    key = f"support:desk:counts:{version}:{user.pk}"
    counts = cache.get(key)
    if counts is not None:
        return counts, False
    counts = desk_queue_counts(user=user, queues=queues() if callable(queues) else queues)
    cache.set(key, counts, DESK_COUNTS_SECONDS)
    return counts, True


def desk_rows_key(*, user, version: int, queue: str, params) -> str | None:
    """The cache key of a desk list's rendered rows (the queue, its filters, search and page, the reader's language
    and time zone, the desk version); None for the SLA queues, whose rows change as time passes."""
    import hashlib

    from django.utils import timezone
    from django.utils.translation import get_language

    if queue not in DESK_TIMELESS_QUEUES:
        return None
    items = sorted((key, value) for key in params for value in params.getlist(key))
    raw = repr((queue, user.pk if queue == "mine" else None, items, get_language(), timezone.get_current_timezone_name()))
    return f"support:desk:rows:{version}:{hashlib.sha256(raw.encode()).hexdigest()}"


def desk_tickets(*, user, queue: str = "open", filters: dict | None = None, query: str = "",
                 queues: dict | None = None):
    """The desk's list: a queue, the filters (status, priority, tier, team, category, channel, assignee: "none" for
    unassigned) and a search over the number, subject, dealer (name, code), order, shipment, invoice, waybill and
    tracking code. One query for the rows, whatever their number (dealer, team and assignee read along)."""

    from .models import Ticket

    queues = queues or desk_queue_filters(user=user)
    rows = Ticket.objects.filter(queues.get(queue, queues["open"]))
    filters = filters or {}
    for key, lookup in (("status", "status"), ("priority", "priority"), ("tier", "dealer__tier"),
                        ("category", "category"), ("channel", "source")):
        if filters.get(key):
            rows = rows.filter(**{lookup: filters[key]})
    for key in ("team", "assignee"):
        value = str(filters.get(key) or "")
        if value == "none":
            rows = rows.filter(**{f"{key}__isnull": True})
        elif value.isdecimal():
            rows = rows.filter(**{f"{key}_id": int(value)})
    query = (query or "").strip()
    if query:
        rows = rows.filter(_desk_search(query))
    order = "resolution_due" if queue in ("breaching", "breached") else "-created_at"
    return (rows.select_related("dealer", "team", "assignee")
            .only("number", "subject", "status", "priority", "category", "source", "created_at", "updated_at",
                  "first_response_due", "resolution_due", "first_responded_at", "paused_at",
                  "dealer__legal_name", "dealer__trade_name", "dealer__code", "dealer__tier",
                  "team__name", "assignee__first_name", "assignee__last_name", "assignee__email")
            .order_by(order, "-pk"))


def quarantine_count() -> int:
    """How many inbound messages wait in quarantine (the desk's Quarantine badge): one count on the inbound status
    index, as plain SQL (the ORM's count cost the queue page 0.25 ms of Python on every request, the count 0.02)."""
    from django.db import connection

    from .models import InboundMessage, InboundStatus

    meta = InboundMessage._meta
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT COUNT(*) FROM "{meta.db_table}" WHERE "{meta.get_field("status").column}" = %s',
                       [InboundStatus.QUARANTINED.value])
        return cursor.fetchone()[0]


def _desk_search(query: str):
    """The desk's search as a Q every arm of which an index of the ticket answers (so PostgreSQL ORs bitmaps instead
    of reading every ticket joined to four tables): the number and subject by trigrams (support_ticket
    *_trgm), the waybill and tracking code by UPPER, and the dealers, orders, shipments and invoices that match read
    first (one small query each) as lists of ids. The same tickets as matching through the joins."""
    from django.db.models import Q

    from dealers.models import Dealer
    from orders.models import Order
    from payments.models import Invoice
    from shipping.models import Shipment

    dealers = list(Dealer.objects.filter(Q(legal_name__icontains=query) | Q(trade_name__icontains=query)
                                         | Q(code__iexact=query)).values_list("pk", flat=True))
    linked = Q()
    for field, model in (("order_id", Order), ("shipment_id", Shipment), ("invoice_id", Invoice)):
        ids = list(model.objects.filter(number__iexact=query).values_list("pk", flat=True))
        if ids:
            linked |= Q(**{f"{field}__in": ids})
    found = (Q(number__icontains=query) | Q(subject__icontains=query) | Q(waybill_number__iexact=query)
             | Q(tracking_code__iexact=query))
    if dealers:
        found |= Q(dealer_id__in=dealers)
    return found | linked


def get_desk_ticket(*, number):
    """A ticket for the desk (any dealer's: support agents see every ticket), 404 when there is none."""
    from django.shortcuts import get_object_or_404

    from .models import Ticket

    return get_object_or_404(
        Ticket.objects.select_related("dealer", "dealer__account_manager", "opened_by", "team", "assignee", "order",
                                      "shipment", "invoice", "merged_into", "follows"),
        number=number)


def desk_conversation(*, ticket) -> list:
    """Every message of the ticket, replies, internal notes and phone calls (with their notes), with their authors
    and files (staff only)."""
    return list(ticket.messages.select_related("author", "article", "call", "call__agent")
                .prefetch_related("attachments"))


def support_agents():
    """Who a ticket may be assigned to: active staff in the "Support agents" group, and superusers."""
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    from .permissions import SUPPORT_AGENTS_GROUP

    return (get_user_model().objects.filter(is_active=True)
            .filter(Q(is_superuser=True) | Q(is_staff=True, groups__name=SUPPORT_AGENTS_GROUP))
            .distinct().order_by("first_name", "last_name", "email"))


def dealer_panel(*, ticket, recent: int = 5) -> dict:
    """What an agent must know about the ticket's dealer: tier, sales agent, recent orders and shipments, open
    invoices and credit status (limit, exposure, overdue), other open tickets."""
    from django.db.models import F

    from orders.models import Order
    from payments import services as payments
    from payments.models import OPEN_STATUSES, Invoice, InvoiceStatus
    from shipping.models import Shipment

    from .models import Ticket, TicketStatus

    dealer = ticket.dealer
    if dealer is None:  # a visitor's chat from the public pages: nothing of a dealer to show
        return {"dealer": None, "visitor_name": ticket.visitor_name, "visitor_email": ticket.visitor_email}
    invoices = list(Invoice.objects.filter(dealer=dealer, status__in=OPEN_STATUSES, settled__lt=F("total_gross"))
                    .order_by("due_date", "pk")[:10])
    return {
        "dealer": dealer,
        "account_manager": dealer.account_manager,
        "orders": list(Order.objects.filter(dealer=dealer).order_by("-created_at", "-pk")[:recent]),
        "shipments": list(Shipment.objects.filter(dealer=dealer).select_related("order", "carrier")
                          .order_by("-created_at", "-pk")[:recent]),
        "invoices": invoices,
        "overdue": [invoice for invoice in invoices if invoice.status == InvoiceStatus.OVERDUE],
        "credit": payments.credit_status(dealer),
        "other_tickets": list(Ticket.objects.filter(dealer=dealer).exclude(pk=ticket.pk)
                              .exclude(status__in=[TicketStatus.RESOLVED, TicketStatus.CLOSED]).order_by("-created_at")[:10]),
    }


# --- Live chat (issue 16, H3) -------------------------------------------------------------------------------------

def desk_chats(*, user) -> dict:
    """The desk's chat panel for a support agent: the chats waiting for an agent (oldest first), the agent's own
    active chats, whether the agent is on duty, and the colleagues on duty a chat can be handed over to. A fixed
    number of queries whatever the number of chats."""
    from .models import AgentPresence, ChatSession, ChatStatus
    from .services.chat import agents_present

    rows = ChatSession.objects.select_related("ticket__dealer", "agent", "user").order_by("started_at", "pk")
    presence = AgentPresence.objects.filter(user_id=user.pk).first()
    return {
        "waiting": list(rows.filter(status=ChatStatus.WAITING)),
        "mine": list(rows.filter(status=ChatStatus.ACTIVE, agent_id=user.pk)),
        "on_duty": bool(presence and presence.on_duty),
        "colleagues": [p.user for p in agents_present().exclude(user_id=user.pk).select_related("user")
                       .order_by("user__first_name", "user__email")],
    }


def get_chat(*, number):
    """A chat by its ticket's number (None when there is none); who may see it is permissions.may_join_chat."""
    from .models import ChatSession

    number = str(number or "")[:40]
    return ChatSession.objects.select_related("ticket__dealer", "agent", "user").filter(ticket__number=number).first()
