"""Django admin of support."""
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Holiday, SlaPolicy, WorkingHours

# --- SLA policies and the business calendar (H-SLA) ----------------------------------------------------------------
# Targets in business minutes per (priority, tier), edited in the list; the working hours per weekday and the holidays
# (a half-day eve: "closes at"). Saving any of them recomputes the due times of the tickets still open
# (support.services.clocks).


def _recompute(**filters):
    from .services.clocks import recompute_open_tickets

    return recompute_open_tickets(**filters)


def _business_hours(minutes):
    hours, rest = divmod(minutes, 60)
    return f"{hours}:{rest:02d}"


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):
    list_display = ("__str__", "tier", "priority", "first_response_minutes", "first_response_hours",
                    "resolution_minutes", "resolution_hours")
    list_editable = ("first_response_minutes", "resolution_minutes")
    list_filter = ("tier", "priority")

    @admin.display(description=_("first response (business hours)"))
    def first_response_hours(self, policy):
        return _business_hours(policy.first_response_minutes)

    @admin.display(description=_("resolution (business hours)"))
    def resolution_hours(self, policy):
        return _business_hours(policy.resolution_minutes)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        _recompute(priority=obj.priority, dealer__tier=obj.tier)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        _recompute(priority=obj.priority, dealer__tier=obj.tier)


class CalendarAdmin(admin.ModelAdmin):
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        _recompute()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        _recompute()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        _recompute()


@admin.register(WorkingHours)
class WorkingHoursAdmin(CalendarAdmin):
    list_display = ("__str__", "weekday", "opens", "closes")
    list_editable = ("opens", "closes")


@admin.register(Holiday)
class HolidayAdmin(CalendarAdmin):
    list_display = ("date", "name", "closes_at")
    list_editable = ("closes_at",)
    date_hierarchy = "date"
    search_fields = ("name",)
