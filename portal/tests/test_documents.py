"""PDF rendering: fonts for every language, the letterhead, storage and who may download."""
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from dealers.testing import DealerFactory, UserFactory
from portal import documents
from portal.models import Document

pytestmark = pytest.mark.django_db

SAMPLES = ["ÇELİK IŞIK ığdır şişe", "Оферта за вашата поръчка", "Báo giá cho đơn hàng", "您的订单报价"]


def _text(pdf_bytes):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf_bytes)).pages)


def test_pdf_text_covers_turkish_cyrillic_vietnamese_and_chinese():
    staff = UserFactory(is_staff=True, first_name="Şükrü")
    doc = documents.request_document(owner=staff, kind="portal.specimen", language="en")
    assert documents.render_document(document_id=doc.pk) is True
    doc.refresh_from_db()
    assert doc.status == Document.Status.READY
    text = _text(doc.file.read())
    for sample in SAMPLES:
        assert sample in text
    assert "Anadolu Industrial Supply" in text  # letterhead
    assert "Page 1 / 1" in text  # page numbers


def test_pdf_is_rendered_in_the_requested_language():
    staff = UserFactory(is_staff=True)
    doc = documents.request_document(owner=staff, kind="portal.specimen", language="tr")
    documents.render_document(document_id=doc.pk)
    doc.refresh_from_db()
    assert "Sayfa 1 / 1" in _text(doc.file.read())


def test_rendering_twice_keeps_one_file():
    staff = UserFactory(is_staff=True)
    doc = documents.request_document(owner=staff, kind="portal.specimen")
    assert documents.render_document(document_id=doc.pk) is True
    name = Document.objects.get(pk=doc.pk).file.name
    assert documents.render_document(document_id=doc.pk) is False
    assert Document.objects.get(pk=doc.pk).file.name == name


def test_request_enqueues_rendering_after_commit(django_capture_on_commit_callbacks):
    staff = UserFactory(is_staff=True)
    with django_capture_on_commit_callbacks() as callbacks:
        documents.request_document(owner=staff, kind="portal.specimen")
    assert len(callbacks) == 1


def _ready_doc(dealer=None):
    staff = UserFactory(is_staff=True)
    doc = documents.request_document(owner=staff, kind="portal.specimen")
    documents.render_document(document_id=doc.pk)
    Document.objects.filter(pk=doc.pk).update(dealer=dealer)
    return Document.objects.get(pk=doc.pk)


def test_staff_download_the_pdf(client):
    doc = _ready_doc()
    client.force_login(UserFactory(is_staff=True))
    response = client.get(reverse("document_download", args=[documents.sign_id("portal.document", doc.pk)]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_anonymous_and_other_users_get_404(client):
    doc = _ready_doc(dealer=DealerFactory())
    url = reverse("document_download", args=[documents.sign_id("portal.document", doc.pk)])
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404


def test_every_app_registers_its_document_kinds_in_ready_and_manage_hooks_lists_them():
    """Kinds are registered in each app's AppConfig.ready() (not as a side effect of importing a services module),
    so every process knows them; `manage.py hooks` lists them after the hook points."""
    from io import StringIO

    from django.core.management import call_command

    kinds = {kind.name: kind.template for kind in documents.registered_kinds()}
    assert kinds == {"payments.invoice": "pdf/invoice.html", "portal.specimen": "pdf/specimen.html",
                     "pricing.quote": "pdf/quote.html", "shipping.waybill": "pdf/waybill.html"}
    files = set(documents.registered_access())
    assert files == set(kinds) | {"dealers.document", "orders.return_photo", "payments.statement",
                                  "shipping.delivery_photo", "support.attachment", "feedback.review_photo"}

    out = StringIO()
    call_command("hooks", stdout=out)
    listing = out.getvalue().split("Document kinds", 1)[1]
    for name in files:
        assert f"  {name}" in listing
    assert "orders.permissions" in listing or "orders.apps" in listing  # who may download a return photo
