"""Django admin of orders: carts and saved lists, read only (dealers and agents change them through the portal)."""
from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from catalog.admin import quantity_with_unit_field
from portal.admin import ReadOnlyAdmin, ReadOnlyInline, StatusHistoryInline, quantity_field

from .models import Cart, CartLine, SavedList, SavedListLine


class _ReadOnlyInline(ReadOnlyInline):
    """Product lines (cart, list, order): the quantity with its unit."""

    fields = ["product", "qty", "added_at"]
    readonly_fields = fields
    qty = quantity_with_unit_field(_("quantity"), unit="product.unit")
    autocomplete_fields = []

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("product")


class CartLineInline(_ReadOnlyInline):
    model = CartLine


class SavedListLineInline(_ReadOnlyInline):
    model = SavedListLine


class WithLineCount(ReadOnlyAdmin):
    """A read-only list of carts or saved lists with how many lines each holds (one annotated query)."""

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(line_count=Count("lines"))

    @admin.display(description=_("lines"), ordering="line_count")
    def line_count(self, obj):
        return obj.line_count


@admin.register(Cart)
class CartAdmin(WithLineCount):
    list_display = ["dealer", "user", "acting_agent", "line_count", "updated_at"]
    list_filter = ["updated_at"]
    search_fields = ["dealer__legal_name", "dealer__trade_name", "dealer__code", "user__email"]
    list_select_related = ["dealer", "user"]
    fields = ["dealer", "user", "created_at", "updated_at"]
    readonly_fields = fields
    inlines = [CartLineInline]

    @admin.display(description=_("agent's cart"), boolean=True)
    def acting_agent(self, obj):
        return obj.on_behalf


@admin.register(SavedList)
class SavedListAdmin(WithLineCount):
    list_display = ["name", "dealer", "created_by", "line_count", "updated_at"]
    search_fields = ["name", "dealer__legal_name", "dealer__trade_name", "dealer__code"]
    list_select_related = ["dealer", "created_by"]
    fields = ["dealer", "name", "created_by", "created_at", "updated_at"]
    readonly_fields = fields
    inlines = [SavedListLineInline]


# --- Orders, sub-statuses and returns ---------------------------------------------------------------------------

from django import forms  # noqa: E402
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME  # noqa: E402
from django.db.models import Q  # noqa: E402
from django.template.response import TemplateResponse  # noqa: E402
from django.utils.translation import pgettext_lazy  # noqa: E402

from portal.admin import (  # noqa: E402
    AdminMove,
    StatusMovesAdmin,
    money_field,
    summary_level,
    summary_message,
)
from portal.errors import DomainError  # noqa: E402

from . import hooks, permissions  # noqa: E402
from .models import (  # noqa: E402
    Order,
    OrderLine,
    OrderStatus,
    OrderStatusChange,
    ReturnPhoto,
    ReturnRequest,
    ReturnStatusChange,
    SubStatus,
)
from .services import changes, returns  # noqa: E402

# What the button says for a move to each status (the moves themselves come from changes.staff_moves).
MOVE_LABELS = {
    OrderStatus.CONFIRMED: pgettext_lazy("order move", "Confirm"),
    OrderStatus.PROCESSING: pgettext_lazy("order move", "Start processing"),
    OrderStatus.PARTIALLY_SHIPPED: pgettext_lazy("order move", "Mark partially shipped"),
    OrderStatus.SHIPPED: pgettext_lazy("order move", "Mark shipped"),
    OrderStatus.DELIVERED: pgettext_lazy("order move", "Mark delivered"),
    OrderStatus.CANCELLED: pgettext_lazy("order move", "Cancel the order"),
    OrderStatus.REJECTED: pgettext_lazy("order move", "Reject"),
}
NOTE_SHOWN, NOTE_INTERNAL = "dealer", "internal"


@admin.register(SubStatus)
class SubStatusAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "status", "visible_to_dealer", "notify_dealer", "ordering", "active"]
    list_editable = ["ordering", "active"]
    list_filter = ["status", "visible_to_dealer", "notify_dealer", "active"]
    search_fields = ["code", "name_en", "name_tr"]


