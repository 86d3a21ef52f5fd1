"""HTML forms of pricing: field validation only, then a service (quotes: request, accept, reject, the staff editor)."""
from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from catalog import skus as sku_lines
from portal.errors import DomainError

from .models import DeliveryMethod, PaymentAdjustment

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MAX_REQUEST_LINES = 500


class QuoteRequestForm(forms.Form):
    lines = forms.CharField(
        label=_("Products"), widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("One line per product: the SKU, a space, the quantity (empty: the minimum order quantity)."))
    note = forms.CharField(label=_("Note"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("Anything we should know: project, target price, alternatives."))
    requested_delivery_date = forms.DateField(label=_("Requested delivery date"), required=False, widget=DATE)

    def __init__(self, *args, example_skus=(), **kwargs):
        """`example_skus`: SKUs of the real catalog for the example lines (catalog.selectors.list_example_skus);
        without any, the example names the parts of a line instead of inventing products."""
        super().__init__(*args, **kwargs)
        self.fields["lines"].widget.attrs["placeholder"] = sku_lines.example_lines(example_skus, separators=(" ",))

    def clean_lines(self):
        """[(sku, quantity text or None), …] — every bad line is reported at once."""
        try:
            parsed = sku_lines.parse_lines(self.cleaned_data["lines"], max_lines=MAX_REQUEST_LINES)
        except DomainError as exc:
            raise forms.ValidationError(str(exc.message)) from exc
        errors = [_("Line %(line)s: %(error)s") % {"line": line.number, "error": line.error.message}
                  for line in parsed if line.error is not None]
        if errors:
            raise forms.ValidationError(errors)
        if not parsed:
            raise forms.ValidationError(_("Enter at least one line “SKU quantity”."))
        return [(line.sku, line.quantity) for line in parsed]


class AcceptQuoteForm(forms.Form):
    # Made when the confirmation page is shown: a double click or a reload sends the same key, so one order.
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=100)


class RejectQuoteForm(forms.Form):
    reason = forms.CharField(label=_("Why do you reject the quote?"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 4}))


class QuoteHeaderForm(forms.Form):
    quote_date = forms.DateField(label=_("Quote date"), required=False, widget=DATE,
                                 help_text=_("Empty: the day it is sent."))
    valid_until = forms.DateField(label=_("Valid until"), required=False, widget=DATE)
    delivery_date = forms.DateField(label=_("Delivery date"), required=False, widget=DATE)
    payment_method = forms.ChoiceField(label=_("Payment method"), required=False,
                                       choices=[("", "—")] + list(PaymentAdjustment.Method.choices))
    delivery_method = forms.ChoiceField(label=_("Delivery method"), required=False,
                                        choices=[("", "—")] + list(DeliveryMethod.choices))
    shipping_insured = forms.BooleanField(label=_("Cargo insurance"), required=False,
                                          help_text=_("Where the delivery method offers it; its premium is in the "
                                                      "shipping charge."))
    terms = forms.CharField(label=_("Warranty and support terms"), required=False,
                            widget=forms.Textarea(attrs={"rows": 3}))
    notes = forms.CharField(label=_("Notes to the dealer"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, shipping_options=None, currency="TRY", current="", **kwargs):
        """`shipping_options`: the QuoteShippings (pricing/hooks.py) the quote may carry, each priced for its lines
        or with why it cannot carry them (shown in the choice); None: the fixed delivery methods."""
        from django.utils.translation import gettext

        from portal.money import format_money

        super().__init__(*args, **kwargs)
        if shipping_options is None:
            return
        choices = [("", "—")]
        for option in shipping_options:
            if option.unavailable:
                text = gettext("%(method)s (not available: %(reason)s)") % {"method": option.label,
                                                                           "reason": option.unavailable}
            elif option.charge_net:
                text = gettext("%(method)s · %(charge)s net") % {"method": option.label,
                                                               "charge": format_money(option.charge_net, currency)}
            else:
                text = gettext("%(method)s · free") % {"method": option.label}
            if option.insurance_premium is not None:
                text += " · " + gettext("insurance %(premium)s net") % {
                    "premium": format_money(option.insurance_premium, currency)}
            choices.append((option.code, text))
        if current and current not in {code for code, _text in choices}:
            choices.append((current, current))  # a method no longer offered: kept until staff choose another
        self.fields["delivery_method"].choices = choices


class QuoteLineForm(forms.Form):
    """An existing line of the editor: quantity and either a net unit price or a discount; or remove it."""

    product = forms.IntegerField(widget=forms.HiddenInput)
    quantity = forms.CharField(label=_("Quantity"), max_length=32)
    unit_price = forms.CharField(label=_("Net unit price"), max_length=32, required=False)
    discount = forms.CharField(label=_("Discount (%)"), max_length=32, required=False)
    remove = forms.BooleanField(label=_("Remove"), required=False)


class NewQuoteLineForm(forms.Form):
    """A line to add by SKU; all empty: nothing to add."""

    sku = forms.CharField(label=_("SKU"), max_length=64, required=False)
    quantity = forms.CharField(label=_("Quantity"), max_length=32, required=False)
    unit_price = forms.CharField(label=_("Net unit price"), max_length=32, required=False)
    discount = forms.CharField(label=_("Discount (%)"), max_length=32, required=False)

    def clean(self):
        data = super().clean()
        if not data.get("sku") and any(data.get(f) for f in ("quantity", "unit_price", "discount")):
            self.add_error("sku", _("Enter the SKU of the product to add."))
        return data


QuoteLineFormSet = formset_factory(QuoteLineForm, extra=0)
NewQuoteLineFormSet = formset_factory(NewQuoteLineForm, extra=3)
