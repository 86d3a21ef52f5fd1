"""Django admin of feedback."""


# --- NPS (F1): the survey's settings (one row), invitations and answers (read-only) ------------------------------------

from django import forms  # noqa: E402
from django.contrib import admin  # noqa: E402
from django.shortcuts import redirect  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils.translation import gettext_lazy as _  # noqa: E402

from dealers.models import Role  # noqa: E402

from .models import NpsInvitation, NpsResponse, SurveySettings  # noqa: E402
from .services import survey  # noqa: E402


class SurveySettingsForm(forms.ModelForm):
    extra_roles = forms.MultipleChoiceField(
        label=_("also ask these roles"), required=False, widget=forms.CheckboxSelectMultiple,
        choices=[(value, label) for value, label in Role.choices if value != Role.OWNER],
        help_text=_("The owner is always asked; these roles of the dealer's users are asked too."))

    class Meta:
        model = SurveySettings
        fields = ("active", "delay_days", "window_days", "link_days", "extra_roles", "reward_percent", "reward_days")

    def clean_extra_roles(self):
        return sorted(self.cleaned_data.get("extra_roles") or [])

    def clean(self):
        cleaned = super().clean()
        for name in ("delay_days", "window_days", "link_days"):
            value = cleaned.get(name)
            if value is not None and not 1 <= value <= 3650:
                self.add_error(name, _("Enter a number of days from 1 to 3650."))
        percent = cleaned.get("reward_percent")
        if percent is not None and not 0 <= percent <= 20:
            self.add_error("reward_percent", _("Enter a percentage from 0 to 20."))
        return cleaned


@admin.register(SurveySettings)
class SurveySettingsAdmin(admin.ModelAdmin):
    """One row (pk 1, made from the NPS_* settings when missing): the list opens it; no add, no delete."""

    form = SurveySettingsForm

    def changelist_view(self, request, extra_context=None):
        row = survey.settings()
        return redirect(reverse("admin:feedback_surveysettings_change", args=[row.pk]))

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AnsweredFilter(admin.SimpleListFilter):
    title = _("answered")
    parameter_name = "answered"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(response__isnull=self.value() == "no")
        return queryset


@admin.register(NpsInvitation)
class NpsInvitationAdmin(ReadOnlyAdmin):
    list_display = ("dealer", "user", "sent_at", "expires_at", "opened_at", "tier", "city", "sales_agent",
                    "product_family")
    list_filter = (AnsweredFilter, "tier", "language")
    date_hierarchy = "sent_at"
    search_fields = ("dealer__legal_name", "dealer__trade_name", "dealer__code", "user__email", "city")
    list_select_related = ("dealer", "user", "sales_agent", "product_family")


@admin.register(NpsResponse)
class NpsResponseAdmin(ReadOnlyAdmin):
    list_display = ("dealer", "score", "kind", "responded_at", "tier", "city")
    list_filter = ("kind", "invitation__tier", "score")
    date_hierarchy = "responded_at"
    search_fields = ("dealer__legal_name", "dealer__trade_name", "dealer__code", "comment")
    list_select_related = ("dealer", "invitation")

    @admin.display(description=_("tier"), ordering="invitation__tier")
    def tier(self, obj):
        return obj.invitation.tier

    @admin.display(description=_("city"), ordering="invitation__city")
    def city(self, obj):
        return obj.invitation.city