class OrderLineInline(_ReadOnlyInline):
    model = OrderLine
    fields = ["sku", "name", "qty", "price", "net", "vat", "short", "returned"]
    readonly_fields = fields
    qty = quantity_with_unit_field(_("quantity"))
    short = quantity_field("short_shipped_quantity", _("cancelled (not shipped)"))
    returned = quantity_field("returned_quantity", _("returned"))
    price = money_field("unit_price", _("unit price"), currency="order.currency")
    net = money_field("line_net", _("net"), currency="order.currency")
    vat = money_field("line_vat", _("VAT"), currency="order.currency")

    def get_queryset(self, request):
        return admin.TabularInline.get_queryset(self, request).select_related("order")


class OrderHistoryInline(StatusHistoryInline):
    model = OrderStatusChange
    fields = ["created_at", "from_status", "to_status", "sub_status", "by", "on_behalf", "note", "note_internal"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("sub_status")


class ReturnHistoryInline(StatusHistoryInline):
    model = ReturnStatusChange
    fields = ["created_at", "from_status", "to_status", "by", "on_behalf", "note"]
    readonly_fields = fields


class MoveNoteForm(forms.Form):
    """A note on a move, with an explicit choice of who reads it: nothing is pre-selected."""

    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    note_visibility = forms.ChoiceField(
        label=_("Who reads the note"), required=False, widget=forms.RadioSelect(attrs={"class": "status-move-note-visibility"}),
        choices=[(NOTE_SHOWN, _("Shown to the dealer (order page, e-mail and API)")),
                 (NOTE_INTERNAL, _("Internal: staff only, never shown to the dealer"))])

    def clean(self):
        data = super().clean()
        if (data.get("note") or "").strip() and not data.get("note_visibility"):
            self.add_error("note_visibility", _("Choose whether the dealer may read this note."))
        return data

    def note_values(self) -> dict:
        return {"note": (self.cleaned_data.get("note") or "").strip(),
                "note_internal": self.cleaned_data.get("note_visibility") == NOTE_INTERNAL}


def _sub_statuses(statuses):
    return SubStatus.objects.filter(Q(status="") | Q(status__in=list(statuses)), active=True)


class OrderMoveForm(MoveNoteForm):
    """One order's move from its admin page: an optional sub-status of the new status, and the note."""

    sub_status = forms.ModelChoiceField(label=_("Sub-status"), queryset=SubStatus.objects.none(), required=False)
    field_order = ["sub_status", "note", "note_visibility"]

    def __init__(self, *args, to_status, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sub_status"].queryset = _sub_statuses([to_status])


class SetStatusForm(MoveNoteForm):
    """The list action: only the statuses some selected order may move to, and the selected orders' current ones
    (to set a sub-status without a move); none chosen in advance."""

    status = forms.ChoiceField(label=_("New status"))
    sub_status = forms.ModelChoiceField(label=_("Sub-status"), queryset=SubStatus.objects.none(), required=False)
    field_order = ["status", "sub_status", "note", "note_visibility"]

    def __init__(self, *args, orders, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = {to for order in orders for to in changes.staff_moves(order.status)}
        current = {order.status for order in orders}
        self.fields["status"].choices = [("", "---------")] + [
            (s.value, s.label if s in allowed else _("%(status)s (current: sub-status only)") % {"status": s.label})
            for s in OrderStatus if s in allowed or s in current]
        self.fields["sub_status"].queryset = _sub_statuses(allowed | current)


class OrderLineSkuFilter(admin.SimpleListFilter):
    title = _("placed by an agent")
    parameter_name = "agent"

    def lookups(self, request, model_admin):
        return [("1", _("yes")), ("0", _("no"))]

    def queryset(self, request, queryset):
        if self.value() in ("0", "1"):
            return queryset.filter(on_behalf=self.value() == "1")
        return queryset


@admin.register(Order)
class OrderAdmin(StatusMovesAdmin):
    list_display = ["number", "dealer", "status", "sub_status", "po_number", "total", "placed_by", "created_at"]
    list_filter = ["status", "sub_status", "payment_method", "shipping_method", OrderLineSkuFilter, "created_at"]
    search_fields = ["number", "dealer__legal_name", "dealer__code", "po_number", "lines__sku", "quote_number"]
    list_select_related = ["dealer", "placed_by", "sub_status"]
    date_hierarchy = "created_at"
    inlines = [OrderLineInline, OrderHistoryInline]
    actions = ["confirm_selected", "cancel_selected", "set_status_selected"]
    readonly_fields = ["number", "dealer", "placed_by", "on_behalf", "status", "sub_status", "quote_number",
                       "shipping_address", "billing_address", "shipping_method", "shipping_label", "shipping_charge_net",
                       "shipping_vat_rate", "shipping_charge_vat", "cargo_insurance", "insurance_premium",
                       "payment_method", "installments",
                       "po_number", "requested_delivery_date", "notes", "currency", "net_total", "vat_total",
                       "total", "decided_by", "decision_note", "created_at", "updated_at"]
    fields = readonly_fields
    net_total = money_field("total_net", _("net total"))
    vat_total = money_field("total_vat", _("VAT"))
    total = money_field("total_gross", _("total"))
    shipping_charge_net = money_field("shipping_net", _("shipping charge (net)"))
    shipping_charge_vat = money_field("shipping_vat", _("VAT on shipping"))
    # Cargo insurance chosen at checkout; its premium is part of the shipping charge above.
    insurance_premium = money_field("shipping_insurance_net", _("insurance premium (net)"))

    @admin.display(description=_("cargo insurance"))
    def cargo_insurance(self, obj):
        return _("yes") if obj.shipping_insured else _("no")

    change_form_template = "admin/orders/order/change_form.html"

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and change:
            # Boxes of later stages (hook point orders.admin_panel): shipping's shipments and buttons.
            context["order_panels"] = [html for html in hooks.admin_panel.collect(request=request, order=obj) if html]
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def status_moves(self, request, obj):
        return [AdminMove(name=to.value, label=MOVE_LABELS.get(to, to.label),
                          intro=_("The order becomes “%(status)s”; the dealer is mailed the new status.")
                          % {"status": to.label})
                for to in changes.staff_moves(obj.status)]

    def make_move_form(self, request, obj, move):
        return OrderMoveForm(request.POST if request.method == "POST" else None, to_status=move.name)

    def perform_move(self, request, obj, move, data):
        changes.set_status(actor=request.user, order=obj, status=move.name, sub_status=data.get("sub_status"),
                           note=(data.get("note") or "").strip(),
                           note_internal=data.get("note_visibility") == NOTE_INTERNAL)

    def has_add_permission(self, request):
        return False  # orders are placed through checkout, quotes, agents and the API

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).distinct() if request.GET.get("q") else super().get_queryset(request)

    def _apply(self, request, orders, **values):
        done, skipped = 0, []
        for order in orders:
            try:
                changes.set_status(actor=request.user, order=order, **values)
            except DomainError as exc:
                skipped.append(f"{order}: {exc.message}")
            else:
                done += 1
        self.message_user(request, summary_message(_("%(count)s orders changed.") % {"count": done}, skipped),
                          summary_level(done, skipped))

    @admin.action(description=_("Confirm the selected orders"), permissions=["change"])
    def confirm_selected(self, request, queryset):
        self._apply(request, list(queryset), status=OrderStatus.CONFIRMED)

    @admin.action(description=_("Cancel the selected orders"), permissions=["change"])
    def cancel_selected(self, request, queryset):
        self._apply(request, list(queryset), status=OrderStatus.CANCELLED)

    @admin.action(description=_("Set the status of the selected orders…"), permissions=["change"])
    def set_status_selected(self, request, queryset):
        orders = list(queryset)
        form = SetStatusForm(request.POST if "apply" in request.POST else None, orders=orders)
        if form.is_bound and form.is_valid():
            self._apply(request, orders, status=form.cleaned_data["status"],
                        sub_status=form.cleaned_data["sub_status"], **form.note_values())
            return None
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/orders/set_status.html", {
            **self.admin_site.each_context(request), "opts": self.opts, "title": _("Set the status of orders"),
            "form": form, "objects": [f"{o} ({o.get_status_display()})" for o in orders],
            "action": "set_status_selected",
            "action_checkbox_name": ACTION_CHECKBOX_NAME, "selected": request.POST.getlist(ACTION_CHECKBOX_NAME),
        })


