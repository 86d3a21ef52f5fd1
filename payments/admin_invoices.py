"""Admin of invoices, payments, credit notes and allocations: adding a payment or a credit note and voiding an invoice
go through the services (record_payment, issue_credit_note, void_invoice); allocations are read-only."""
from django import forms
from django.contrib import admin, messages
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.admin import ServiceAddAdmin, ServiceAddForm
from portal.errors import DomainError

from .models import Allocation, CreditNote, Invoice, InvoiceInstallment, InvoiceLine, Payment
from .services import allocation as allocation_services
from .services import invoices as invoice_services


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class InvoiceLineInline(ReadOnlyInline):
    model = InvoiceLine
    fields = ["sku", "name", "quantity", "unit", "unit_price", "vat_rate", "line_net", "line_vat"]
    readonly_fields = fields


class InstallmentInline(ReadOnlyInline):
    model = InvoiceInstallment
    fields = ["number", "due_date", "amount"]
    readonly_fields = fields


class AllocationInline(ReadOnlyInline):
    model = Allocation
    fields = ["payment", "credit_note", "amount", "created_by", "created_at"]
    readonly_fields = fields


class VoidForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=255)


@admin.register(Invoice)
class InvoiceAdmin(admin.ModelAdmin):
    list_display = ["number", "dealer", "order", "issue_date", "due_date", "status", "total_gross", "settled"]
    list_filter = ["status", "issue_date", "due_date"]
    search_fields = ["number", "dealer__legal_name", "dealer__code", "order__number"]
    date_hierarchy = "issue_date"
    list_select_related = ["dealer", "order"]
    inlines = [InvoiceLineInline, InstallmentInline, AllocationInline]
    actions = ["void_selected"]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in Invoice._meta.fields]

    def has_add_permission(self, request):
        return False  # invoices come from orders (issue_invoice)

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=gettext_lazy("Void the selected invoices (nothing settled)"))
    def void_selected(self, request, queryset):
        form = VoidForm(request.POST if "reason" in request.POST else None)
        if not form.is_valid():
            return render(request, "payments/admin_void.html", {
                **self.admin_site.each_context(request), "invoices": queryset, "form": form,
                "action": "void_selected", "opts": self.model._meta,
                "selected": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME)})
        done, refused = 0, []
        for invoice in queryset:
            try:
                invoice_services.void_invoice(by=request.user, invoice=invoice, reason=form.cleaned_data["reason"])
                done += 1
            except DomainError as exc:
                refused.append(f"{invoice.number}: {exc.message}")
        if done:
            self.message_user(request, _("%(count)s invoices voided.") % {"count": done}, messages.SUCCESS)
        for line in refused:
            self.message_user(request, line, messages.ERROR)
        return None


class PaymentAddForm(ServiceAddForm):
    class Meta:
        model = Payment
        fields = ["dealer", "kind", "amount", "received_on", "reference", "order"]

    def perform(self, data):
        # The service decides and allocates (oldest first, the order's invoice first).
        return allocation_services.record_payment(
            by=self.user, dealer=data["dealer"], amount=data["amount"], kind=data["kind"],
            received_on=data["received_on"], reference=data.get("reference", ""), order=data.get("order"))


@admin.register(Payment)
class PaymentAdmin(ServiceAddAdmin):
    add_form = PaymentAddForm
    list_display = ["number", "dealer", "kind", "amount", "allocated", "refunded", "received_on", "reference",
                    "recorded_by"]
    list_filter = ["kind", "received_on"]
    search_fields = ["number", "reference", "dealer__legal_name", "dealer__code"]
    date_hierarchy = "received_on"
    list_select_related = ["dealer", "recorded_by"]
    autocomplete_fields = ["dealer", "order"]
    inlines = [AllocationInline]


class CreditNoteAddForm(ServiceAddForm):
    class Meta:
        model = CreditNote
        fields = ["dealer", "amount", "reason"]

    def perform(self, data):
        return allocation_services.issue_credit_note(by=self.user, dealer=data["dealer"], amount=data["amount"],
                                                     reason=data["reason"])


@admin.register(CreditNote)
class CreditNoteAdmin(ServiceAddAdmin):
    add_form = CreditNoteAddForm
    list_display = ["number", "dealer", "amount", "allocated", "issued_on", "reason", "return_request"]
    list_filter = ["issued_on"]
    search_fields = ["number", "reason", "dealer__legal_name", "dealer__code"]
    list_select_related = ["dealer", "return_request"]
    autocomplete_fields = ["dealer"]
    inlines = [AllocationInline]


@admin.register(Allocation)
class AllocationAdmin(admin.ModelAdmin):
    list_display = ["invoice", "payment", "credit_note", "amount", "created_by", "created_at"]
    search_fields = ["invoice__number", "payment__number", "credit_note__number"]
    list_select_related = ["invoice", "payment", "credit_note", "created_by"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Allocation._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
