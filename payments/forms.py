"""HTML forms of payments: field validation only, then a service."""
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import InvoiceStatus


class InvoiceFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All")), ("unpaid", _("Unpaid"))] + list(InvoiceStatus.choices))
    date_from = forms.DateField(label=_("Issued from"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("Issued until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


class PeriodForm(forms.Form):
    date_from = forms.DateField(label=_("Period from"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("Period to"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_from", _("The period must start before it ends."))
        return data


class AllocateForm(forms.Form):
    """Reconciliation: a part of a payment or credit note (by number) to an invoice (by number)."""

    source = forms.CharField(label=_("Payment or credit note"), max_length=20)
    invoice = forms.CharField(label=_("Invoice"), max_length=20)
    amount = forms.DecimalField(label=_("Amount"), max_digits=14, decimal_places=2, min_value=Decimal("0.01"))
    # A one-time token (an Idempotency-Key, portal/idempotency.py): a double click allocates once.
    token = forms.CharField(widget=forms.HiddenInput, max_length=64)