class ReturnPhotoInline(admin.TabularInline):
    model = ReturnPhoto
    extra = 0
    fields = ["photo"]
    readonly_fields = ["photo"]
    can_delete = False

    @admin.display(description=_("photo"))
    def photo(self, obj):
        # Through the permission-checked download view: media/private/ is never served as static files.
        from django.utils.html import format_html

        from .selectors import return_photo_url

        if not obj.pk or not obj.image:
            return "-"
        url = return_photo_url(photo=obj)
        return format_html('<a href="{}" class="return-photo"><img src="{}" alt="{}" width="120"></a>', url, url,
                           _("photo"))

    def has_add_permission(self, request, obj=None):
        return False


class DecisionNoteForm(forms.Form):
    note = forms.CharField(label=_("Note to the dealer"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                           help_text=_("Shown to the dealer: on its order page and in the e-mail about the decision."))


@admin.register(ReturnRequest)
class ReturnRequestAdmin(StatusMovesAdmin):
    list_display = ["number", "order", "line", "qty", "status", "requested_by", "created_at"]
    list_filter = ["status", "created_at"]
    search_fields = ["number", "order__number", "order__dealer__legal_name", "line__sku"]
    list_select_related = ["order", "line", "requested_by"]
    readonly_fields = ["number", "order", "line", "qty", "reason", "status", "requested_by", "on_behalf",
                       "decided_by", "decided_at", "decision_note", "created_at"]
    fields = readonly_fields
    inlines = [ReturnPhotoInline, ReturnHistoryInline]
    actions = ["approve_selected", "reject_selected"]
    qty = quantity_with_unit_field(_("quantity"), unit="line.unit")
    change_form_template = "admin/orders/returnrequest/change_form.html"

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and change:
            # Boxes of later stages (hook point orders.return_admin_panel): shipping's return shipment and button.
            context["return_panels"] = [html for html in hooks.return_admin_panel.collect(request=request, rma=obj)
                                        if html]
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    # A return is decided once, from "requested"; an approved one's goods are received once (the services check it
    # again under their lock).
    def status_moves(self, request, obj):
        if permissions.can_receive_return(request.user, obj):
            return [AdminMove(name="receive", label=_("Goods received"),
                              intro=_("The returned goods are back: they go back to stock, the returned quantity is "
                                      "credited to the dealer (a credit note) and the dealer is mailed."))]
        if not permissions.can_decide_return(request.user, obj):
            return []
        return [
            AdminMove(name="approve", label=_("Approve the return"), form=DecisionNoteForm,
                      intro=_("The dealer is mailed and sends the goods back; they are credited (a credit note) "
                              "when they are received.")),
            AdminMove(name="reject", label=_("Reject the return"), form=DecisionNoteForm,
                      intro=_("Say why: the dealer reads the note.")),
        ]

    def perform_move(self, request, obj, move, data):
        service = {"approve": returns.approve_return, "reject": returns.reject_return,
                   "receive": returns.receive_return}[move.name]
        service(actor=request.user, rma=obj, note=(data or {}).get("note", ""))

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def _decide(self, request, queryset, service, title, action):
        form = DecisionNoteForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            done, skipped = 0, []
            for rma in queryset:
                try:
                    service(actor=request.user, rma=rma, note=form.cleaned_data["note"])
                except DomainError as exc:
                    skipped.append(f"{rma}: {exc.message}")
                else:
                    done += 1
            self.message_user(request, summary_message(_("%(count)s returns decided.") % {"count": done}, skipped),
                              summary_level(done, skipped))
            return None
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/orders/set_status.html", {
            **self.admin_site.each_context(request), "opts": self.opts, "title": title, "form": form,
            "objects": list(queryset), "action": action, "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "selected": request.POST.getlist(ACTION_CHECKBOX_NAME),
        })

    @admin.action(description=_("Approve the selected returns…"), permissions=["change"])
    def approve_selected(self, request, queryset):
        return self._decide(request, queryset, returns.approve_return, _("Approve returns"), "approve_selected")

    @admin.action(description=_("Reject the selected returns…"), permissions=["change"])
    def reject_selected(self, request, queryset):
        return self._decide(request, queryset, returns.reject_return, _("Reject returns"), "reject_selected")
