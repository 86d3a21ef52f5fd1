"""Django admin of quotes: read-only lists and pages (lines, revisions with their PDFs, history inline) with a link to
the staff editor, where quotes are changed; the admin's actions call the quote services."""
import datetime

from django import forms
from django.contrib import admin, messages
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from portal.admin import (
    AdminMove,
    ReadOnlyInline,
    StatusHistoryInline,
    StatusMovesAdmin,
    admin_money,
    money_field,
    quantity_field,
)
from portal.errors import DomainError

from . import services
from .models import QUOTE, Quote, QuoteLine, QuoteRevision, QuoteStatus, QuoteStatusChange
from .services.quote_figures import line_figures


class QuoteMoveNoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("Shown to the dealer in the quote's history."))


class QuoteLineInline(ReadOnlyInline):
    model = QuoteLine
    fields = ["position", "product", "qty", "list_price", "negotiated_price", "discount_percent",
              "net_unit", "line_net_amount"]
    readonly_fields = fields
    qty = quantity_field("quantity", _("quantity"))
    list_price = money_field("engine_unit_price", _("list unit price"), currency="quote.currency")
    negotiated_price = money_field("negotiated_unit_price", _("negotiated net unit price"), currency="quote.currency")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("product", "quote")

    @admin.display(description=_("net unit price"))
    def net_unit(self, obj):
        return admin_money(line_figures(obj).net_unit_price, obj.quote.currency)

    @admin.display(description=_("line net"))
    def line_net_amount(self, obj):
        return admin_money(line_figures(obj).line_net, obj.quote.currency)


