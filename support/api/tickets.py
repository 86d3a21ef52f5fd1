"""The dealer's tickets through the REST API (issue 15): a session, or a token with scope `account`; every role of an
approved dealer, agents acting for it too. The same services, selectors and permissions as the pages:

- GET /me/tickets/ (status, category; paginated), POST /me/tickets/ (JSON, or multipart with `attachments`; the
  links of "Report a problem": order number, line id or SKU, shipment number, invoice number) → 201 with the ticket;
- GET /me/tickets/{number}/ (the ticket and its conversation: never an internal note; files as links to the
  permission-checked download page);
- POST /me/tickets/{number}/reply/ (JSON or multipart): 200 with the ticket, or 201 with the NEW ticket when the
  reply came after the reopen window (`follow_up: true`); POST …/close/; POST …/rate/ (1–5 and a comment, once).

Who sees which ticket is the selectors' (`tickets_of`: owners all, finance users the invoice tickets, everyone the
ones they opened): another dealer's ticket, or one the user's role does not see, is a 404. Refusals are the
services' DomainErrors with their codes."""
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from dealers.api import DealerAccountMixin
from dealers.api.common import CONFLICT, FORBIDDEN, INVALID, NOT_FOUND
from portal.api_parsers import JSONParser

from .. import permissions, selectors
from ..errors import BadTicketLink
from ..models import MessageKind, Priority, Satisfaction, TicketCategory, TicketSource, TicketStatus
from ..services import close_ticket, open_ticket, rate_ticket, rateable_refusal, reply

STATUSES = ", ".join(TicketStatus.values)
CATEGORIES = ", ".join(TicketCategory.values)
URGENCIES = ", ".join(Priority.values)
MAX_ID = 2**63 - 1


def _absolute(request, url):
    return request.build_absolute_uri(url) if request is not None else url


