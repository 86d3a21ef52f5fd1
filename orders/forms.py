"""HTML forms of orders: field validation only, then a service."""
from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import SavedList
from .services.quick_order import MAX_FILE_BYTES, MAX_LINES, MAX_TEXT_CHARS

QUICK_ORDER_PLACEHOLDER = "LED-600 10\nCAB-3X25;250\nKB-1\t2,5"


class QuickOrderForm(forms.Form):
    lines = forms.CharField(
        label=gettext_lazy("Lines"), required=False, max_length=MAX_TEXT_CHARS, strip=False,
        widget=forms.Textarea(attrs={"rows": 12, "cols": 40, "placeholder": QUICK_ORDER_PLACEHOLDER,
                                     "spellcheck": "false", "autocapitalize": "off"}))
    file = forms.FileField(
        label=gettext_lazy("File (CSV or XLSX)"), required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.xlsx,text/csv,text/plain,"
                                               "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Help texts with numbers are built per request, in the request's language.
        self.fields["lines"].help_text = _(
            "One product per line: the SKU, then the quantity, separated by a tab, spaces, a comma or a semicolon "
            "(pasting from a spreadsheet works). 2,5 and 2.5 are both two and a half; after a comma separator "
            "write 2.5. Without a quantity, the minimum order quantity. At most %(count)s lines.") % {
            "count": MAX_LINES}
        self.fields["file"].help_text = _(
            "Column A the SKU, column B the quantity (or columns headed SKU and Quantity); up to %(size)s MB.") % {
            "size": MAX_FILE_BYTES // (1024 * 1024)}


class ListNameForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=SavedList._meta.get_field("name").max_length,
                           widget=forms.TextInput(attrs={"placeholder": gettext_lazy("e.g. Monthly restock")}))


# --- Checkout and orders ----------------------------------------------------------------------------

class CheckoutForm(forms.Form):
    """Checkout's questions; the choices of addresses are the dealer's own (set by the view)."""

    shipping_address = forms.TypedChoiceField(label=gettext_lazy("Ship to"), coerce=int)
    billing_address = forms.TypedChoiceField(label=gettext_lazy("Invoice to"), coerce=int)
    shipping_method = forms.ChoiceField(label=gettext_lazy("Shipping method"))
    payment_method = forms.ChoiceField(label=gettext_lazy("Payment method"))
    po_number = forms.CharField(label=gettext_lazy("Your PO number"), max_length=50, required=False)
    requested_delivery_date = forms.DateField(label=gettext_lazy("Requested delivery date"), required=False,
                                              widget=forms.DateInput(attrs={"type": "date"}))
    notes = forms.CharField(label=gettext_lazy("Notes"), max_length=2000, required=False,
                            widget=forms.Textarea(attrs={"rows": 3}))
    token = forms.CharField(widget=forms.HiddenInput, max_length=100)

    def __init__(self, *args, dealer, **kwargs):
        from dealers.models import Address

        from .models import PaymentMethod, ShippingMethod

        super().__init__(*args, **kwargs)
        addresses = list(Address.objects.filter(dealer=dealer))
        for name, kind in (("shipping_address", Address.Kind.SHIPPING), ("billing_address", Address.Kind.BILLING)):
            own = [a for a in addresses if a.kind == kind]
            self.fields[name].choices = [(a.pk, f"{a.label} · {a.line1}, {a.city}") for a in own]
            default = next((a.pk for a in own if a.is_default), own[0].pk if own else None)
            self.fields[name].initial = default
        self.fields["shipping_method"].choices = ShippingMethod.choices
        self.fields["payment_method"].choices = PaymentMethod.choices

    def checkout(self):
        from .services.ordering import Checkout

        data = self.cleaned_data
        return Checkout(shipping_address=data["shipping_address"], billing_address=data["billing_address"],
                        shipping_method=data["shipping_method"], payment_method=data["payment_method"],
                        po_number=data["po_number"], requested_delivery_date=data["requested_delivery_date"],
                        notes=data["notes"])


class OrderFilterForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False)
    date_from = forms.DateField(label=gettext_lazy("Placed from"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=gettext_lazy("Placed until"), required=False,
                              widget=forms.DateInput(attrs={"type": "date"}))
    sku = forms.CharField(label=gettext_lazy("SKU contained"), max_length=64, required=False)
    po = forms.CharField(label=gettext_lazy("PO number"), max_length=50, required=False)

    def __init__(self, *args, **kwargs):
        from .models import OrderStatus

        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("All"))] + list(OrderStatus.choices)


class DecisionForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("Note"), max_length=2000, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class ReturnForm(forms.Form):
    quantity = forms.DecimalField(label=gettext_lazy("Quantity to return"), max_digits=12, decimal_places=3,
                                  min_value=0)
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    photos = forms.FileField(label=gettext_lazy("Photos (JPEG or PNG, up to 5)"), required=False,
                             widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png"}))


class QuoteRequestForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("Note"), max_length=2000, required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))
    requested_delivery_date = forms.DateField(label=gettext_lazy("Requested delivery date"), required=False,
                                              widget=forms.DateInput(attrs={"type": "date"}))