class QuoteRevisionInline(ReadOnlyInline):
    model = QuoteRevision
    fields = ["number", "sent_at", "sent_by", "valid", "gross", "pdf", "reminder_sent_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("sent_by", "document", "quote")

    @admin.display(description=_("valid until"))
    def valid(self, obj):
        # The snapshot keeps the date as ISO text; shown in the reader's date format like every other date.
        value = obj.valid_until
        if not value:
            return "-"
        day = value if isinstance(value, datetime.date) else datetime.date.fromisoformat(str(value))
        return date_format(day, "SHORT_DATE_FORMAT")

    @admin.display(description=_("total incl. VAT"))
    def gross(self, obj):
        return admin_money(obj.totals.get("gross"), obj.snapshot.get("currency") or obj.quote.currency)

    @admin.display(description=_("PDF"))
    def pdf(self, obj):
        if obj.document is None or obj.document.status != "ready":
            return obj.document.get_status_display() if obj.document else "—"
        return format_html('<a href="{}">{}</a>', reverse("quotes:revision_pdf", args=[obj.quote.number, obj.number]),
                           gettext("Download"))


class QuoteStatusChangeInline(StatusHistoryInline):
    model = QuoteStatusChange
    fields = ["created_at", "from_status", "to_status", "by", "on_behalf", "revision", "note"]
    readonly_fields = fields


@admin.register(Quote)
class QuoteAdmin(StatusMovesAdmin):
    list_display = ["number", "dealer", "status", "revision", "valid_until", "order_number", "placed_by", "created_at",
                    "editor_link"]
    list_filter = ["status", "payment_method", "delivery_method", "dealer__segment", "created_at"]
    search_fields = ["number", "order_number", "dealer__legal_name", "dealer__trade_name", "dealer__code",
                     "lines__product__sku"]
    list_select_related = ["dealer", "placed_by"]
    date_hierarchy = "created_at"
    readonly_fields = ["number", "dealer", "status", "revision", "currency", "requested_by", "placed_by",
                       "request_note", "requested_delivery_date", "quote_date", "delivery_date", "payment_method",
                       "delivery_method", "shipping_insured", "shipping_charge_net", "shipping_charge_vat",
                       "valid_until", "terms", "notes", "sent_at", "decided_by", "decided_at",
                       "rejection_reason", "order_number", "created_at", "updated_at", "editor_link"]
    fieldsets = (
        (None, {"fields": ("number", "dealer", "status", "revision", "editor_link")}),
        (_("Request"), {"fields": ("requested_by", "placed_by", "request_note", "requested_delivery_date",
                                   "created_at")}),
        (_("Terms"), {"fields": ("quote_date", "valid_until", "delivery_date", "payment_method", "delivery_method",
                                 "shipping_insured", "shipping_charge_net", "shipping_charge_vat", "currency", "terms",
                                 "notes", "sent_at")}),
        (_("Decision"), {"fields": ("decided_by", "decided_at", "rejection_reason", "order_number", "updated_at")}),
    )
    inlines = [QuoteLineInline, QuoteRevisionInline, QuoteStatusChangeInline]
    # The delivery method's charge as last priced (each revision sent froze its own; cargo insurance included).
    shipping_charge_net = money_field("shipping_net", _("shipping charge (net)"), currency="currency")
    shipping_charge_vat = money_field("shipping_vat", _("VAT on shipping"), currency="currency")
    actions = ["send_selected", "expire_overdue"]

    def has_add_permission(self, request):
        return False  # dealers (or their agents) ask for quotes; staff prepare them in the editor

    def has_delete_permission(self, request, obj=None):
        return False  # quotes are business records: they expire or are rejected, never vanish

    # Staff's own moves, where the quote's lifecycle (QUOTE) allows them now: preparing (→ draft) and sending.
    # Accepting and rejecting are the dealer's, expiry the nightly job's, ordering the accepting service's.
    def status_moves(self, request, obj):
        allowed = QUOTE.targets(obj.status)
        moves = []
        if QuoteStatus.DRAFT in allowed:
            first = obj.status == QuoteStatus.REQUESTED
            moves.append(AdminMove(
                name="draft", label=_("Start preparing") if first else _("Revise (next revision)"),
                form=QuoteMoveNoteForm,
                intro=_("The quote goes into preparation; change its lines and terms in the editor, then send it.")
                if first else _("The quote goes back into preparation; the revisions already sent stay as they "
                                "were, and the next send is a new revision.")))
        if QuoteStatus.SENT in allowed:
            moves.append(AdminMove(name="send", label=_("Send to the dealer"), intro=_(
                "The quote is checked, frozen as its next revision with its PDF, and mailed to the dealer's users "
                "who may accept it.")))
        return moves

    def perform_move(self, request, obj, move, data):
        if move.name == "send":
            services.send_quote(actor=request.user, quote=obj)
        else:
            services.start_draft(actor=request.user, quote=obj, note=(data.get("note") or "").strip())

    @admin.display(description=_("editor"))
    def editor_link(self, obj):
        if obj is None or not obj.pk or not obj.is_editable:
            return "—"
        return format_html('<a class="button" href="{}">{}</a>', reverse("quotes:edit", args=[obj.number]),
                           gettext("Open the editor"))

    @admin.action(description=_("Send the selected quotes (as their next revision)"), permissions=["change"])
    def send_selected(self, request, queryset):
        done, skipped = 0, []
        for quote in queryset.select_related("dealer"):
            try:
                services.send_quote(actor=request.user, quote=quote)
            except DomainError as exc:
                skipped.append(f"{quote.number}: {exc.message}")
            else:
                done += 1
        message = ngettext("%(count)d quote sent", "%(count)d quotes sent", done) % {"count": done}
        if skipped:
            message = f"{message}; " + gettext("skipped: %(skipped)s") % {"skipped": "; ".join(skipped)}
        self.message_user(request, message, messages.SUCCESS if not skipped else
                          (messages.WARNING if done else messages.ERROR))

    @admin.action(description=_("Expire the selected sent quotes past their validity"), permissions=["change"])
    def expire_overdue(self, request, queryset):
        count = services.expire_quotes(ids=queryset.values_list("pk", flat=True))
        self.message_user(request, ngettext("%(count)d quote expired.", "%(count)d quotes expired.", count)
                          % {"count": count}, messages.SUCCESS)
