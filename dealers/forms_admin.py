"""Forms of the dealers admin: the confirmation pages of status moves, and users by e-mail address."""
from django import forms
from django.contrib.auth.forms import BaseUserCreationForm, UserChangeForm
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from portal.errors import DomainError, add_to_form

from . import hooks
from .models import SALES_AGENTS_GROUP, Segment, User
from .services import check_keeps_an_owner


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        name = obj.get_full_name()
        return f"{name} <{obj.email}>" if name else obj.email


class MoveForm(forms.Form):
    """A confirmation page's form; labels capitalised as the admin shows model fields. `user`: the staff user.
    Its cleaned_data are the keyword arguments of the move's service (service_data)."""

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.extend()
        for field in self.fields.values():
            field.label = capfirst(field.label)

    def extend(self):
        """Fields later stages add (hook point dealers.approval_fields)."""

    def clean(self):
        return self.service_data(super().clean())

    def service_data(self, cleaned) -> dict:
        """The keyword arguments of the move's service."""
        return dict(cleaned)


class ApproveDealerForm(MoveForm):
    segment = forms.ModelChoiceField(
        label=_("segment"), queryset=Segment.objects.all(), required=False,
        empty_label=_("The default segment"),
        help_text=_("Decides the dealer's prices."),
    )
    account_manager = StaffChoiceField(
        label=_("account manager"), queryset=User.objects.none(), required=False,
        help_text=_("Optional. Empty: keep the dealer's current account manager, if any."),
    )
    agent = StaffChoiceField(
        label=_("sales agent"), queryset=User.objects.none(), required=False,
        help_text=_("Optional. Acts for the dealer (quotes, orders on its behalf) and hears of its credit; more "
                    "agents can be added on the dealer's page."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["segment"].initial = Segment.objects.filter(is_default=True).first()
        self.fields["account_manager"].queryset = User.objects.filter(is_staff=True, is_active=True).order_by(
            "first_name", "last_name", "email")
        self.fields["agent"].queryset = User.objects.filter(
            is_staff=True, is_active=True, groups__name=SALES_AGENTS_GROUP).order_by("first_name", "last_name", "email")

    def extend(self):
        # Later stages' settings of the new dealer (payments: credit limit, terms, methods).
        self.setup_fields = [name for names in hooks.approval_fields.collect(form=self, user=self.user)
                             for name in (names or [])]

    def service_data(self, cleaned) -> dict:
        data = dict(cleaned)
        setup = {name: data.pop(name) for name in list(data) if name in self.setup_fields}
        setup = {name: value for name, value in setup.items() if value is not None}  # left empty: the default
        for name in list(data):
            if name not in ("segment", "account_manager", "agent"):
                data.pop(name)  # shown only (read-only settings of a later stage)
        return {**data, "setup": setup}


class RejectDealerForm(MoveForm):
    reason = forms.CharField(
        label=_("reason"), widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text=_("The applicant is told this reason in the rejection e-mail."),
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Please give the reason for the rejection; the applicant is told."))
        return reason


class SuspendDealerForm(MoveForm):
    reason = forms.CharField(
        label=_("reason"), required=False, widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text=_("Optional; the dealer's owner is told this reason."),
    )


def _check_dealer_role(form, cleaned):
    # The database refuses a dealer's user without a role; say so next to the field instead of a 500.
    dealer, role = cleaned.get("dealer"), cleaned.get("role")
    if dealer is not None and not role and "role" in form.fields:
        form.add_error("role", _("A user of a dealer needs a role."))


class AdminUserAddForm(BaseUserCreationForm):
    """A user made by staff: e-mail address and password; for a dealer's user also its dealer and role."""

    class Meta:
        model = User
        fields = ("email", "dealer", "role")

    def clean_email(self):
        email = User.objects.normalize_email(self.cleaned_data["email"]).lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("A user with this e-mail address already exists."))
        return email

    def clean(self):
        cleaned = super().clean()
        _check_dealer_role(self, cleaned)
        return cleaned


class AdminUserChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"

    def clean_phone(self):
        from .phones import clean_phone

        return clean_phone(self.cleaned_data.get("phone", ""))

    def clean_email(self):
        email = User.objects.normalize_email(self.cleaned_data["email"]).lower()
        if User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("A user with this e-mail address already exists."))
        return email

    def clean(self):
        cleaned = super().clean()
        _check_dealer_role(self, cleaned)
        if self.instance.pk and self.instance.dealer_id and not self.errors:
            try:
                check_keeps_an_owner(user=self.instance, role=cleaned.get("role"), is_active=cleaned.get("is_active"))
            except DomainError as exc:
                add_to_form(self, exc)
        return cleaned


class SegmentAdminForm(forms.ModelForm):
    class Meta:
        model = Segment
        fields = ["code", "name", "is_default", "ordering"]

    def clean_is_default(self):
        is_default = self.cleaned_data["is_default"]
        if is_default:
            other = Segment.objects.filter(is_default=True).exclude(pk=self.instance.pk).first()
            if other is not None:
                raise forms.ValidationError(
                    _("“%(name)s” is the default segment; untick it there first.") % {"name": other.name})
        return is_default
