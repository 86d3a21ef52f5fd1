"""HTML forms of support: field validation only, then a service."""
from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

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


# --- The desk (H-DESK) ----------------------------------------------------------------------------------------------

def desk_status_label(status) -> str:
    """A ticket's status as staff read it: the dealer's "Waiting on you" is "Waiting on dealer" on the desk."""
    from .models import TicketStatus

    if status == TicketStatus.WAITING_ON_DEALER:
        return str(_("Waiting on dealer"))
    return str(TicketStatus(status).label)


def desk_status_choices() -> list[tuple[str, str]]:
    from .models import TicketStatus

    return [(value, desk_status_label(value)) for value in TicketStatus.values]


class DeskFilterForm(forms.Form):
    """The desk's search and filters (GET)."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100, widget=forms.TextInput(attrs={
        "type": "search", "placeholder": _("Number, subject, dealer, order, shipment, invoice")}))
    status = forms.ChoiceField(label=_("Status"), required=False)
    priority = forms.ChoiceField(label=_("Priority"), required=False)
    tier = forms.ChoiceField(label=_("Tier"), required=False)
    team = forms.ChoiceField(label=_("Team"), required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    channel = forms.ChoiceField(label=pgettext_lazy("support channel", "Channel"), required=False)
    assignee = forms.ChoiceField(label=_("Assigned to"), required=False)

    def __init__(self, *args, teams=(), agents=(), **kwargs):
        from .models import Priority, TicketCategory, TicketSource, Tier

        super().__init__(*args, **kwargs)
        every = ("", _("All"))
        self.fields["status"].choices = [every, *desk_status_choices()]
        self.fields["priority"].choices = [every, *Priority.choices]
        self.fields["tier"].choices = [every, *Tier.choices]
        self.fields["category"].choices = [every, *TicketCategory.choices]
        self.fields["channel"].choices = [every, *TicketSource.choices]
        self.fields["team"].choices = [every, ("none", _("No team")), *[(str(t.pk), t.name) for t in teams]]
        self.fields["assignee"].choices = [every, ("none", _("Nobody")),
                                           *[(str(u.pk), u.get_full_name() or u.email) for u in agents]]


class StaffReplyForm(forms.Form):
    body = forms.CharField(label=_("Reply to the dealer"), max_length=20000,
                           widget=forms.Textarea(attrs={"rows": 8}))
    canned = forms.ModelChoiceField(label=_("Canned reply"), required=False, queryset=None)
    article = forms.ModelChoiceField(label=_("Link a FAQ article"), required=False, queryset=None)
    then = forms.ChoiceField(label=_("Then"), required=False)
    attachments = forms.FileField(label=_("Files"), required=False,
                                  widget=forms.ClearableFileInput(attrs={"allow_multiple_selected": True}))

    def __init__(self, *args, **kwargs):
        from .models import Article, ArticleStatus, CannedReply, TicketStatus

        super().__init__(*args, **kwargs)
        self.fields["canned"].queryset = CannedReply.objects.filter(active=True)
        self.fields["article"].queryset = Article.objects.filter(status=ArticleStatus.PUBLISHED)
        self.fields["then"].choices = [("", _("Keep the status")),
                                       (TicketStatus.WAITING_ON_DEALER, _("Wait on the dealer")),
                                       (TicketStatus.RESOLVED, _("Resolve"))]


class NoteForm(forms.Form):
    # Its own id: the reply form on the same desk page has "id_body" (the canned-reply picker fills that one).
    body = forms.CharField(label=_("Internal note (staff only)"), max_length=20000,
                           widget=forms.Textarea(attrs={"rows": 3, "id": "id_note_body"}))


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(label=_("Assigned to"), required=False, queryset=None,
                                      empty_label=_("Nobody"))
    team = forms.ModelChoiceField(label=_("Team"), required=False, queryset=None, empty_label=_("No team"))

    def __init__(self, *args, **kwargs):
        from .models import Team
        from .selectors import support_agents

        super().__init__(*args, **kwargs)
        # Only support agents are offered; the service refuses anyone else again (desk.assign).
        self.fields["assignee"].queryset = support_agents()
        self.fields["team"].queryset = Team.objects.all()


class PriorityForm(forms.Form):
    priority = forms.ChoiceField(label=_("Priority"))

    def __init__(self, *args, **kwargs):
        from .models import Priority

        super().__init__(*args, **kwargs)
        self.fields["priority"].choices = Priority.choices


class MoveForm(forms.Form):
    to = forms.CharField(widget=forms.HiddenInput)
    note = forms.CharField(label=_("Note"), required=False, max_length=1000)


class MergeForm(forms.Form):
    into = forms.CharField(label=_("Merge into ticket number"), max_length=20,
                           widget=forms.TextInput(attrs={"placeholder": "TCK-2026-000123"}))


# --- The dealer's tickets (H-TICKETS) -------------------------------------------------------------------------------

class TicketFilterForm(forms.Form):
    """The dealer's tickets page: by status."""

    from .models import TicketStatus as _TicketStatus

    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All")), *_TicketStatus.choices])


