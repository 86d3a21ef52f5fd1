"""Success story and follow-up pages (issue 17, sections 2 and 4).

- `feedback:story` (`/feedback/stories/<pk>/`): the owner of the story's dealer writes its story (title, text), reads
  the text staff prepared for the home page and agrees to it, or withdraws the story. Anyone else (another dealer, a
  user of the dealer in another role, staff) finds nothing (404).
- `feedback:loop_move` (`POST /feedback/loops/<pk>/move/`, field `to`, optional `note` and `next`): staff holding
  `feedback.change_detractorloop` move a detractor follow-up by hand (the dashboard's buttons); anyone else 404.
"""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from portal.errors import DomainError, add_to_form

from .. import selectors
from ..errors import FeedbackError
from ..forms import StoryConsentForm, StoryForm
from ..models import DetractorLoop, LoopStatus, StoryStatus
from ..permissions import may_move_loop
from ..services import loop as loop_service
from ..services import stories as service


@login_required
@require_http_methods(["GET", "POST"])
def story(request, pk):
    actor = request.actor
    item = selectors.get_own_story(actor=actor, pk=pk)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    may_write = item.status in (StoryStatus.INVITED, StoryStatus.SUBMITTED)
    form = StoryForm(request.POST if action == "write" else None,
                     initial={"title": item.title, "body": item.body})
    current = service.consented_text(item)
    consent_form = StoryConsentForm(request.POST if action == "consent" else None, initial={"text": current})
    try:
        if action == "write" and form.is_valid():
            service.write_story(actor=actor, story=item, title=form.cleaned_data["title"],
                                body=form.cleaned_data["body"])
            messages.success(request, _("Thank you: we read your story and send you the text to publish for your "
                                        "agreement."))
            return redirect("feedback:story", pk=item.pk)
        if action == "consent" and consent_form.is_valid():
            service.consent_to_story(actor=actor, story=item, text=consent_form.cleaned_data["text"])
            messages.success(request, _("Thank you: you agreed to the text. We publish it on our home page."))
            return redirect("feedback:story", pk=item.pk)
        if action == "withdraw":
            service.withdraw_story(actor=actor, story=item, note=_("Withdrawn by the dealer."))
            messages.success(request, _("The story is withdrawn: it is not shown anywhere."))
            return redirect("feedback:story", pk=item.pk)
    except DomainError as exc:
        if action == "consent":
            messages.error(request, str(exc.message))
            return redirect("feedback:story", pk=item.pk)
        if action == "withdraw":
            messages.error(request, str(exc.message))
        else:
            add_to_form(form, exc)
    status = 400 if request.method == "POST" else 200
    shows_edit = item.status in (StoryStatus.SUBMITTED, StoryStatus.PUBLISHED) and bool(item.edited_body.strip())
    return render(request, "feedback/story.html", {
        "story": item, "form": form, "may_write": may_write, "consent_form": consent_form,
        "shows_edited": shows_edit, "consent_current": service.consent_is_current(item),
        "may_withdraw": item.status != StoryStatus.WITHDRAWN,
    }, status=status)


@require_POST
def loop_move(request, pk):
    if not may_move_loop(request.user):
        raise Http404
    try:
        pk = int(pk)
    except (TypeError, ValueError, OverflowError):
        raise Http404 from None
    if not 0 < pk < 2**63:
        raise Http404
    loop = get_object_or_404(DetractorLoop, pk=pk)
    to = request.POST.get("to", "")
    try:
        if to not in LoopStatus.values:
            raise FeedbackError(_("Choose where the follow-up goes."), field="to")
        loop_service.move_loop(actor=request.user, loop=loop, to=to, note=request.POST.get("note", ""))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The follow-up is now “%(status)s”.") % {"status": LoopStatus(to).label})
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = reverse("admin:feedback_detractorloop_change", args=[loop.pk])
    return redirect(target)
