"""Tables of support (issue 15): tickets tied to orders, shipments and invoices, their conversation (replies and
internal notes that never reach the dealer) and attachments, teams, canned replies, SLA policies on a business
calendar, the FAQ and satisfaction. The ticket's lifecycle is TICKET (portal/lifecycle.py)."""
from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from portal.lifecycle import Lifecycle, StatusChange, status_fields

from .errors import TicketMoveNotAllowed

LANGUAGES = ("en", "tr", "bg", "vi", "zh_hans")


def in_language(obj, field: str, language=None) -> str:
    """`obj.<field>_<language>`, falling back to English."""
    language = (language or get_language() or "en").lower().replace("-", "_")
    return getattr(obj, f"{field}_{language}", "") or getattr(obj, f"{field}_en", "")


# --- Teams ---------------------------------------------------------------------------------------------------------

class TicketCategory(models.TextChoices):
    ORDER = "order", pgettext_lazy("ticket category", "Order")
    DELIVERY = "delivery", pgettext_lazy("ticket category", "Delivery")
    INVOICE = "invoice", pgettext_lazy("ticket category", "Invoice or payment")
    PRODUCT = "product", pgettext_lazy("ticket category", "Product or technical")
    RETURN = "return", pgettext_lazy("ticket category", "Return")
    ACCOUNT = "account", pgettext_lazy("ticket category", "Account")
    OTHER = "other", pgettext_lazy("ticket category", "Other")


