"""Admin of credit accounts: finance staff edit limits, terms, methods and holds; saved through the service, so
every change is audited. Each row shows the exposure and what is available."""
from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from portal.errors import DomainError
from portal.money import format_money

from .models import CreditAccount
from .services import credit


class CreditAccountForm(forms.ModelForm):
    """Saved by update_credit_account while the form is validated (inside the admin's transaction): a refusal
    shows on the form with what was typed, and every change is audited, a new account's too."""

    user = None  # set by CreditAccountAdmin.get_form

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
        changed = [name for name in self.changed_data if name != "dealer"]
        try:
            account = credit.get_account(data["dealer"]) if adding else self.instance
            self.made = credit.update_credit_account(by=self.user, account=account,
                                                     changes={name: data[name] for name in changed})
        except DomainError as exc:
            self.add_error(exc.field if exc.field in self.fields else None, str(exc.message))
        return data

    def validate_unique(self):
        pass  # the dealer's one account is checked in clean(); the service has made it by now


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

    @admin.display(description=_("exposure"))
    def exposure_display(self, obj):
        return format_money(credit.exposure(obj.dealer), obj.currency)

    @admin.display(description=_("available"))
    def available_display(self, obj):
        return format_money(obj.credit_limit - credit.exposure(obj.dealer), obj.currency)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})

    def save_model(self, request, obj, form, change):
        obj.pk = form.made.pk  # saved (and audited) by the service in the form's clean()
        obj.refresh_from_db()
