"""The NPS answer page (`feedback:nps_answer`, /feedback/nps/<token>/): the link of the invitation mail. No login:
the signed token is the credential. A forged token is a 404, an expired link a 410 page saying so, an answered one
the thank-you page (no second answer). The page speaks the invitation's language."""
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import translation
from django.views.decorators.http import require_http_methods

from portal.errors import DomainError, add_to_form

from ..errors import NpsAlreadyAnswered, NpsLinkExpired
from ..forms import NpsAnswerForm
from ..models import NpsResponse
from ..services import nps


def _page(request, template, context, status=200):
    return render(request, f"feedback/{template}", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def nps_answer(request, token):
    invitation = nps.invitation_of_token(token)
    if invitation is None:
        raise Http404
    with translation.override(invitation.language or None):
        request.LANGUAGE_CODE = translation.get_language()
        return _answer_page(request, token, invitation)


def _thanks(request, invitation):
    response = NpsResponse.objects.filter(invitation_id=invitation.pk).first()
    return _page(request, "nps_thanks.html", {"invitation": invitation, "response": response})


def _expired(request, invitation):
    return _page(request, "nps_expired.html", {"invitation": invitation}, status=410)


def _answer_page(request, token, invitation):
    state = nps.link_state(invitation)
    if state == "answered":
        return _thanks(request, invitation)
    if state == "expired":
        return _expired(request, invitation)
    nps.mark_opened(invitation)
    form = NpsAnswerForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            nps.answer(invitation=invitation, score=form.cleaned_data["score"], comment=form.cleaned_data["comment"],
                       reasons=form.cleaned_data["reasons"])
        except NpsAlreadyAnswered:
            return _thanks(request, invitation)
        except NpsLinkExpired:
            return _expired(request, invitation)
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            return redirect("feedback:nps_answer", token=token)
    return _page(request, "nps_answer.html", {"invitation": invitation, "form": form},
                 status=400 if form.is_bound else 200)
