"""Admin of invoices, payments, credit notes and allocations: adding a payment or a credit note and voiding an invoice
go through the services (record_payment, issue_credit_note, void_invoice); allocations are read-only."""
from django import forms
from django.contrib import admin, messages
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from catalog.admin import quantity_with_unit_field
from portal.admin import (
    AdminMove,
    ReadOnlyInline,
    ServiceAddAdmin,
    ServiceAddForm,
    StatusHistoryInline,
    StatusMovesAdmin,
    money_field,
    summary_level,
    summary_message,
)
from portal.errors import DomainError

from . import permissions
from .models import (
    Allocation,
    CreditNote,
    Invoice,
    InvoiceInstallment,
    InvoiceLine,
    InvoiceStatus,
    InvoiceStatusChange,
    Payment,
)
from .services import allocation as allocation_services
from .services import invoices as invoice_services


class InvoiceLineInline(ReadOnlyInline):
    model = InvoiceLine
    fields = ["sku", "name", "qty", "price", "vat_rate", "net", "vat"]
    readonly_fields = fields
    qty = quantity_with_unit_field(gettext_lazy("quantity"))
    price = money_field("unit_price", gettext_lazy("unit price"), currency="invoice.currency")
    net = money_field("line_net", gettext_lazy("net"), currency="invoice.currency")
    vat = money_field("line_vat", gettext_lazy("VAT"), currency="invoice.currency")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("invoice")


class InstallmentInline(ReadOnlyInline):
    model = InvoiceInstallment
    fields = ["number", "due_date", "installment_amount"]
    readonly_fields = fields
    installment_amount = money_field("amount", gettext_lazy("amount"), currency="invoice.currency")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("invoice")


class AllocationInline(ReadOnlyInline):
    model = Allocation
    fields = ["payment", "credit_note", "allocated_amount", "created_by", "created_at"]
    readonly_fields = fields
    allocated_amount = money_field("amount", gettext_lazy("amount"), currency="invoice.currency")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("invoice", "payment", "credit_note", "created_by")


class InvoiceStatusChangeInline(StatusHistoryInline):
    """The invoice's moves (payments.models.INVOICE): paid, overdue, void... with who made them (none: the task)."""

    model = InvoiceStatusChange


class VoidForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=255,
                             help_text=gettext_lazy("Shown to the dealer: on the invoice and in the e-mail."))
    reissue = forms.BooleanField(
        label=gettext_lazy("Issue a new invoice for the same goods now"), required=False, initial=True,
        help_text=gettext_lazy("The whole order again, or, for an invoice of a shipment, that shipment's quantities "
                               "(with the shipping charge again if this invoice carried it). Until a new invoice is "
                               "issued, those goods count in the dealer's credit exposure at the order's prices."))


