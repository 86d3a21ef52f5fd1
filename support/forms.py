"""HTML forms of support: field validation only, then a service."""
from django import forms
from django.utils.translation import gettext_lazy as _

# --- Satisfaction and metrics (H-METRICS) ---------------------------------------------------------------------------

class RatingForm(forms.Form):
    """The dealer's rating of a resolved ticket (support.services.rate_ticket checks it all again)."""

    rating = forms.TypedChoiceField(
        label=_("How satisfied are you with how we handled this ticket?"), coerce=int, widget=forms.RadioSelect,
        choices=[(5, _("5 – very satisfied")), (4, _("4 – satisfied")), (3, _("3 – neutral")),
                 (2, _("2 – dissatisfied")), (1, _("1 – very dissatisfied"))])
    comment = forms.CharField(label=_("Comment (optional)"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 4}))


class MetricsFilterForm(forms.Form):
    """The metrics page's filters: tickets opened between two dates, of one tier."""

    opened_from = forms.DateField(label=_("Opened from"), required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}))
    opened_to = forms.DateField(label=_("Opened until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    tier = forms.ChoiceField(label=_("Tier"), required=False)

    def __init__(self, *args, **kwargs):
        from .models import Tier

        super().__init__(*args, **kwargs)
        self.fields["tier"].choices = [("", _("All tiers")), *Tier.choices]
