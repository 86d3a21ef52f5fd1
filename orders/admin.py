"""Django admin of orders: carts and saved lists, read only (dealers and agents change them through the portal)."""
from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from portal.admin import ReadOnlyAdmin

from .models import Cart, CartLine, SavedList, SavedListLine


class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    fields = ["product", "quantity", "added_at"]
    readonly_fields = fields
    autocomplete_fields = []

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

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
from django.template.response import TemplateResponse  # noqa: E402

from portal.admin import summary_level, summary_message  # noqa: E402
from portal.errors import DomainError  # noqa: E402

from .models import Order, OrderLine, OrderStatus, OrderStatusChange, ReturnPhoto, ReturnRequest, SubStatus  # noqa: E402
from .services import changes, returns  # noqa: E402


@admin.register(SubStatus)
class SubStatusAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "status", "visible_to_dealer", "notify_dealer", "ordering", "active"]
    list_editable = ["ordering", "active"]
    list_filter = ["status", "visible_to_dealer", "notify_dealer", "active"]
    search_fields = ["code", "name_en", "name_tr"]


class OrderLineInline(_ReadOnlyInline):
    model = OrderLine
    fields = ["sku", "name", "quantity", "unit", "unit_price", "line_net", "line_vat", "returned_quantity"]
    readonly_fields = fields

    def get_queryset(self, request):
        return admin.TabularInline.get_queryset(self, request)


class OrderHistoryInline(_ReadOnlyInline):
    model = OrderStatusChange
    fields = ["created_at", "from_status", "to_status", "sub_status", "by", "on_behalf", "note"]
    readonly_fields = fields

    def get_queryset(self, request):
        return admin.TabularInline.get_queryset(self, request).select_related("by", "sub_status")


class SetStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=OrderStatus.choices)
    sub_status = forms.ModelChoiceField(label=_("Sub-status"), queryset=SubStatus.objects.filter(active=True),
                                        required=False)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


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
class OrderAdmin(admin.ModelAdmin):
    list_display = ["number", "dealer", "status", "sub_status", "po_number", "total_gross", "placed_by", "created_at"]
    list_filter = ["status", "sub_status", "payment_method", "shipping_method", OrderLineSkuFilter, "created_at"]
    search_fields = ["number", "dealer__legal_name", "dealer__code", "po_number", "lines__sku", "quote_number"]
    list_select_related = ["dealer", "placed_by", "sub_status"]
    date_hierarchy = "created_at"
    inlines = [OrderLineInline, OrderHistoryInline]
    actions = ["confirm_selected", "cancel_selected", "set_status_selected"]
    readonly_fields = ["number", "dealer", "placed_by", "on_behalf", "status", "sub_status", "quote_number",
                       "shipping_address", "billing_address", "shipping_method", "payment_method", "installments",
                       "po_number", "requested_delivery_date", "notes", "currency", "total_net", "total_vat",
                       "total_gross", "decided_by", "decision_note", "created_at", "updated_at"]
    fields = readonly_fields

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
                changes.set_status(by=request.user, order=order, **values)
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
        form = SetStatusForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            self._apply(request, list(queryset), status=form.cleaned_data["status"],
                        sub_status=form.cleaned_data["sub_status"], note=form.cleaned_data["note"])
            return None
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/orders/set_status.html", {
            **self.admin_site.each_context(request), "opts": self.opts, "title": _("Set the status of orders"),
            "form": form, "objects": list(queryset), "action": "set_status_selected",
            "action_checkbox_name": ACTION_CHECKBOX_NAME, "selected": request.POST.getlist(ACTION_CHECKBOX_NAME),
        })


class ReturnPhotoInline(admin.TabularInline):
    model = ReturnPhoto
    extra = 0
    fields = ["image"]
    readonly_fields = ["image"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class DecisionNoteForm(forms.Form):
    note = forms.CharField(label=_("Note to the dealer"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


@admin.register(ReturnRequest)
class ReturnRequestAdmin(admin.ModelAdmin):
    list_display = ["number", "order", "line", "quantity", "status", "requested_by", "created_at"]
    list_filter = ["status", "created_at"]
    search_fields = ["number", "order__number", "order__dealer__legal_name", "line__sku"]
    list_select_related = ["order", "line", "requested_by"]
    readonly_fields = ["number", "order", "line", "quantity", "reason", "status", "requested_by", "on_behalf",
                       "decided_by", "decided_at", "decision_note", "created_at"]
    fields = readonly_fields
    inlines = [ReturnPhotoInline]
    actions = ["approve_selected", "reject_selected"]

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
                    service(by=request.user, rma=rma, note=form.cleaned_data["note"])
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
