"""HTML forms of orders: field validation only, then a service."""
from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from catalog.selectors import list_example_skus
from catalog.skus import example_lines

from .models import SavedList
from .services.quick_order import MAX_FILE_BYTES, MAX_LINES, MAX_TEXT_CHARS


class QuickOrderForm(forms.Form):
    lines = forms.CharField(
        label=gettext_lazy("Lines"), required=False, max_length=MAX_TEXT_CHARS, strip=False,
        widget=forms.Textarea(attrs={"rows": 12, "cols": 40, "spellcheck": "false", "autocapitalize": "off"}))
    file = forms.FileField(
        label=gettext_lazy("File (CSV or XLSX)"), required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.xlsx,text/csv,text/plain,"
                                               "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lines"].widget.attrs["placeholder"] = example_lines(list_example_skus(limit=3))
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

NEW_ADDRESS = "new"


class SelectWithDisabled(forms.Select):
    """A select whose `disabled` values are shown but cannot be chosen (a payment method not usable now)."""

    def __init__(self, *args, disabled=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.disabled = set(disabled)

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        if str(value) in self.disabled:
            option["attrs"]["disabled"] = True
            option["selected"] = False
            option["attrs"].pop("selected", None)
        return option


class CheckoutForm(forms.Form):
    """Checkout's questions; the choices of addresses are the dealer's own (set by the view)."""

    shipping_address = forms.ChoiceField(label=gettext_lazy("Ship to"))
    billing_address = forms.TypedChoiceField(label=gettext_lazy("Invoice to"), coerce=int)
    shipping_method = forms.ChoiceField(label=gettext_lazy("Shipping method"))
    # Cargo insurance of the chosen method (offered only when a method has it; each method lists its premium and
    # what it covers beside it, before the dealer chooses).
    insured = forms.BooleanField(label=gettext_lazy("Insure the goods (cargo insurance)"), required=False)
    payment_method = forms.ChoiceField(label=gettext_lazy("Payment method"))
    po_number = forms.CharField(label=gettext_lazy("Your PO number"), max_length=50, required=False)
    requested_delivery_date = forms.DateField(label=gettext_lazy("Requested delivery date"), required=False,
                                              widget=forms.DateInput(attrs={"type": "date"}))
    notes = forms.CharField(label=gettext_lazy("Notes"), max_length=2000, required=False,
                            widget=forms.Textarea(attrs={"rows": 3}))
    token = forms.CharField(widget=forms.HiddenInput, max_length=100)
    # The shipping charge (gross) the review page showed: placing refuses if the method now costs otherwise.
    shipping_charge_seen = forms.DecimalField(widget=forms.HiddenInput, required=False, max_digits=14,
                                              decimal_places=2)
    # A one-off delivery address (when "A new address" is chosen above).
    new_contact_name = forms.CharField(label=gettext_lazy("Contact name"), max_length=150, required=False)
    new_phone = forms.CharField(label=gettext_lazy("Phone"), max_length=40, required=False)
    new_line1 = forms.CharField(label=gettext_lazy("Address"), max_length=255, required=False)
    new_line2 = forms.CharField(label=gettext_lazy("Address (continued)"), max_length=255, required=False)
    new_district = forms.CharField(label=gettext_lazy("District"), max_length=100, required=False)
    new_city = forms.CharField(label=gettext_lazy("City"), max_length=100, required=False)
    new_postal_code = forms.CharField(label=gettext_lazy("Postal code"), max_length=20, required=False)
    new_country = forms.CharField(label=gettext_lazy("Country"), max_length=2, required=False, initial="TR")

    def __init__(self, *args, dealer, shipping_options=None, **kwargs):
        """`shipping_options`: the ShippingOptions (orders/hooks.py) to offer, priced for the cart and the address;
        an unavailable one is shown disabled with its reason. None: the fixed methods."""
        from dealers.models import Address

        from .models import ShippingMethod
        from .services.payment_options import payment_options, unavailable_notes

        super().__init__(*args, **kwargs)
        addresses = list(Address.objects.filter(dealer=dealer))
        for name, kind in (("shipping_address", Address.Kind.SHIPPING), ("billing_address", Address.Kind.BILLING)):
            own = [a for a in addresses if a.kind == kind]
            self.fields[name].choices = [(str(a.pk), f"{a.label} · {a.line1}, {a.city}") for a in own]
            default = next((a.pk for a in own if a.is_default), own[0].pk if own else None)
            self.fields[name].initial = default
        self.fields["shipping_address"].choices += [(NEW_ADDRESS, _("A new address for this order…"))]
        self.shipping_options = list(shipping_options) if shipping_options is not None else None
        if self.shipping_options is None:
            self.fields["shipping_method"].choices = ShippingMethod.choices
        else:
            unavailable = {o.code for o in self.shipping_options if o.unavailable}
            self.fields["shipping_method"].widget = SelectWithDisabled(disabled=unavailable)
            self.fields["shipping_method"].choices = [(o.code, o.label) for o in self.shipping_options]
            self.fields["shipping_method"].initial = next(
                (o.code for o in self.shipping_options if not o.unavailable), None)
        if not any(getattr(o, "insurance_premium", None) is not None for o in self.shipping_options or ()):
            del self.fields["insured"]  # no method offers insurance: nothing to ask
        # One choice per method and installment plan: "on_account", "on_account:3", "card", "wire"…
        options = payment_options(dealer)
        # A method the dealer cannot use now stays in the list, disabled, and the page says why and what else works.
        unusable = {o.value for o in options if o.unavailable}
        self.fields["payment_method"].widget = SelectWithDisabled(disabled=unusable)
        self.fields["payment_method"].choices = [(o.value, o.label) for o in options]
        self.fields["payment_method"].initial = next((o.value for o in options if not o.unavailable), None)
        self.payment_notes = unavailable_notes(dealer, options)

    @property
    def address_fields(self):
        return [self[name] for name in self.fields if name.startswith("new_")]

    @property
    def main_fields(self):
        """The questions in their order; the insurance checkbox is shown with the shipping methods instead."""
        return [field for field in self.visible_fields() if not field.name.startswith("new_") and field.name != "insured"]

    @property
    def insurance_field(self):
        return self["insured"] if "insured" in self.fields else None

    def payment_choice(self) -> tuple[str, int]:
        """(method, installments) of the chosen payment (validated against the offered choices)."""
        from .services.payment_options import parse_choice

        return parse_choice(self.cleaned_data["payment_method"])

    def checkout(self):
        from .services.ordering import NEW_ADDRESS_FIELDS, Checkout

        data = self.cleaned_data
        method, installments = self.payment_choice()
        new_address = None
        if data["shipping_address"] == NEW_ADDRESS:
            new_address = {key: data[f"new_{key}"] for key in NEW_ADDRESS_FIELDS}
        return Checkout(shipping_address=None if new_address else data["shipping_address"],
                        new_shipping_address=new_address, billing_address=data["billing_address"],
                        shipping_method=data["shipping_method"], payment_method=method,
                        installments=installments, po_number=data["po_number"],
                        requested_delivery_date=data["requested_delivery_date"],
                        notes=data["notes"], shipping_charge_seen=data.get("shipping_charge_seen"),
                        insured=bool(data.get("insured")))


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


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented recipe): a plain FileField refuses the list a multiple input
    gives ("No file was submitted. Check the encoding type on the form.")."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class ReturnForm(forms.Form):
    quantity = forms.DecimalField(label=gettext_lazy("Quantity to return"), max_digits=12, decimal_places=3,
                                  min_value=0)
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    photos = MultipleFileField(label=gettext_lazy("Photos (JPEG or PNG, up to 5)"), required=False,
                             widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png"}))


class QuoteRequestForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("Note"), max_length=2000, required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))
    requested_delivery_date = forms.DateField(label=gettext_lazy("Requested delivery date"), required=False,
                                              widget=forms.DateInput(attrs={"type": "date"}))
