"""Django admin of shipping: carriers, zones (with their places inline) and methods (with their rate rules
inline). Which rule wins is explained on the rules' inline (services/rates.py)."""
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Carrier, RateRule, ShippingMethod, ShippingZone, ZoneLine


@admin.register(Carrier)
class CarrierAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "own_truck", "active"]
    list_filter = ["own_truck", "active"]
    search_fields = ["name", "code"]


class ZoneLineInline(admin.TabularInline):
    model = ZoneLine
    extra = 1


@admin.register(ShippingZone)
class ShippingZoneAdmin(admin.ModelAdmin):
    list_display = ["name", "places"]
    search_fields = ["name", "lines__city", "lines__postcode_prefix"]
    inlines = [ZoneLineInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("lines")

    @admin.display(description=_("places"))
    def places(self, zone):
        return ", ".join(str(line) for line in zone.lines.all())


class RateRuleInline(admin.TabularInline):
    model = RateRule
    extra = 1
    fields = ["kind", "from_value", "to_value", "zone", "segment", "dealer", "price"]
    autocomplete_fields = ["dealer"]
    verbose_name_plural = _("rate rules (the most specific matching rule wins: dealer, then segment, then zone, "
                            "then a general rule; then a band before a flat rate; bands include “from” and exclude “up to”)")


@admin.register(ShippingMethod)
class ShippingMethodAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "carrier", "lead_time_days", "free_above_net", "vat_rate", "active",
                    "ordering"]
    list_filter = ["active", "carrier"]
    list_editable = ["active", "ordering"]
    search_fields = ["code", "name_en", "name_tr"]
    filter_horizontal = ["segments"]
    autocomplete_fields = ["dealers"]
    inlines = [RateRuleInline]
    fieldsets = [
        (None, {"fields": ["code", "name_en", "name_tr", "name_bg", "name_vi", "name_zh_hans", "carrier",
                           "lead_time_days", "active", "ordering"]}),
        (_("Who may use it"), {"fields": ["segments", "dealers"]}),
        (_("Charges"), {"fields": ["vat_rate", "free_above_net", "handling_charge", "carries_fragile",
                                   "carries_hazardous"]}),
        (_("Insurance"), {"fields": ["insurance_rate_percent", "insurance_minimum", "insurance_cover_en",
                                     "insurance_cover_tr", "insurance_cover_bg", "insurance_cover_vi",
                                     "insurance_cover_zh_hans"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("carrier")