class Team(models.Model):
    """A support team: its members (support agents) and lead, and the categories routed to it."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    lead = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("team lead"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="led_support_teams")
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("members"), blank=True,
                                     related_name="support_teams")
    categories = models.JSONField(_("categories"), default=list, blank=True,
                                  help_text=_("New tickets of these categories go to this team."))

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name"]

    def __str__(self):
        return self.name


# --- Tickets -------------------------------------------------------------------------------------------------------

class Priority(models.TextChoices):
    LOW = "low", pgettext_lazy("priority", "Low")
    NORMAL = "normal", pgettext_lazy("priority", "Normal")
    HIGH = "high", pgettext_lazy("priority", "High")
    URGENT = "urgent", pgettext_lazy("priority", "Urgent")


class TicketStatus(models.TextChoices):
    NEW = "new", pgettext_lazy("ticket status", "New")
    OPEN = "open", pgettext_lazy("ticket status", "Open")
    WAITING_ON_DEALER = "waiting_on_dealer", _("Waiting on you")
    RESOLVED = "resolved", pgettext_lazy("ticket status", "Resolved")
    CLOSED = "closed", pgettext_lazy("ticket status", "Closed")


class TicketSource(models.TextChoices):
    WEB = "web", _("Portal")
    API = "api", _("API")
    MAIL = "mail", _("E-mail")
    DELIVERY_REPORT = "delivery_report", _("Delivery report")
    TRACKING = "tracking", _("Tracking event")
    STAFF = "staff", _("Staff")
    CHAT = "chat", pgettext_lazy("support channel", "Live chat")
    WHATSAPP = "whatsapp", pgettext_lazy("support channel", "WhatsApp")
    PHONE = "phone", pgettext_lazy("support channel", "Phone")
    NPS = "nps", _("Survey answer")


# The channels a conversation comes in by (issue 16): a ticket's `source` and a message's `via` are one of these. A
# reply goes back by the channel of the dealer's last message (support/channels/).
Channel = TicketSource


T = TicketStatus
TICKET_TRANSITIONS = {
    T.NEW: {T.OPEN, T.WAITING_ON_DEALER, T.RESOLVED, T.CLOSED},
    T.OPEN: {T.WAITING_ON_DEALER, T.RESOLVED, T.CLOSED},
    T.WAITING_ON_DEALER: {T.OPEN, T.RESOLVED, T.CLOSED},
    T.RESOLVED: {T.OPEN, T.CLOSED},
    T.CLOSED: set(),
}


class Ticket(models.Model):
    """A dealer's question or problem, with what it is about (order, line, shipment, waybill, invoice), who works it
    and its SLA clocks (due times stored when the ticket changes: support/sla.py)."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    # Empty only for a visitor's chat from the public pages (no dealer yet): then `visitor_name`/`visitor_email`.
    dealer = models.ForeignKey("dealers.Dealer", verbose_name=_("dealer"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="tickets")
    visitor_name = models.CharField(_("visitor's name"), max_length=100, blank=True)
    visitor_email = models.EmailField(_("visitor's e-mail"), blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("opened by"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="opened_tickets")
    on_behalf = models.BooleanField(_("by an agent for the dealer"), default=False)
    source = models.CharField(_("source"), max_length=20, choices=TicketSource.choices, default=TicketSource.WEB)
    subject = models.CharField(_("subject"), max_length=200)
    category = models.CharField(_("category"), max_length=20, choices=TicketCategory.choices,
                                default=TicketCategory.OTHER)
    urgency = models.CharField(_("urgency (the dealer's)"), max_length=10, choices=Priority.choices,
                               default=Priority.NORMAL)
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    status = models.CharField(_("status"), max_length=20, choices=TicketStatus.choices, default=TicketStatus.NEW)
    team = models.ForeignKey(Team, verbose_name=_("team"), null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="tickets")
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("assigned to"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="assigned_tickets")
    # What it is about (filled in by "Report a problem").
    order = models.ForeignKey("orders.Order", verbose_name=_("order"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="tickets")
    order_line = models.ForeignKey("orders.OrderLine", verbose_name=_("order line"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    sku = models.CharField(_("SKU"), max_length=64, blank=True)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3, null=True, blank=True)
    shipment = models.ForeignKey("shipping.Shipment", verbose_name=_("shipment"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="tickets")
    waybill_number = models.CharField(_("waybill number"), max_length=20, blank=True)
    carrier_name = models.CharField(_("carrier"), max_length=100, blank=True)
    tracking_code = models.CharField(_("tracking code"), max_length=64, blank=True)
    invoice = models.ForeignKey("payments.Invoice", verbose_name=_("invoice"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="tickets")
    delivery_report = models.OneToOneField("shipping.DeliveryReport", verbose_name=_("delivery report"), null=True,
                                           blank=True, on_delete=models.SET_NULL, related_name="ticket")
    # Merged into another ticket (a duplicate: closed, its conversation shown there); opened by a reply to a ticket
    # closed longer than SUPPORT_REOPEN_DAYS ago.
    merged_into = models.ForeignKey("self", verbose_name=_("merged into"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="merged")
    follows = models.ForeignKey("self", verbose_name=_("follows up on"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="follow_ups")
    # The SLA clocks (support/sla.py): targets in business time from the policy of (priority, the dealer's tier),
    # paused while waiting on the dealer; the due times are stored whenever the ticket changes.
    first_response_due = models.DateTimeField(_("first response due"), null=True, blank=True)
    resolution_due = models.DateTimeField(_("resolution due"), null=True, blank=True)
    first_responded_at = models.DateTimeField(_("first responded at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    paused_at = models.DateTimeField(_("paused since"), null=True, blank=True)
    paused_seconds = models.PositiveIntegerField(_("business seconds paused"), default=0)
    first_response_warned_at = models.DateTimeField(_("first response warning sent"), null=True, blank=True)
    resolution_warned_at = models.DateTimeField(_("resolution warning sent"), null=True, blank=True)
    first_response_breached_at = models.DateTimeField(_("first response breached"), null=True, blank=True)
    resolution_breached_at = models.DateTimeField(_("resolution breached"), null=True, blank=True)
    last_dealer_reply_at = models.DateTimeField(_("last reply of the dealer"), null=True, blank=True)
    satisfaction_asked_at = models.DateTimeField(_("satisfaction asked at"), null=True, blank=True)
    created_at = models.DateTimeField(_("opened at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["dealer", "status", "-created_at"], name="ticket_dealer_status"),
            models.Index(fields=["status", "assignee"], name="ticket_status_assignee"),
            models.Index(fields=["status", "resolution_due"], name="ticket_status_due"),
            # The desk (support/selectors.py desk_*): its queues are open tickets newest first (by assignee for
            # "mine" and "unassigned"), the SLA queues running tickets by resolution due time; the counts read
            # the open tickets' index alone (INCLUDE); the search finds a word of the subject or the number by
            # trigrams (icontains is UPPER(...) LIKE), a waybill number or tracking code by its UPPER (iexact).
            models.Index(fields=["-created_at", "-id"], name="ticket_open_recent",
                         condition=~Q(status__in=["resolved", "closed"]),
                         include=["status", "assignee", "paused_at", "first_responded_at", "first_response_due",
                                  "resolution_due", "first_response_warned_at", "resolution_warned_at"]),
            models.Index(fields=["assignee", "-created_at", "-id"], name="ticket_open_assignee",
                         condition=~Q(status__in=["resolved", "closed"])),
            models.Index(fields=["resolution_due", "-id"], name="ticket_running_due",
                         condition=Q(paused_at__isnull=True) & ~Q(status__in=["resolved", "closed"])),
            GinIndex(OpClass(Upper("subject"), name="gin_trgm_ops"), name="ticket_subject_trgm"),
            GinIndex(OpClass(Upper("number"), name="gin_trgm_ops"), name="ticket_number_trgm"),
            models.Index(Upper("waybill_number"), name="ticket_waybill_upper"),
            models.Index(Upper("tracking_code"), name="ticket_tracking_upper"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["shipment", "source"], condition=Q(source="tracking"),
                                    name="ticket_once_per_shipment_from_tracking"),
        ]

    def __str__(self):
        return f"{self.number} {self.subject}"

    @property
    def requester_name(self) -> str:
        """Who asks: the dealer's trade name, or a visitor's name (a chat from the public pages)."""
        if self.dealer_id is not None:
            return self.dealer.trade_name or self.dealer.legal_name
        return self.visitor_name or self.visitor_email


class TicketStatusChange(StatusChange):
    """One move of a ticket, when and by whom."""

    ticket = models.ForeignKey(Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="history")
    from_status, to_status = status_fields(TicketStatus, 20)

    class Meta(StatusChange.Meta):
        verbose_name = _("ticket status change")
        verbose_name_plural = _("ticket status history")


TICKET = Lifecycle(
    "support.ticket", statuses=TicketStatus, transitions=TICKET_TRANSITIONS, history=TicketStatusChange,
    history_of="ticket", error=TicketMoveNotAllowed,
    refusal=_("A ticket cannot go from “%(current)s” to “%(target)s”."))


class MessageKind(models.TextChoices):
    REPLY = "reply", _("Reply")
    NOTE = "note", _("Internal note")
    CALL = "call", _("Phone call")


class DeliveryStatus(models.TextChoices):
    """How far a reply sent through a messaging channel got (the provider's receipts)."""

    PENDING = "pending", pgettext_lazy("delivery status", "Sending")
    SENT = "sent", pgettext_lazy("delivery status", "Sent")
    DELIVERED = "delivered", pgettext_lazy("delivery status", "Delivered")
    READ = "read", pgettext_lazy("delivery status", "Read")
    FAILED = "failed", pgettext_lazy("delivery status", "Not delivered")


class Message(models.Model):
    """One message of a ticket's conversation: a reply (the dealer sees it) or an internal note (staff only: no
    dealer page, mail or API answer ever shows it)."""

    ticket = models.ForeignKey(Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(_("kind"), max_length=10, choices=MessageKind.choices, default=MessageKind.REPLY)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("author"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    on_behalf = models.BooleanField(_("by an agent for the dealer"), default=False)
    from_staff = models.BooleanField(_("from staff"), default=False)
    via = models.CharField(_("via"), max_length=20, choices=TicketSource.choices, default=TicketSource.WEB)
    body = models.TextField(_("text"), max_length=20000)
    article = models.ForeignKey("support.Article", verbose_name=_("linked article"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    # The Message-ID of the mail that carried it (sent by the outbox, or received by mail intake): threads replies.
    message_id = models.CharField(_("Message-ID"), max_length=255, blank=True, db_index=True)
    # A mail's whole text (quoted history and signature included) when `body` shows the stripped part.
    full_body = models.TextField(_("full text"), blank=True)
    # A messaging channel's own id of the message (WhatsApp's wamid, …) and how far a reply got (receipts).
    external_id = models.CharField(_("channel's message id"), max_length=255, blank=True)
    delivery_status = models.CharField(_("delivery"), max_length=10, choices=DeliveryStatus.choices, blank=True)
    delivery_status_at = models.DateTimeField(_("delivery status at"), null=True, blank=True)
    delivery_error = models.CharField(_("delivery error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["via", "external_id"], condition=~Q(external_id=""),
                                    name="message_external_id_once"),
        ]

    def __str__(self):
        return f"{self.ticket.number} {self.get_kind_display()}"


class Attachment(models.Model):
    """A file of a message, checked by its content (images and PDF, ≤ 10 MB); served only to who may see the
    ticket (and a note's files only to staff)."""

    message = models.ForeignKey(Message, verbose_name=_("message"), on_delete=models.CASCADE,
                                related_name="attachments")
    file = models.FileField(_("file"), upload_to="support/%Y/%m/")
    filename = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["pk"]

    def __str__(self):
        return self.filename


class Quarantine(models.Model):
    """A file refused by the content check (its type, size or a lie in its name), kept apart for staff to look at;
    never served to dealers."""

    ticket = models.ForeignKey(Ticket, verbose_name=_("ticket"), null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    filename = models.CharField(_("file name"), max_length=255)
    reason = models.CharField(_("reason"), max_length=300)
    file = models.FileField(_("file"), upload_to="support/quarantine/%Y/%m/", blank=True)
    created_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("quarantined file")
        verbose_name_plural = _("quarantine")
        ordering = ["-created_at"]

    def __str__(self):
        return self.filename


class CannedReply(models.Model):
    """A ready answer in the five languages (English when one is missing), with placeholders such as
    {dealer}, {first_name}, {ticket}, {order}, {shipment}, {tracking_code}, {agent}."""

    title = models.CharField(_("title"), max_length=100)
    category = models.CharField(_("category"), max_length=20, choices=TicketCategory.choices, blank=True)
    body_en = models.TextField(_("text (English)"))
    body_tr = models.TextField(_("text (Turkish)"), blank=True)
    body_bg = models.TextField(_("text (Bulgarian)"), blank=True)
    body_vi = models.TextField(_("text (Vietnamese)"), blank=True)
    body_zh_hans = models.TextField(_("text (Chinese)"), blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("canned reply")
        verbose_name_plural = _("canned replies")
        ordering = ["title"]

    def __str__(self):
        return self.title

    def body(self, language=None) -> str:
        return in_language(self, "body", language)


# --- Channels (issue 16) --------------------------------------------------------------------------------------------

class CallDirection(models.TextChoices):
    INBOUND = "inbound", pgettext_lazy("phone call", "Incoming")
    OUTBOUND = "outbound", pgettext_lazy("phone call", "Outgoing")


class Call(models.Model):
    """A phone call logged on a ticket by an agent. Its message (kind "call") puts it in the conversation, so the SLA
    counts an outgoing call or an answered incoming one as a response; the notes are staff-only."""

    ticket = models.ForeignKey(Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="calls")
    message = models.OneToOneField(Message, verbose_name=_("message"), on_delete=models.CASCADE,
                                   related_name="call")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("agent"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    direction = models.CharField(_("direction"), max_length=10, choices=CallDirection.choices)
    phone_number = models.CharField(_("phone number"), max_length=40, blank=True)
    started_at = models.DateTimeField(_("started at"))
    duration_seconds = models.PositiveIntegerField(_("duration (seconds)"))
    notes = models.TextField(_("notes"), max_length=5000, blank=True)

    class Meta:
        verbose_name = _("phone call")
        verbose_name_plural = _("phone calls")
        ordering = ["-started_at", "-pk"]

    def __str__(self):
        return f"{self.ticket.number} {self.get_direction_display()} {self.duration_seconds}s"


class InboundStatus(models.TextChoices):
    RECEIVED = "received", pgettext_lazy("inbound message", "Received")
    THREADED = "threaded", pgettext_lazy("inbound message", "Added to a ticket")
    OPENED = "opened", pgettext_lazy("inbound message", "Opened a ticket")
    IGNORED = "ignored", pgettext_lazy("inbound message", "Ignored (auto-reply or loop)")
    QUARANTINED = "quarantined", pgettext_lazy("inbound message", "In quarantine")
    RELEASED = "released", pgettext_lazy("inbound message", "Released")
    DROPPED = "dropped", pgettext_lazy("inbound message", "Dropped")


class InboundMessage(models.Model):
    """One message that came in by mail or a messaging channel, taken exactly once (unique IMAP UID per mailbox and
    UIDVALIDITY; unique Message-ID or channel message id), with the raw message kept for staff. What became of it:
    threaded onto a ticket, opened one, ignored (auto-replies, loops), or held in quarantine (an unknown sender)
    until staff release it (to a ticket or as a new dealer contact) or drop it."""

    channel = models.CharField(_("channel"), max_length=20, choices=TicketSource.choices)
    mailbox = models.CharField(_("mailbox"), max_length=100, blank=True)
    uidvalidity = models.BigIntegerField(_("IMAP UIDVALIDITY"), null=True, blank=True)
    uid = models.BigIntegerField(_("IMAP UID"), null=True, blank=True)
    external_id = models.CharField(_("message id"), max_length=255, blank=True,
                                   help_text=_("The mail's Message-ID or the channel's message id."))
    sender = models.CharField(_("from"), max_length=255, blank=True, help_text=_("E-mail address or phone number."))
    sender_name = models.CharField(_("sender's name"), max_length=255, blank=True)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    text = models.TextField(_("text"), blank=True)
    raw = models.FileField(_("raw message"), upload_to="support/inbound/%Y/%m/", blank=True)
    status = models.CharField(_("status"), max_length=20, choices=InboundStatus.choices,
                              default=InboundStatus.RECEIVED)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    ticket = models.ForeignKey(Ticket, verbose_name=_("ticket"), null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="inbound")
    message = models.ForeignKey(Message, verbose_name=_("message"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("handled by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("inbound message")
        verbose_name_plural = _("inbound messages")
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["mailbox", "uidvalidity", "uid"], condition=Q(uid__isnull=False),
                                    name="inbound_imap_uid_once"),
            models.UniqueConstraint(fields=["channel", "external_id"], condition=~Q(external_id=""),
                                    name="inbound_external_id_once"),
        ]
        indexes = [models.Index(fields=["status", "-received_at"], name="inbound_status_recent")]

    def __str__(self):
        return f"{self.get_channel_display()} {self.sender} {self.subject}"[:200]


class MailboxState(models.Model):
    """Where polling of one configured mailbox (SUPPORT_MAILBOXES) stands and whether it works: the last UID taken
    under the folder's UIDVALIDITY, and the last error (shown on /healthz/ and in the admin)."""

    name = models.CharField(_("mailbox"), max_length=100, unique=True)
    uidvalidity = models.BigIntegerField(_("IMAP UIDVALIDITY"), null=True, blank=True)
    last_uid = models.BigIntegerField(_("last UID taken"), default=0)
    last_polled_at = models.DateTimeField(_("last polled at"), null=True, blank=True)
    last_ok_at = models.DateTimeField(_("last worked at"), null=True, blank=True)
    failing_since = models.DateTimeField(_("failing since"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    taken = models.PositiveIntegerField(_("messages taken"), default=0)

    class Meta:
        verbose_name = _("mailbox")
        verbose_name_plural = _("mailboxes")
        ordering = ["name"]

    def __str__(self):
        return self.name


class ChatStatus(models.TextChoices):
    WAITING = "waiting", pgettext_lazy("chat", "Waiting for an agent")
    ACTIVE = "active", pgettext_lazy("chat", "In conversation")
    ENDED = "ended", pgettext_lazy("chat", "Ended")


class ChatSession(models.Model):
    """A live chat: its ticket (channel "chat") holds the transcript as messages; this row holds who talks
    (the dealer user or a visitor from the public pages, the agent), in which language, and since when."""

    ticket = models.OneToOneField(Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="chat")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    # A visitor's browser holds this key (signed in its cookie) to come back to its chat.
    visitor_key = models.CharField(_("visitor key"), max_length=64, blank=True, db_index=True)
    language = models.CharField(_("language"), max_length=10, default="en")
    status = models.CharField(_("status"), max_length=10, choices=ChatStatus.choices, default=ChatStatus.WAITING)
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("agent"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    handed_over_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("handed over by"), null=True,
                                       blank=True, on_delete=models.SET_NULL, related_name="+")
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    last_activity_at = models.DateTimeField(_("last activity at"), auto_now_add=True)

    class Meta:
        verbose_name = _("live chat")
        verbose_name_plural = _("live chats")
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["status", "started_at"], name="chat_status_started")]

    def __str__(self):
        return f"{self.ticket.number} {self.get_status_display()}"


class AgentPresence(models.Model):
    """Whether a support agent takes live chats now (on duty) and when the desk last heard from them."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("agent"), on_delete=models.CASCADE,
                                related_name="support_presence")
    on_duty = models.BooleanField(_("takes chats"), default=False)
    last_seen_at = models.DateTimeField(_("last seen at"), null=True, blank=True)

    class Meta:
        verbose_name = _("agent presence")
        verbose_name_plural = _("agent presence")

    def __str__(self):
        return f"{self.user} {self.on_duty}"


# --- SLA -------------------------------------------------------------------------------------------------------------

class Tier(models.TextChoices):
    """dealers.Dealer.tier's choices (the tier lives on the dealer; staff set it there)."""

    STANDARD = "standard", pgettext_lazy("support tier", "Standard")
    SILVER = "silver", _("Silver")
    GOLD = "gold", _("Gold")
    KEY_ACCOUNT = "key_account", _("Key account")


class SlaPolicy(models.Model):
    """Targets of one priority for one dealer tier, in business minutes."""

    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices)
    tier = models.CharField(_("tier"), max_length=20, choices=Tier.choices)
    first_response_minutes = models.PositiveIntegerField(_("first response within (business minutes)"))
    resolution_minutes = models.PositiveIntegerField(_("resolution within (business minutes)"))

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        ordering = ["tier", "priority"]
        constraints = [models.UniqueConstraint(fields=["priority", "tier"], name="sla_policy_once")]

    def __str__(self):
        return f"{self.get_tier_display()} / {self.get_priority_display()}"


class WorkingHours(models.Model):
    """When support works on a weekday (Europe/Istanbul); a weekday without a row is closed."""

    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=[
        (0, _("Monday")), (1, _("Tuesday")), (2, _("Wednesday")), (3, _("Thursday")), (4, _("Friday")),
        (5, _("Saturday")), (6, _("Sunday"))])
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        verbose_name = _("working hours")
        verbose_name_plural = _("working hours")
        ordering = ["weekday", "opens"]
        constraints = [models.CheckConstraint(condition=Q(closes__gt=models.F("opens")), name="working_hours_order")]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class Holiday(models.Model):
    """A day support is closed, or closes early (a half-day eve: `closes_at`)."""

    date = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=100)
    closes_at = models.TimeField(_("closes at"), null=True, blank=True,
                                 help_text=_("A half day: support works until this time. Empty: closed all day."))

    class Meta:
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date} {self.name}"


# --- FAQ -------------------------------------------------------------------------------------------------------------

class ArticleCategory(models.Model):
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=100)
    name_tr = models.CharField(_("name (Turkish)"), max_length=100, blank=True)
    name_bg = models.CharField(_("name (Bulgarian)"), max_length=100, blank=True)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=100, blank=True)
    name_zh_hans = models.CharField(_("name (Chinese)"), max_length=100, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("FAQ category")
        verbose_name_plural = _("FAQ categories")
        ordering = ["position", "slug"]

    def __str__(self):
        return self.name_en

    def name(self, language=None) -> str:
        return in_language(self, "name", language)


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class Article(models.Model):
    """A FAQ article in the five languages (English when one is missing)."""

    category = models.ForeignKey(ArticleCategory, verbose_name=_("category"), on_delete=models.PROTECT,
                                 related_name="articles")
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    status = models.CharField(_("status"), max_length=10, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT)
    title_en = models.CharField(_("title (English)"), max_length=200)
    title_tr = models.CharField(_("title (Turkish)"), max_length=200, blank=True)
    title_bg = models.CharField(_("title (Bulgarian)"), max_length=200, blank=True)
    title_vi = models.CharField(_("title (Vietnamese)"), max_length=200, blank=True)
    title_zh_hans = models.CharField(_("title (Chinese)"), max_length=200, blank=True)
    body_en = models.TextField(_("text (English)"))
    body_tr = models.TextField(_("text (Turkish)"), blank=True)
    body_bg = models.TextField(_("text (Bulgarian)"), blank=True)
    body_vi = models.TextField(_("text (Vietnamese)"), blank=True)
    body_zh_hans = models.TextField(_("text (Chinese)"), blank=True)
    helpful_yes = models.PositiveIntegerField(_("found it helpful"), default=0)
    helpful_no = models.PositiveIntegerField(_("did not find it helpful"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("FAQ article")
        verbose_name_plural = _("FAQ articles")
        ordering = ["category", "slug"]

    def __str__(self):
        return self.title_en

    def title(self, language=None) -> str:
        return in_language(self, "title", language)

    def body(self, language=None) -> str:
        return in_language(self, "body", language)


class ArticleVote(models.Model):
    """One user's "was this helpful" on an article (changing one's mind moves the counts)."""

    article = models.ForeignKey(Article, verbose_name=_("FAQ article"), on_delete=models.CASCADE,
                                related_name="votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
                             related_name="+")
    helpful = models.BooleanField(_("helpful"))
    voted_at = models.DateTimeField(_("voted at"), auto_now=True)

    class Meta:
        verbose_name = _("FAQ vote")
        verbose_name_plural = _("FAQ votes")
        constraints = [models.UniqueConstraint(fields=["article", "user"], name="article_vote_once_per_user")]

    def __str__(self):
        return f"{self.article} {self.helpful}"


# --- Satisfaction ----------------------------------------------------------------------------------------------------

class Satisfaction(models.Model):
    """The dealer's rating of a resolved ticket (asked once): 1–5 and a comment."""

    ticket = models.OneToOneField(Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE,
                                  related_name="satisfaction")
    rating = models.PositiveSmallIntegerField(_("rating"))
    comment = models.TextField(_("comment"), max_length=2000, blank=True)
    rated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("rated by"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    rated_at = models.DateTimeField(_("rated at"), auto_now_add=True)

    class Meta:
        verbose_name = _("satisfaction rating")
        verbose_name_plural = _("satisfaction ratings")
        constraints = [models.CheckConstraint(condition=Q(rating__gte=1) & Q(rating__lte=5),
                                              name="satisfaction_rating_1_to_5")]

    def __str__(self):
        return f"{self.ticket.number}: {self.rating}"
