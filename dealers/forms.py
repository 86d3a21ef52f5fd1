"""HTML forms of dealers: field validation only; rules are checked again by the services."""
from allauth.account.adapter import get_adapter
from allauth.account.forms import LoginForm
from django import forms
from django.contrib.auth.signals import user_login_failed
from django.utils.translation import gettext_lazy as _

from portal.errors import DomainError, add_to_form

from .models import Address, Dealer, DocumentType, Role, TermsVersion
from .services import OWNER_EDITABLE_FIELDS, check_delivery_address, check_document_file, check_tax_number


class DealerLoginForm(LoginForm):
    """E-mail, password and dealer code. A wrong code fails exactly like a wrong password."""

    dealer_code = forms.CharField(
        label=_("Dealer code"), required=False, max_length=12,
        help_text=_("Staff leave this empty."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    field_order = ["login", "password", "dealer_code", "remember"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].label = _("E-mail")
        self.fields["login"].widget.attrs["placeholder"] = ""
        self.fields["password"].label = _("Password")
        self.fields["password"].help_text = ""
        self.fields["remember"].label = _("Keep me logged in on this device")

    def clean(self):
        cleaned = super().clean()
        user = getattr(self, "user", None)
        if self._errors or user is None:
            return cleaned
        given = (self.cleaned_data.get("dealer_code") or "").strip().upper()
        if user.dealer_id is None:
            expected = ""  # staff
        else:
            expected = (user.dealer.code or "").upper()  # a dealer not approved yet has no code
        if given != expected:
            self.user = None
            # Counted as a failed login (django-axes listens), and answered with the same words.
            user_login_failed.send(sender=__name__, credentials={"login": self.cleaned_data.get("login")},
                                   request=self.request)
            raise get_adapter(self.request).validation_error("email_password_mismatch")
        return cleaned


class DealerApplicationForm(forms.Form):
    """The public application: company, contact (the first owner), documents, terms."""

    legal_name = forms.CharField(label=_("Legal name"), max_length=200)
    trade_name = forms.CharField(label=_("Trade name"), max_length=200, required=False)
    tax_office = forms.CharField(label=_("Tax office"), max_length=100)
    tax_number = forms.CharField(label=_("Tax number"), max_length=20,
                                 help_text=_("10 digits (11 for a sole proprietor)."))
    sector = forms.ChoiceField(label=_("Sector"), choices=Dealer._meta.get_field("sector").choices)
    employees = forms.ChoiceField(label=_("Number of employees"),
                                  choices=Dealer._meta.get_field("employees").choices)
    annual_revenue = forms.ChoiceField(label=_("Approximate annual revenue"),
                                       choices=Dealer._meta.get_field("annual_revenue").choices)
    phone = forms.CharField(label=_("Company phone"), max_length=40)
    email = forms.EmailField(label=_("Company e-mail"))
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    address_line = forms.CharField(label=_("Billing address"), max_length=255)
    city = forms.CharField(label=_("City"), max_length=100)
    postal_code = forms.CharField(label=_("Postal code"), max_length=20, required=False)
    shipping_address_line = forms.CharField(
        label=_("Delivery address"), max_length=255, required=False,
        help_text=_("Only if goods go elsewhere, e.g. to a warehouse. Empty: we deliver to the billing address."))
    shipping_city = forms.CharField(label=_("City"), max_length=100, required=False)
    shipping_postal_code = forms.CharField(label=_("Postal code"), max_length=20, required=False)

    contact_first_name = forms.CharField(label=_("First name"), max_length=150)
    contact_last_name = forms.CharField(label=_("Last name"), max_length=150)
    contact_email = forms.EmailField(label=_("E-mail"), help_text=_("You will log in with this address."))
    contact_phone = forms.CharField(label=_("Mobile phone"), max_length=40)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password_again = forms.CharField(label=_("Password (again)"),
                                     widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    COMPANY_FIELDS = ["legal_name", "trade_name", "tax_office", "tax_number", "sector", "employees",
                      "annual_revenue", "phone", "email", "website", "address_line", "city", "postal_code"]
    SHIPPING_FIELDS = ["shipping_address_line", "shipping_city", "shipping_postal_code"]
    CONTACT_FIELDS = ["contact_first_name", "contact_last_name", "contact_email", "contact_phone", "password",
                      "password_again"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.document_types = list(DocumentType.objects.filter(active=True))
        for doc_type in self.document_types:
            self.fields[f"document_{doc_type.code}"] = forms.FileField(
                label=str(doc_type), required=doc_type.required,
                help_text=_("PDF, JPEG or PNG, at most 10 MB."),
                widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/*"}),
            )
        self.terms = TermsVersion.objects.current()
        if self.terms is not None:
            self.fields["accept_terms"] = forms.BooleanField(
                label=_("I have read and accept the terms of use (version %(version)s).")
                % {"version": self.terms.version}, required=True)

    @property
    def document_fields(self):
        return [self[f"document_{t.code}"] for t in self.document_types]

    def clean_tax_number(self):
        # The service's own check (digits, length, not registered yet), which submit_application makes again.
        try:
            return check_tax_number(self.cleaned_data["tax_number"])
        except DomainError as exc:
            raise forms.ValidationError(str(exc.message)) from exc

    def clean(self):
        cleaned = super().clean()
        for doc_type in self.document_types:
            name = f"document_{doc_type.code}"
            upload = cleaned.get(name)
            if upload:
                try:
                    check_document_file(upload)
                except DomainError as exc:
                    add_to_form(self, exc, fields={None: name})
        try:
            check_delivery_address(cleaned)
        except DomainError as exc:
            add_to_form(self, exc)
        if cleaned.get("password") and cleaned.get("password") != cleaned.get("password_again"):
            self.add_error("password_again", _("The two passwords differ."))
        return cleaned

    def documents(self):
        return {t.code: self.cleaned_data[f"document_{t.code}"] for t in self.document_types
                if self.cleaned_data.get(f"document_{t.code}")}


class CompanyForm(forms.ModelForm):
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    class Meta:
        model = Dealer
        fields = OWNER_EDITABLE_FIELDS


class AddressForm(forms.ModelForm):
    class Meta:
        model = Address
        fields = ["kind", "label", "contact_name", "phone", "line1", "line2", "district", "city", "postal_code",
                  "country", "is_default"]


class PhoneField(forms.CharField):
    """A user's phone (optional): a valid number, with its country code unless Turkish (dealers.phones)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Mobile phone"))
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("help_text", _("With its country code, e.g. +90 532 123 45 67. Support answers WhatsApp "
                                         "messages from this number."))
        super().__init__(**kwargs)

    def clean(self, value):
        from .phones import clean_phone

        return clean_phone(super().clean(value))


class InviteForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"))
    phone = PhoneField()
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    order_limit = forms.DecimalField(label=_("Order limit"), required=False, min_value=0, max_digits=14,
                                     decimal_places=2, help_text=_("Buyers only: orders above it need approval."))


class UserEditForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    phone = PhoneField()
    order_limit = forms.DecimalField(label=_("Order limit"), required=False, min_value=0, max_digits=14,
                                     decimal_places=2, help_text=_("Buyers only: orders above it need approval."))
    is_active = forms.BooleanField(label=_("Active"), required=False)


class SetPasswordForm(forms.Form):
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password_again = forms.CharField(label=_("Password (again)"),
                                     widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def __init__(self, *args, terms=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.terms = terms
        if terms is not None:
            self.fields["accept_terms"] = forms.BooleanField(
                label=_("I have read and accept the terms of use (version %(version)s).")
                % {"version": terms.version})

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password") and cleaned.get("password") != cleaned.get("password_again"):
            self.add_error("password_again", _("The two passwords differ."))
        return cleaned


class AcceptTermsForm(forms.Form):
    accept = forms.BooleanField(label=_("I have read and accept these terms of use."))