class NewTicketForm(forms.Form):
    """A new ticket: what it is about, the subject, how urgent, the message and files; the links of "Report a
    problem" ride along hidden (open_ticket checks them against the dealer again)."""

    from orders.forms import MultipleFileField as _Files
    from orders.forms import MultipleFileInput as _FilesInput

    from .models import Priority as _Priority
    from .models import TicketCategory as _Category

    category = forms.ChoiceField(label=_("What is it about?"), choices=_Category.choices)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    urgency = forms.ChoiceField(label=_("How urgent is it?"), choices=_Priority.choices, initial=_Priority.NORMAL)
    body = forms.CharField(label=_("Message"), max_length=20000, widget=forms.Textarea(attrs={"rows": 6}))
    attachments = _Files(label=_("Files (images or PDF, at most 10 MB each)"), required=False,
                         widget=_FilesInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif,"
                                                             "application/pdf"}))
    order = forms.CharField(required=False, widget=forms.HiddenInput)
    line = forms.CharField(required=False, widget=forms.HiddenInput)
    shipment = forms.CharField(required=False, widget=forms.HiddenInput)
    invoice = forms.CharField(required=False, widget=forms.HiddenInput)

    def links(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in ("order", "line", "shipment", "invoice")}


class DealerReplyForm(forms.Form):
    from orders.forms import MultipleFileField as _Files
    from orders.forms import MultipleFileInput as _FilesInput

    body = forms.CharField(label=_("Your reply"), max_length=20000, widget=forms.Textarea(attrs={"rows": 4}))
    attachments = _Files(label=_("Files (images or PDF, at most 10 MB each)"), required=False,
                         widget=_FilesInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif,"
                                                             "application/pdf"}))


# --- Phone calls (issue 16, H6) --------------------------------------------------------------------------------------

class CallForm(forms.Form):
    """"Log a call" on the desk's ticket page (support.services.calls.log_call checks it all again)."""

    direction = forms.ChoiceField(label=_("Who called"), widget=forms.RadioSelect)
    started_at = forms.DateTimeField(label=_("When"), widget=forms.DateTimeInput(
        attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))
    minutes = forms.IntegerField(label=_("Minutes"), min_value=0, max_value=24 * 60,
                                 widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    notes = forms.CharField(label=_("Notes (staff only: the dealer never sees them)"), required=False,
                            max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    phone_number = forms.CharField(label=_("Phone number"), required=False, max_length=40,
                                   widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}))

    def __init__(self, *args, **kwargs):
        from django.utils import timezone

        from .models import CallDirection

        kwargs["initial"] = dict(kwargs.get("initial") or {})
        kwargs["initial"].setdefault("direction", CallDirection.INBOUND)
        kwargs["initial"].setdefault("started_at", timezone.localtime().replace(second=0, microsecond=0))
        super().__init__(*args, **kwargs)
        self.fields["direction"].choices = [(CallDirection.INBOUND, _("The dealer called us")),
                                            (CallDirection.OUTBOUND, _("We called the dealer"))]

    def call_fields(self) -> dict:
        data = self.cleaned_data
        return {"direction": data["direction"], "started_at": data["started_at"],
                "duration_seconds": data["minutes"] * 60, "notes": data["notes"],
                "phone_number": data["phone_number"]}


class NewCallTicketForm(CallForm):
    """"New ticket from a call": the dealer chosen first (its id), then the caller among its users, the ticket's
    subject, category and priority, and the call."""

    dealer = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**63 - 1)
    caller = forms.ChoiceField(label=_("Caller"), required=False)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    category = forms.ChoiceField(label=_("Category"))
    priority = forms.ChoiceField(label=_("Priority"))
    assign_to_me = forms.BooleanField(label=_("Assign it to me"), required=False, initial=True)

    field_order = ["dealer", "caller", "subject", "category", "priority", "direction", "started_at", "minutes",
                   "phone_number", "notes", "assign_to_me"]

    def __init__(self, *args, callers=(), **kwargs):
        from .models import Priority, TicketCategory

        kwargs["initial"] = dict(kwargs.get("initial") or {})
        kwargs["initial"].setdefault("priority", Priority.NORMAL)
        super().__init__(*args, **kwargs)
        self.fields["caller"].choices = [("", _("Not a user of the portal")), *[
            (str(user.pk), " · ".join(part for part in (user.get_full_name() or user.email, user.phone) if part))
            for user in callers]]
        self.fields["category"].choices = TicketCategory.choices
        self.fields["priority"].choices = Priority.choices