def _page(name, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


# --- output ----------------------------------------------------------------------------------------------------------

class TicketAttachmentSerializer(serializers.Serializer):
    filename = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField(help_text="Bytes.")
    url = serializers.SerializerMethodField(
        help_text="The file: a page of the portal served only to who may see the ticket (session or browser).")

    def get_url(self, attachment) -> str:
        return _absolute(self.context.get("request"), _page("support:attachment", attachment.pk))


class TicketMessageSerializer(serializers.Serializer):
    written_at = serializers.DateTimeField(source="created_at")
    from_staff = serializers.BooleanField(help_text="An answer of our support team (else your company's message).")
    author = serializers.SerializerMethodField(help_text="Who wrote it: a name (for our staff, their first name).")
    on_behalf = serializers.BooleanField(help_text="Written by your sales agent for your company.")
    kind = serializers.CharField(
        help_text="reply, or call: a phone call with our support team (`body` says who and how long).")
    via = serializers.CharField(
        help_text="The channel it came or went by: web, api, mail, chat, whatsapp, phone, delivery_report, tracking "
                  "or staff.")
    body = serializers.SerializerMethodField()
    attachments = TicketAttachmentSerializer(many=True, source="attachments.all")

    def get_body(self, message) -> str:
        if message.kind == MessageKind.CALL:  # who of support spoke and how long: never the agent's notes
            from ..templatetags.call_tags import dealer_call_summary

            return dealer_call_summary(message)
        return message.body

    def get_author(self, message) -> str:
        author = message.author
        if author is None:
            return ""
        if message.from_staff:
            return author.first_name or _("Support")
        return author.get_full_name() or author.email


class TicketSatisfactionSerializer(serializers.Serializer):
    rating = serializers.IntegerField(help_text="1 to 5.")
    comment = serializers.CharField()
    rated_at = serializers.DateTimeField()


class TicketSerializer(serializers.Serializer):
    number = serializers.CharField()
    subject = serializers.CharField()
    status = serializers.CharField(help_text=f"One of: {STATUSES}.")
    status_label = serializers.CharField(source="get_status_display", help_text="The status in your language.")
    category = serializers.CharField(help_text=f"One of: {CATEGORIES}.")
    category_label = serializers.CharField(source="get_category_display")
    urgency = serializers.CharField(help_text=f"Yours, when you opened it: {URGENCIES}.")
    priority = serializers.CharField(help_text="Set by our support team (it starts as your urgency).")
    source = serializers.CharField(help_text="How it was opened: web, api, mail, chat, whatsapp, phone, "
                                             "delivery_report, tracking or staff.")
    channel = serializers.CharField(source="source", help_text="The channel it came in by (the same as `source`).")
    channel_label = serializers.CharField(source="get_source_display", help_text="The channel in your language.")
    opened_at = serializers.DateTimeField(source="created_at")
    updated_at = serializers.DateTimeField()
    resolved_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    order = serializers.SerializerMethodField(help_text="The order's number it is about, or null.")
    sku = serializers.CharField(help_text="The order line's SKU it is about; empty when none.")
    quantity = serializers.DecimalField(max_digits=12, decimal_places=3, allow_null=True)
    shipment = serializers.SerializerMethodField(help_text="The shipment's number it is about, or null.")
    waybill_number = serializers.CharField()
    carrier_name = serializers.CharField()
    tracking_code = serializers.CharField()
    invoice = serializers.SerializerMethodField(help_text="The invoice's number it is about, or null.")
    follows = serializers.SerializerMethodField(help_text="The ticket this one follows up on, or null.")
    merged_into = serializers.SerializerMethodField(
        help_text="A duplicate merged into another ticket: that ticket's number (its conversation is there).")
    url = serializers.SerializerMethodField(help_text="The ticket's page in the portal.")

    def get_order(self, ticket) -> str | None:
        return ticket.order.number if ticket.order_id else None

    def get_shipment(self, ticket) -> str | None:
        return ticket.shipment.number if ticket.shipment_id else None

    def get_invoice(self, ticket) -> str | None:
        return ticket.invoice.number if ticket.invoice_id else None

    def get_follows(self, ticket) -> str | None:
        return ticket.follows.number if ticket.follows_id else None

    def get_merged_into(self, ticket) -> str | None:
        return ticket.merged_into.number if ticket.merged_into_id else None

    def get_url(self, ticket) -> str:
        return _absolute(self.context.get("request"), _page("support:ticket", ticket.number))


class TicketDetailSerializer(TicketSerializer):
    messages = serializers.SerializerMethodField(
        help_text="The conversation, oldest first: your messages and our answers (never our internal notes).")
    follow_ups = serializers.SerializerMethodField(help_text="Numbers of the tickets that follow up on this one.")
    satisfaction = serializers.SerializerMethodField(help_text="Your rating, once rated; else null.")
    can_reply = serializers.SerializerMethodField(
        help_text="Whether you may reply (to a closed ticket a reply opens a follow-up ticket).")
    can_close = serializers.SerializerMethodField()
    can_rate = serializers.SerializerMethodField(help_text="Whether you may rate it now (resolved, not yet rated).")

    @extend_schema_field(TicketMessageSerializer(many=True))
    def get_messages(self, ticket):
        return TicketMessageSerializer(selectors.dealer_conversation(ticket=ticket), many=True,
                                       context=self.context).data

    def get_follow_ups(self, ticket) -> list[str]:
        actor = self.context.get("actor")
        return list(selectors.tickets_of(actor=actor).filter(follows=ticket).order_by("pk")
                    .values_list("number", flat=True))

    @extend_schema_field(TicketSatisfactionSerializer(allow_null=True))
    def get_satisfaction(self, ticket):
        row = Satisfaction.objects.filter(ticket=ticket).first()
        return TicketSatisfactionSerializer(row).data if row is not None else None

    def get_can_reply(self, ticket) -> bool:
        return permissions.may_reply(self.context.get("actor"), ticket)

    def get_can_close(self, ticket) -> bool:
        return permissions.may_close(self.context.get("actor"), ticket)

    def get_can_rate(self, ticket) -> bool:
        return permissions.may_rate_ticket(self.context.get("actor"), ticket) and rateable_refusal(ticket) is None


class TicketReplyResultSerializer(serializers.Serializer):
    follow_up = serializers.BooleanField(
        help_text="True when the ticket was closed (or resolved longer ago than the reopen window): your reply opened "
                  "the NEW ticket below (201), which follows the one you replied to. False: your reply is in the "
                  "ticket below (200).")
    replied_to = serializers.CharField(help_text="The number of the ticket you replied to.")
    ticket = TicketDetailSerializer()


# --- input -----------------------------------------------------------------------------------------------------------

class TicketLinksSerializer(serializers.Serializer):
    order = serializers.CharField(required=False, allow_blank=True, max_length=40,
                                  help_text="The number of your order it is about.")
    line = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=MAX_ID,
                                    help_text="The id of the order line it is about (see the order's lines).")
    sku = serializers.CharField(required=False, allow_blank=True, max_length=64,
                                help_text="Or the SKU of the line, with `order` (or `shipment`): the order's line of "
                                          "that SKU.")
    shipment = serializers.CharField(required=False, allow_blank=True, max_length=40,
                                     help_text="The number of your shipment it is about.")
    invoice = serializers.CharField(required=False, allow_blank=True, max_length=40,
                                    help_text="The number of your invoice it is about.")


