"""Kernel pages: the home page, the language switch, document downloads, the health check."""
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.utils.translation import check_for_language
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from . import documents, uploads
from .models import Document

DOCUMENT_URL_KIND = "portal.document"


def home(request):
    """The portal's front page for visitors; a signed-in user goes to where its work is (also right after login,
    LOGIN_REDIRECT_URL): a dealer's users and an agent acting for a dealer to the dealer's dashboard, a sales agent
    to its dealers, support agents to the support desk, staff who prepare quotes to their work list, other staff to
    the admin."""
    user = request.user
    if user.is_authenticated:
        actor = getattr(request, "actor", None)
        if actor is not None and actor.dealer is not None:
            return redirect("dealers:dashboard")
        if user.is_staff:
            from pricing.permissions import can_edit_quotes
            from support.permissions import is_support_agent

            if user.is_sales_agent:
                return redirect("dealers:agent_dealers")
            if is_support_agent(user) and not user.is_superuser:
                return redirect("support:desk")
            if can_edit_quotes(user):
                return redirect("quotes:work")
            return redirect("admin:index")
    return render(request, "home.html")


@require_POST
def set_language(request):
    """Django's switch (cookie), plus the user's saved language so mails and PDFs follow the choice."""
    response = django_set_language(request)
    code = request.POST.get("language")
    if request.user.is_authenticated and code and check_for_language(code) and code in dict(settings.LANGUAGES):
        if request.user.language != code:
            request.user.language = code
            request.user.save(update_fields=["language"])
    return response


@login_required
def download_document(request, token):
    """A rendered PDF by its signed id; the owner object's permission function decides (documents.may_download)."""
    pk = documents.unsign_id(DOCUMENT_URL_KIND, token)
    if pk is None or not pk.isdigit():
        raise Http404
    doc = get_object_or_404(Document, pk=int(pk), status=Document.Status.READY)
    documents.check_download(request.user, doc.kind, doc.owner, dealer_id=doc.dealer_id)
    return uploads.file_response(doc.file, filename=f"{doc.kind.split('.')[-1]}-{doc.pk}", extension="pdf")


def favicon(request):
    """/favicon.ico, which browsers ask for on pages that link no icon (the admin's, a PDF opened in a tab)."""
    return redirect(static("img/favicon.ico"), permanent=True)


def healthz(request):
    """Each dependency as JSON (see portal/health.py): 200 while pages can be served (the cache, broker or workers
    may be degraded: keep the web in rotation), 503 when the database is down (take it out)."""
    from .health import report

    status, body = report()
    response = JsonResponse(body, status=status)
    response["Cache-Control"] = "no-store"
    return response
