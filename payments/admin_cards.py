"""Admin of card payments: read-only (the provider and the services change them); finance refunds a captured one
through refund_card_payment. Card refunds are listed read-only."""
import uuid

from django import forms
from django.contrib import admin, messages
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal import idempotency
from portal.admin import ReadOnlyAdmin, StatusHistoryInline, money_field
from portal.errors import DomainError, add_to_form

from .models import CardPayment, CardPaymentStatusChange, CardRefund
from .services import cards as card_services


class RefundForm(forms.Form):
    amount = forms.CharField(label=gettext_lazy("Amount to refund"), max_length=20)
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=255)
    # A one-time token (an Idempotency-Key, portal/idempotency.py): a double click refunds once.
    token = forms.CharField(widget=forms.HiddenInput, max_length=64)


class CardPaymentStatusChangeInline(StatusHistoryInline):
    """The card payment's moves (payments.models.CARD_PAYMENT) and who made them (none: the provider's answer by
    a task, or the capture and release tasks)."""

    model = CardPaymentStatusChange


@admin.register(CardPayment)
class CardPaymentAdmin(ReadOnlyAdmin):
    list_display = ["reference", "order", "dealer", "status", "paid_amount", "installments", "captured_amount",
                    "refunded_amount", "provider", "created_at"]
    paid_amount = money_field("amount", gettext_lazy("amount"))
    captured_amount = money_field("captured", gettext_lazy("captured"))
    refunded_amount = money_field("refunded", gettext_lazy("refunded"))
    list_filter = ["status", "provider", "created_at"]
    search_fields = ["reference", "order__number", "dealer__legal_name", "dealer__code"]
    list_select_related = ["order", "dealer"]
    inlines = [CardPaymentStatusChangeInline]
    actions = ["refund_selected"]

    @admin.action(description=gettext_lazy("Refund the selected card payment to the card"))
    def refund_selected(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Select one card payment to refund."), messages.ERROR)
            return None
        card = queryset.get()
        form = RefundForm(request.POST if "reason" in request.POST else None,
                          initial={"amount": card.refundable, "token": uuid.uuid4().hex})
        if form.is_valid():
            try:
                outcome, refund = idempotency.run_once_for_page(
                    request, key=form.cleaned_data["token"], dealer=card.dealer,
                    action=lambda: card_services.refund_card_payment(
                        actor=request.user, card_payment=card, amount=form.cleaned_data["amount"].strip(),
                        reason=form.cleaned_data["reason"]),
                    body_of=lambda refund: {"number": refund.number})
            except DomainError as exc:
                add_to_form(form, exc)
            else:
                if outcome == "done":
                    self.message_user(request, _("%(amount)s refunded to the card (%(number)s).") % {
                        "amount": refund.amount, "number": refund.number}, messages.SUCCESS)
                    return None
                if outcome == "replayed":
                    self.message_user(request, _("This refund was already made (%(number)s); nothing was refunded "
                                                 "again.") % {"number": (refund or {}).get("number", "")},
                                      messages.WARNING)
                    return None
                form.data = form.data.copy()
                form.data["token"] = uuid.uuid4().hex  # refunding with these details again is a new refund
                form.add_error(None, _("This refund form was already used for another refund. Check the amount "
                                       "and refund again to make a new one.") if outcome == "reused" else
                               _("This refund is still being made. Wait a moment and look at the card refunds."))
        return render(request, "payments/admin_refund.html", {
            **self.admin_site.each_context(request), "card": card, "form": form, "action": "refund_selected",
            "opts": self.model._meta, "selected": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME)})


@admin.register(CardRefund)
class CardRefundAdmin(ReadOnlyAdmin):
    list_display = ["number", "card_payment", "dealer", "refund_amount", "refunded_on", "reason", "created_by"]
    refund_amount = money_field("amount", gettext_lazy("amount"), currency="card_payment.currency")
    list_filter = ["refunded_on"]
    search_fields = ["number", "card_payment__reference", "dealer__legal_name", "reason"]
    list_select_related = ["card_payment", "dealer", "created_by"]
