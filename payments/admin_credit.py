"""Admin of credit accounts: finance staff edit limits, terms, methods and holds; saved through the service, so
every change is audited. Each row shows the exposure and what is available."""
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from portal.money import format_money

from .models import CreditAccount
from .services import credit


@admin.register(CreditAccount)
class CreditAccountAdmin(admin.ModelAdmin):
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

    def save_model(self, request, obj, form, change):
        if not change:
            obj.save()
            return
        credit.update_credit_account(by=request.user, account=obj,
                                     changes={name: form.cleaned_data[name] for name in form.changed_data})
