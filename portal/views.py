"""Kernel pages: the home page, the language switch, document downloads, the health check."""
from django.conf import settings
from django.db import connection
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import check_for_language
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from .models import Document
from .permissions import can_read_document


def home(request):
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


def download_document(request, pk):
    doc = get_object_or_404(Document, pk=pk, status=Document.Status.READY)
    if not can_read_document(request.user, doc):
        raise Http404
    return FileResponse(doc.file.open("rb"), as_attachment=True, filename=f"{doc.kind.split('.')[-1]}-{doc.pk}.pdf",
                        content_type="application/pdf")


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
