"""Admin of credit accounts: finance staff edit limits, terms, methods and holds; saved through the service, so
every change is audited. Each row shows the exposure and what is available."""
from django import forms
from django.conf import settings
from django.contrib import admin
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from orders.models import PaymentMethod
from portal.errors import DomainError, add_to_form
from portal.money import format_money, quantize

from .models import CreditAccount
from .permissions import can_change_credit_accounts
from .services import credit


class CreditAccountForm(forms.ModelForm):
    """Validated here (who may change accounts, one account per dealer, the service's own checks of the values:
    a refusal shows on the form with what was typed) and written only when the admin saves, by
    update_credit_account, so every change is audited, a new account's too (CreditAccountAdmin.save_model)."""

    user = None  # the requesting user, given by CreditAccountAdmin.get_form to the form class of that request

    class Meta:
        model = CreditAccount
        fields = ["dealer", "credit_limit", "currency", "payment_terms_days", "allowed_methods", "on_hold",
                  "hold_reason"]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        adding = self.instance.pk is None
        if adding and CreditAccount.objects.filter(dealer=data["dealer"]).exists():
            self.add_error("dealer", _("This dealer has a credit account already."))
            return data
        try:
            credit.require_finance(self.user)
            credit.clean_account_changes(self.account_changes())
        except DomainError as exc:
            add_to_form(self, exc)
        return data

    def account_changes(self) -> dict:
        """What the form changes (the dealer is chosen once, when the account is added)."""
        return {name: self.cleaned_data[name] for name in self.changed_data if name != "dealer"}

    def validate_unique(self):
        pass  # the dealer's one account is checked in clean()


@admin.register(CreditAccount)
class CreditAccountAdmin(admin.ModelAdmin):
    form = CreditAccountForm
    list_display = ["dealer", "credit_limit", "exposure_display", "available_display", "payment_terms_days",
                    "on_hold"]
    list_filter = ["on_hold", "currency"]
    search_fields = ["dealer__legal_name", "dealer__code"]
    list_select_related = ["dealer"]
    autocomplete_fields = ["dealer"]
    fields = ["dealer", "credit_limit", "currency", "payment_terms_days", "allowed_methods", "on_hold", "hold_reason"]

    def get_readonly_fields(self, request, obj=None):
        return ["dealer"] if obj else []

    def get_queryset(self, request):
        # Each row's exposure is counted once, in the list's own query (credit.with_exposure).
        return credit.with_exposure(super().get_queryset(request))

    @staticmethod
    def _exposure(obj):
        owed = getattr(obj, "exposure", None)
        return credit.exposure(obj.dealer) if owed is None else owed

    @admin.display(description=_("exposure"))
    def exposure_display(self, obj):
        return format_money(self._exposure(obj), obj.currency)

    @admin.display(description=_("available"))
    def available_display(self, obj):
        return format_money(obj.credit_limit - self._exposure(obj), obj.currency)

    def get_form(self, request, obj=None, **kwargs):
        # The requesting user goes to this request's form class (never onto the admin, which every request shares).
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})

    def save_model(self, request, obj, form, change):
        """The write, after validation: through the service (audited); the form validated the same values."""
        account = obj if change else credit.open_account(form.cleaned_data["dealer"])
        account = credit.update_credit_account(actor=request.user, account=account, changes=form.account_changes())
        obj.pk = account.pk
        obj.refresh_from_db()


# --- on dealers' admin pages (hook points dealers.approval_fields, dealers.dealer_panel; PaymentsConfig.ready) -

def approval_fields(form, user) -> list[str]:
    """The new dealer's credit settings on the approve page. Finance staff set them (saved by the audited
    update_credit_account through the approval; left empty: the default); other staff see the defaults read-only,
    and the defaults apply."""
    finance = can_change_credit_accounts(user)
    not_finance = _("Set by finance staff; the default applies.")
    form.fields["credit_limit"] = forms.DecimalField(
        label=_("credit limit"), max_digits=14, decimal_places=2, min_value=0, max_value=credit.MAX_CREDIT_LIMIT,
        required=False,
        initial=quantize(getattr(settings, "DEFAULT_CREDIT_LIMIT", "0")), disabled=not finance,
        help_text=_("How much the dealer may owe on account. 0: it orders by wire transfer or card until a limit is "
                    "set.") if finance else not_finance)
    form.fields["payment_terms_days"] = forms.IntegerField(
        label=_("payment terms (net days)"), min_value=0, max_value=credit.MAX_PAYMENT_TERMS_DAYS, required=False,
        initial=getattr(settings, "DEFAULT_PAYMENT_TERMS_DAYS", 30), disabled=not finance,
        help_text=None if finance else not_finance)
    form.fields["allowed_methods"] = forms.MultipleChoiceField(
        label=_("allowed payment methods"), choices=PaymentMethod.choices, required=False,
        widget=forms.CheckboxSelectMultiple, disabled=not finance,
        help_text=_("None ticked: every method.") if finance else not_finance)
    return list(credit.APPROVAL_FIELDS) if finance else []


def dealer_credit_panel(request, dealer) -> str:
    """A box on the dealer's admin page: its credit account with exposure and what is available, and a link to it."""
    if not request.user.has_perm("payments.view_creditaccount"):
        return ""
    account = CreditAccount.objects.filter(dealer=dealer).first()
    context = {"dealer": dealer, "account": account,
               "default_limit": quantize(getattr(settings, "DEFAULT_CREDIT_LIMIT", "0"))}
    if account is not None:
        labels = dict(PaymentMethod.choices)
        context.update({"status": credit.status_of(account, credit.exposure(dealer)),
                        "methods": [labels.get(m, m) for m in account.allowed_methods],
                        "can_change": request.user.has_perm("payments.change_creditaccount"),
                        "url": reverse("admin:payments_creditaccount_change", args=[account.pk])})
    elif dealer.is_approved and request.user.has_perm("payments.add_creditaccount"):
        context["add_url"] = reverse("admin:payments_creditaccount_add") + f"?dealer={dealer.pk}"
    return render_to_string("admin/payments/dealer_credit_panel.html", context, request=request)