@admin.register(Invoice)
class InvoiceAdmin(StatusMovesAdmin):
    list_display = ["number", "dealer", "order", "part", "issue_date", "due_date", "status", "total", "settled_amount"]
    list_filter = ["status", "issue_date", "due_date"]
    search_fields = ["number", "dealer__legal_name", "dealer__code", "order__number", "part"]
    date_hierarchy = "issue_date"
    list_select_related = ["dealer", "order"]
    inlines = [InvoiceLineInline, InstallmentInline, AllocationInline, InvoiceStatusChangeInline]
    actions = ["void_selected"]

    net_total = money_field("total_net", gettext_lazy("net total"))
    vat_total = money_field("total_vat", gettext_lazy("VAT"))
    total = money_field("total_gross", gettext_lazy("total"))
    settled_amount = money_field("settled", gettext_lazy("settled"))
    # Amounts read formatted (with the currency) in place of the raw fields.
    _AMOUNTS = {"total_net": "net_total", "total_vat": "vat_total", "total_gross": "total", "settled": "settled_amount"}

    def get_fields(self, request, obj=None):
        return [self._AMOUNTS.get(f.name, f.name) for f in Invoice._meta.fields if f.editable and f.name != "id"]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # A void invoice a later stage says must not be reissued: staff read why where the button would be.
        invoice = self.get_object(request, object_id)
        if (request.method == "GET" and invoice is not None and permissions.can_void_invoices(request.user)
                and invoice.status == InvoiceStatus.VOID):
            for reason in permissions.reissue_refusals(invoice):
                messages.warning(request, reason)
        return super().change_view(request, object_id, form_url, extra_context)

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    # Staff's one move on an invoice: void it while nothing is settled (permissions.may_void; the rest of its statuses
    # follow payments and due dates). void_invoice checks the same again under its lock.
    def status_moves(self, request, obj):
        if permissions.may_reissue(request.user, obj):
            # A void invoice whose goods no live invoice bills yet: issue one for them (not a move of this invoice,
            # which stays void; the button and its confirmation page are the same).
            return [AdminMove(name="reissue", label=gettext_lazy("Reissue for the same goods"), intro=gettext_lazy(
                "A new invoice is issued for this void invoice's goods: the whole order again, or, for an invoice "
                "of a shipment, that shipment's quantities (with the shipping charge again if this invoice carried "
                "it). The dealer's invoice recipients are mailed the new invoice."))]
        if not permissions.may_void(request.user, obj):
            return []
        return [AdminMove(name="void", label=gettext_lazy("Void the invoice"), form=VoidForm, intro=gettext_lazy(
            "A void invoice owes nothing and leaves statements; it keeps its number. What its order shipped on "
            "account stays in the credit exposure until a new invoice is issued for it. The dealer's invoice "
            "recipients are mailed the reason."))]

    def perform_move(self, request, obj, move, data):
        if move.name == "reissue":
            new = invoice_services.reissue_invoice(actor=request.user, invoice=obj)
            self.message_user(request, _("Invoice %(number)s is issued in its place.") % {"number": new.number})
            return
        invoice_services.void_invoice(actor=request.user, invoice=obj, reason=data["reason"],
                                      reissue=data.get("reissue", False))

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
                invoice_services.void_invoice(actor=request.user, invoice=invoice, reason=form.cleaned_data["reason"],
                                              reissue=form.cleaned_data["reissue"])
                done += 1
            except DomainError as exc:
                refused.append(f"{invoice.number}: {exc.message}")
        self.message_user(request, summary_message(_("%(count)s invoices voided.") % {"count": done}, refused),
                          summary_level(done, refused))
        return None


class PaymentAddForm(ServiceAddForm):
    class Meta:
        model = Payment
        fields = ["dealer", "kind", "amount", "received_on", "reference", "order"]

    def perform(self, data):
        # The service decides and allocates (oldest first, the order's invoice first).
        return allocation_services.record_payment(
            actor=self.user, dealer=data["dealer"], amount=data["amount"], kind=data["kind"],
            received_on=data["received_on"], reference=data.get("reference", ""), order=data.get("order"))


@admin.register(Payment)
class PaymentAdmin(ServiceAddAdmin):
    add_form = PaymentAddForm
    list_display = ["number", "dealer", "kind", "paid_amount", "allocated_amount", "refunded_amount", "received_on",
                    "reference", "recorded_by"]
    paid_amount = money_field("amount", gettext_lazy("amount"))
    allocated_amount = money_field("allocated", gettext_lazy("allocated"))
    refunded_amount = money_field("refunded", gettext_lazy("refunded"))
    display_fields = {"amount": "paid_amount", "allocated": "allocated_amount", "refunded": "refunded_amount"}
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
        return allocation_services.issue_credit_note(actor=self.user, dealer=data["dealer"], amount=data["amount"],
                                                     reason=data["reason"])


@admin.register(CreditNote)
class CreditNoteAdmin(ServiceAddAdmin):
    add_form = CreditNoteAddForm
    list_display = ["number", "dealer", "credit_amount", "allocated_amount", "issued_on", "reason", "return_request"]
    credit_amount = money_field("amount", gettext_lazy("amount"))
    allocated_amount = money_field("allocated", gettext_lazy("allocated"))
    display_fields = {"amount": "credit_amount", "allocated": "allocated_amount"}
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