class TicketInSerializer(TicketLinksSerializer):
    subject = serializers.CharField(max_length=200, allow_blank=True)
    body = serializers.CharField(max_length=20000, allow_blank=True, help_text="What happened.")
    category = serializers.CharField(max_length=20, help_text=f"One of: {CATEGORIES}.")
    urgency = serializers.CharField(max_length=10, required=False, default=Priority.NORMAL,
                                    help_text=f"How urgent it is for you: {URGENCIES} (normal when left out).")


class TicketMultipartSerializer(TicketInSerializer):
    attachments = serializers.ListField(
        child=serializers.FileField(), required=False, default=list, max_length=10,
        help_text="Up to 10 files: images (JPEG, PNG, WebP, GIF) or PDF, told by their content, 10 MB each.")


class TicketReplyInSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=20000, allow_blank=True)


class TicketReplyMultipartSerializer(TicketReplyInSerializer):
    attachments = serializers.ListField(
        child=serializers.FileField(), required=False, default=list, max_length=10,
        help_text="Up to 10 images or PDF files, 10 MB each.")


class TicketRateInSerializer(serializers.Serializer):
    rating = serializers.IntegerField(help_text="1 (poor) to 5 (excellent).")
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


def _multipart(request) -> bool:
    content_type = request.content_type or ""
    return content_type.startswith("multipart/") or content_type.startswith("application/x-www-form-urlencoded")


def _links(actor, values) -> dict:
    """The service's links ({order, line, shipment, invoice}) of the API's (a SKU names the line of the order, or of
    the shipment's order; only among the actor's dealer's orders)."""
    from orders.models import OrderLine

    links = {name: values.get(name) for name in ("order", "line", "shipment", "invoice") if values.get(name)}
    sku = (values.get("sku") or "").strip()
    if sku and not links.get("line"):
        lines = OrderLine.objects.filter(order__dealer=actor.dealer, sku__iexact=sku)
        if links.get("order"):
            lines = lines.filter(order__number=str(links["order"]).strip())
        elif links.get("shipment"):
            lines = lines.filter(order__shipments__number=str(links["shipment"]).strip())
        else:
            lines = lines.none()
        found = list(lines.values_list("pk", flat=True).distinct()[:2])
        if len(found) != 1:
            raise BadTicketLink(_("Name the order (or shipment) whose line has SKU %(sku)s, once.") % {"sku": sku},
                                field="sku")
        links["line"] = found[0]
    return links


# --- views -----------------------------------------------------------------------------------------------------------

FILTERS = [OpenApiParameter("status", str, description=f"One of: {STATUSES}."),
           OpenApiParameter("category", str, description=f"One of: {CATEGORIES}.")]
STRICT_JSON = [JSONParser, MultiPartParser, FormParser]


class TicketAccessMixin(DealerAccountMixin):
    def get_ticket(self, number):
        return selectors.get_ticket(actor=self.actor, number=number)

    def detail(self, ticket, *, code=status.HTTP_200_OK):
        ticket = self.get_ticket(ticket.number)
        return Response(TicketDetailSerializer(ticket, context={"request": self.request, "actor": self.actor}).data,
                        status=code)


