"""HTML forms of feedback: field validation only, then a service."""


# --- Product reviews (F3) --------------------------------------------------------------------------------------------

from django import forms  # noqa: E402
from django.utils.translation import gettext_lazy as _  # noqa: E402
from django.utils.translation import pgettext_lazy  # noqa: E402

from orders.forms import MultipleFileField, MultipleFileInput  # noqa: E402

STAR_CHOICES = [(n, str(n)) for n in range(1, 6)]


class ReviewForm(forms.Form):
    """A review: 1–5 stars as radio buttons, a title, the text, photos, and whether to show the company's name."""

    stars = forms.TypedChoiceField(label=pgettext_lazy("review", "Stars"), choices=STAR_CHOICES, coerce=int,
                                   widget=forms.RadioSelect)
    title = forms.CharField(label=pgettext_lazy("review", "Title"), max_length=120)
    body = forms.CharField(label=_("Your review"), max_length=5000, widget=forms.Textarea(attrs={"rows": 6}))
    photos = MultipleFileField(label=_("Photos (JPEG, PNG or WebP, at most 5, 5 MB each)"), required=False,
                               widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))
    show_company = forms.BooleanField(label=_("Show our company's name with the review"), required=False)


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason for rejection (the author reads it)"), max_length=500)


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("Our reply"), max_length=3000, widget=forms.Textarea(attrs={"rows": 3}))


# --- The "voice of the dealer" dashboard (F5) ------------------------------------------------------------------------

class DashboardFilterForm(forms.Form):
    """The dashboard's period (whole months, `from` … `until`, default the last 12) and tier; feedback.reports.period
    decides (the API asks it the same)."""

    def __init__(self, *args, **kwargs):
        from .reports import tier_choices

        super().__init__(*args, **kwargs)
        for name, label in (("from", _("From month")), ("until", _("Until month"))):
            self.fields[name] = forms.CharField(label=label, required=False, max_length=10, widget=forms.TextInput(
                attrs={"type": "month", "placeholder": "YYYY-MM", "pattern": "[0-9]{4}-[0-9]{2}"}))
        self.fields["tier"] = forms.ChoiceField(label=_("Tier"), required=False,
                                                choices=[("", _("All tiers")), *tier_choices()])

    def clean(self):
        from .reports import PeriodError, period

        data = super().clean()
        try:
            data["period"] = period(month_from=data.get("from"), month_until=data.get("until"),
                                    tier=data.get("tier") or "")
        except PeriodError as exc:
            self.add_error(exc.field if exc.field in self.fields else None, exc.message)
        return data


# --- NPS (F1) --------------------------------------------------------------------------------------------------------

from feedback.models import NpsReason  # noqa: E402

NPS_SCORE_CHOICES = [(n, str(n)) for n in range(0, 11)]  # 0 included: the scale is 0–10


class NpsAnswerForm(forms.Form):
    """The NPS question: 0–10 as a scale of radio buttons, a comment, optional reason tags."""

    score = forms.TypedChoiceField(label=_("How likely are you to recommend us to a colleague?"),
                                   choices=NPS_SCORE_CHOICES, coerce=int, widget=forms.RadioSelect,
                                   error_messages={"required": _("Choose a score from 0 to 10."),
                                                   "invalid_choice": _("Choose a score from 0 to 10.")})
    reasons = forms.MultipleChoiceField(label=_("What is your answer mostly about? (optional)"),
                                        choices=NpsReason.choices, required=False,
                                        widget=forms.CheckboxSelectMultiple)
    comment = forms.CharField(label=_("Anything you would like to tell us? (optional)"), max_length=2000,
                              required=False, widget=forms.Textarea(attrs={"rows": 4}))


# --- Success stories (F2) -------------------------------------------------------------------------------------------

class StoryForm(forms.Form):
    """The dealer's success story: a title and at most 4000 characters."""

    title = forms.CharField(label=pgettext_lazy("story", "Title"), max_length=150)
    body = forms.CharField(label=_("Your story"), max_length=4000, widget=forms.Textarea(attrs={"rows": 10}),
                           help_text=_("How our products served your business, in a few paragraphs."))


class StoryConsentForm(forms.Form):
    """The dealer agrees to the published text shown (`text`: the page's copy, so a later edit is not agreed to)."""

    text = forms.CharField(widget=forms.HiddenInput, strip=False, max_length=10000)
    agree = forms.BooleanField(label=_("I agree that this text is published with our company's name on the public "
                                       "home page."))