class TicketListView(TicketAccessMixin, APIView):
    pagination_class = PageNumberPagination  # the schema's page shape
    parser_classes = STRICT_JSON

    @extend_schema(description="Your tickets, newest first: all of your company's for an owner, the invoice tickets "
                               "and their own for a finance user, the ones they opened for everyone else.",
                   parameters=FILTERS, responses={200: TicketSerializer(many=True), 403: FORBIDDEN})
    def get(self, request):
        rows = selectors.list_tickets(actor=self.actor, status=request.query_params.get("status"))
        category = request.query_params.get("category")
        if category in TicketCategory.values:
            rows = rows.filter(category=category)
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(rows.select_related("follows", "merged_into"), request, view=self)
        return paginator.get_paginated_response(TicketSerializer(page, many=True, context={"request": request}).data)

    @extend_schema(
        description="Open a ticket for your company: subject, what happened (`body`), the category (it routes the "
                    "ticket to a team) and your urgency, and what it is about (`order`, `line` or `sku`, `shipment`, "
                    "`invoice`: your own only). Files only as multipart/form-data (`attachments`, repeated). 201 "
                    "with the ticket. Refusals: 400 `support.bad_ticket` (no subject or text, an unknown category or "
                    "urgency), `support.bad_link` (not one of your orders, lines, shipments or invoices), "
                    "`support.bad_attachment` (not an image or PDF by its content, such as an SVG or a web page, or "
                    "over 10 MB); 403 `support.not_allowed`.",
        request={"application/json": TicketInSerializer, "multipart/form-data": TicketMultipartSerializer},
        responses={201: TicketDetailSerializer, 400: INVALID, 403: FORBIDDEN})
    def post(self, request):
        multipart = _multipart(request)
        data = (TicketMultipartSerializer if multipart else TicketInSerializer)(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        ticket = open_ticket(actor=self.actor, subject=values["subject"], body=values["body"],
                             category=values["category"], urgency=values["urgency"] or Priority.NORMAL,
                             links=_links(self.actor, values),
                             attachments=request.FILES.getlist("attachments") if multipart else (),
                             source=TicketSource.API)
        return self.detail(ticket, code=status.HTTP_201_CREATED)


class TicketDetailView(TicketAccessMixin, APIView):
    @extend_schema(description="One ticket and its conversation (never an internal note of our team), files as "
                               "links. Another company's ticket, or one your role does not see, is a 404.",
                   responses={200: TicketDetailSerializer, 403: FORBIDDEN, 404: NOT_FOUND})
    def get(self, request, number):
        return self.detail(self.get_ticket(number))


class TicketReplyView(TicketAccessMixin, APIView):
    parser_classes = STRICT_JSON

    @extend_schema(
        description="Reply to the ticket (files only as multipart/form-data). A ticket waiting on you, or resolved "
                    "within the reopen window, opens again: 200 with it (`follow_up: false`). A closed ticket, or "
                    "one resolved longer ago, takes no more replies: yours opens a NEW ticket that follows it, 201 "
                    "with that ticket (`follow_up: true`). Refusals: 400 `support.bad_ticket` (no text), "
                    "`support.bad_attachment`; 403 `support.not_allowed`.",
        request={"application/json": TicketReplyInSerializer, "multipart/form-data": TicketReplyMultipartSerializer},
        responses={200: TicketReplyResultSerializer, 201: TicketReplyResultSerializer, 400: INVALID, 403: FORBIDDEN,
                   404: NOT_FOUND})
    def post(self, request, number):
        ticket = self.get_ticket(number)
        multipart = _multipart(request)
        data = (TicketReplyMultipartSerializer if multipart else TicketReplyInSerializer)(data=request.data)
        data.is_valid(raise_exception=True)
        message = reply(actor=self.actor, ticket=ticket, body=data.validated_data["body"],
                        attachments=request.FILES.getlist("attachments") if multipart else (),
                        via=TicketSource.API)
        replied_to = ticket.merged_into if ticket.merged_into_id else ticket
        follow_up = message.ticket_id != replied_to.pk
        answered = self.get_ticket(message.ticket.number)
        body = {"follow_up": follow_up, "replied_to": ticket.number,
                "ticket": TicketDetailSerializer(answered, context={"request": request, "actor": self.actor}).data}
        return Response(body, status=status.HTTP_201_CREATED if follow_up else status.HTTP_200_OK)


class TicketCloseView(TicketAccessMixin, APIView):
    @extend_schema(description="Close the ticket: it takes no more replies (a later reply opens a new ticket that "
                               "follows it). 200 with the ticket. Refusals: 409 `support.not_closable` (closed "
                               "already), 403 `support.not_allowed`.",
                   request=None, responses={200: TicketDetailSerializer, 403: FORBIDDEN, 404: NOT_FOUND,
                                            409: CONFLICT})
    def post(self, request, number):
        ticket = close_ticket(actor=self.actor, ticket=self.get_ticket(number))
        return self.detail(ticket)


class TicketRateView(TicketAccessMixin, APIView):
    parser_classes = STRICT_JSON

    @extend_schema(description="Rate a resolved (or closed) ticket once, 1 to 5 with an optional comment. 201 with "
                               "the ticket (`satisfaction` filled in). Refusals: 400 `support.rating_invalid` (not "
                               "1 to 5), 409 `support.already_rated` and `support.not_rateable` (not resolved yet), "
                               "403 `support.rating_not_allowed` (a sales agent acting for your company).",
                   request=TicketRateInSerializer,
                   responses={201: TicketDetailSerializer, 400: INVALID, 403: FORBIDDEN, 404: NOT_FOUND,
                              409: CONFLICT})
    def post(self, request, number):
        ticket = self.get_ticket(number)
        data = TicketRateInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rate_ticket(actor=self.actor, ticket=ticket, rating=data.validated_data["rating"],
                    comment=data.validated_data["comment"])
        return self.detail(ticket, code=status.HTTP_201_CREATED)
