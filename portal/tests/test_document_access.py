"""Every file download asks the permission function of the object the file belongs to (portal.documents registry):
a sweep per document kind × role with the answer each must get, ids in URLs signed, files served under the extension
of their detected type with nosniff."""
import io

import pytest
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from dealers.models import DealerDocument, DocumentType, Role
from dealers.selectors import dealer_document_url
from dealers.services.application import check_document_file
from dealers.testing import AgentFactory, DealerFactory, DealerUserFactory, StaffFactory, UserFactory
from orders.models import OrderStatus
from orders.selectors import return_photo_url
from orders.services import changes, ordering, returns
from orders.testing import actor_of, priced, with_addresses
from payments.services.invoices import INVOICE_PDF
from payments.testing import InvoiceFactory
from portal import documents, uploads
from portal.models import Document
from pricing.models import QuoteRevision
from pricing.services.quote_pdf import QUOTE_PDF
from pricing.testing import PriceListFactory, QuoteFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ROLES = ["owner", "buyer", "approver", "finance", "viewer", "other_owner", "assigned_agent", "unassigned_agent",
         "staff_without_permissions", "admin"]


def png_bytes():
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def world(db):
    dealer = with_addresses(DealerFactory(code="KAYA36"))
    people = {role: DealerUserFactory(dealer=dealer, role=getattr(Role, role.upper()))
              for role in ["owner", "buyer", "approver", "finance", "viewer"]}
    people["other_owner"] = DealerUserFactory(dealer=DealerFactory(), role=Role.OWNER)
    people["assigned_agent"] = AgentFactory(dealers=[dealer])
    people["unassigned_agent"] = AgentFactory(dealers=[DealerFactory()])
    people["staff_without_permissions"] = UserFactory(is_staff=True)
    people["admin"] = StaffFactory()
    return dealer, people


def ready_document(kind, owner, dealer):
    doc = Document(kind=kind, owner=owner, dealer=dealer, status=Document.Status.READY, title="t")
    doc.file.save(f"{kind}.pdf", ContentFile(PDF), save=False)
    doc.save()
    return doc


def invoice_of(dealer):
    invoice = InvoiceFactory(dealer=dealer)
    invoice.document = ready_document(INVOICE_PDF, invoice, dealer)
    invoice.save(update_fields=["document"])
    return invoice


def revision_of(dealer):
    quote = QuoteFactory(dealer=dealer)
    revision = QuoteRevision.objects.create(quote=quote, number=1, sent_at=timezone.now(), snapshot={})
    revision.document = ready_document(QUOTE_PDF, revision, dealer)
    revision.save(update_fields=["document"])
    return revision


def tax_certificate_of(dealer, *, name="tax.pdf", content=PDF):
    upload = SimpleUploadedFile(name, content)
    mime = check_document_file(upload)
    doc = DealerDocument(dealer=dealer, doc_type=DocumentType.objects.get(code="tax_certificate"),
                         original_name=name, content_type=mime, size=len(content))
    doc.file.save(uploads.stored_name(mime), upload, save=False)
    doc.save()
    return doc


def return_photo_of(dealer, owner):
    product = priced(PriceListFactory(kind="market"), "100.00", stock_quantity=50)
    order = ordering.place_order(actor=actor_of(owner), lines=[(product, 2)], checkout=ordering.Checkout())
    staff = StaffFactory()
    for status in (OrderStatus.CONFIRMED, OrderStatus.SHIPPED, OrderStatus.DELIVERED):
        order = changes.set_status(actor=staff, order=order, status=status)
    rma = returns.request_return(actor=actor_of(owner), line=order.lines.get(), quantity=1, reason="Broken",
                                 photos=[SimpleUploadedFile("broken.html", png_bytes(), content_type="text/html")])
    return rma.photos.get()


def sweep(client, people, url):
    answers = {}
    for role in ROLES:
        client.force_login(people[role])
        answers[role] = client.get(url).status_code
    client.logout()
    answers["anonymous"] = client.get(url).status_code
    return answers


def expected(**codes):
    base = {"other_owner": 404, "unassigned_agent": 404, "staff_without_permissions": 404, "admin": 200,
            "assigned_agent": 200, "anonymous": 302}
    return {**base, **codes}


INVOICE_ANSWERS = expected(owner=200, buyer=403, approver=403, finance=200, viewer=403)
QUOTE_ANSWERS = expected(owner=200, buyer=200, approver=200, finance=403, viewer=403)


def test_invoice_pdf_by_number_only_for_owners_finance_assigned_agents_and_admins(client, world):
    dealer, people = world
    invoice = invoice_of(dealer)
    assert sweep(client, people, reverse("payments:invoice_pdf", args=[invoice.number])) == INVOICE_ANSWERS


def test_invoice_pdf_by_document_id_asks_the_invoice_permission(client, world):
    dealer, people = world
    invoice = invoice_of(dealer)
    url = reverse("document_download", args=[documents.sign_id("portal.document", invoice.document_id)])
    assert sweep(client, people, url) == INVOICE_ANSWERS


def test_quote_pdf_by_document_id_asks_the_quote_permission(client, world):
    dealer, people = world
    revision = revision_of(dealer)
    url = reverse("document_download", args=[documents.sign_id("portal.document", revision.document_id)])
    assert sweep(client, people, url) == QUOTE_ANSWERS


def test_quote_revision_pdf_asks_the_quote_permission(client, world):
    dealer, people = world
    revision = revision_of(dealer)
    assert sweep(client, people, reverse("quotes:revision_pdf", args=[revision.quote.number, 1])) == QUOTE_ANSWERS


def test_tax_certificate_only_for_the_dealers_owner_assigned_agents_and_staff_who_view_dealers(client, world):
    dealer, people = world
    doc = tax_certificate_of(dealer)
    answers = sweep(client, people, dealer_document_url(document=doc))
    assert answers == expected(owner=200, buyer=403, approver=403, finance=403, viewer=403)
    viewer_of_dealers = UserFactory(is_staff=True)
    viewer_of_dealers.user_permissions.add(Permission.objects.get(codename="view_dealer"))
    client.force_login(viewer_of_dealers)
    assert client.get(dealer_document_url(document=doc)).status_code == 200


def test_return_photo_for_whoever_sees_the_order(client, world):
    dealer, people = world
    photo = return_photo_of(dealer, people["owner"])
    answers = sweep(client, people, return_photo_url(photo=photo))
    assert answers == expected(owner=200, buyer=200, approver=200, finance=200, viewer=200)


def test_statement_pdf_only_for_roles_that_pay(client, world):
    _dealer, people = world
    url = reverse("payments:statement_pdf")
    for role, code in [("owner", 200), ("finance", 200), ("buyer", 403), ("viewer", 403)]:
        client.force_login(people[role])
        assert client.get(url).status_code == code, role


def test_sequential_ids_no_longer_open_documents(client, world):
    dealer, people = world
    invoice = invoice_of(dealer)
    doc = tax_certificate_of(dealer)
    client.force_login(people["buyer"])
    assert client.get(f"/documents/{invoice.document_id}/download/").status_code == 404
    client.force_login(people["admin"])
    assert client.get(f"/documents/{invoice.document_id}/download/").status_code == 404
    assert client.get(f"/dealers/documents/{doc.pk}/").status_code == 404
    forged = documents.sign_id("portal.document", invoice.document_id)[:-2] + "xx"
    assert client.get(reverse("document_download", args=[forged])).status_code == 404
    # A token signed for one kind does not open another kind's file with the same number.
    other_kind = documents.sign_id("portal.document", doc.pk)
    assert client.get(reverse("dealers:document", args=[other_kind])).status_code == 404


def test_uploads_are_stored_and_served_under_the_detected_type(client, world):
    dealer, people = world
    polyglot = PDF + b"<html><script>alert(1)</script></html>"
    doc = tax_certificate_of(dealer, name="certificate.html", content=polyglot)
    exe = tax_certificate_of(dealer, name="setup.exe", content=PDF)
    assert doc.file.name.endswith(".pdf") and exe.file.name.endswith(".pdf")
    client.force_login(people["admin"])
    for item in (doc, exe):
        response = client.get(dealer_document_url(document=item))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
        disposition = response["Content-Disposition"]
        assert disposition.startswith("attachment;") and disposition.endswith('.pdf"')
        assert ".html" not in disposition and ".exe" not in disposition
    photo = return_photo_of(dealer, people["owner"])
    assert photo.image.name.endswith(".png")
    response = client.get(return_photo_url(photo=photo))
    assert response["Content-Type"] == "image/png" and response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].endswith('.png"')


def test_safe_filename_keeps_only_plain_characters_and_the_detected_extension():
    assert uploads.safe_filename('../../evil"name.html', "pdf") == "evil-name.pdf"
    assert uploads.safe_filename("Şişe ölçüm", "png") == "Şişe ölçüm.png"
    assert uploads.safe_filename("Datasheet v1.2", "pdf") == "Datasheet v1.2.pdf"
    assert uploads.safe_filename("", "jpg") == "file.jpg"


def test_staff_product_uploads_are_checked_and_renamed_to_their_detected_type(db):
    from catalog.admin import ProductDocumentForm, ProductImageForm
    from catalog.testing import ProductFactory

    product = ProductFactory()
    form = ProductDocumentForm(data={"title": "Data sheet", "ordering": 0},
                               files={"file": SimpleUploadedFile("sheet.html", PDF + b"<script>x</script>")},
                               instance=None)
    form.instance.product = product
    assert form.is_valid(), form.errors
    saved = form.save()
    assert saved.file.name.endswith(".pdf")
    html = ProductDocumentForm(data={"title": "x", "ordering": 0},
                               files={"file": SimpleUploadedFile("page.pdf", b"<html><script>x</script></html>")})
    assert not html.is_valid() and "must be a PDF, JPEG or PNG file" in str(html.errors["file"])
    image = ProductImageForm(data={"alt": "", "ordering": 0},
                             files={"image": SimpleUploadedFile("photo.gif", png_bytes())})
    image.instance.product = product
    assert image.is_valid(), image.errors
    assert image.save().image.name.endswith(".png")


def test_product_documents_download_under_their_stored_type_with_nosniff(client, world):
    from catalog.models import ProductDocument
    from catalog.testing import ProductFactory

    _dealer, people = world
    legacy = ProductDocument(product=ProductFactory(), title="Old upload")
    legacy.file.save("legacy.html", ContentFile(b"<script>alert(1)</script>"), save=False)
    legacy.save()
    client.force_login(people["owner"])
    response = client.get(reverse("catalog:document", args=[legacy.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Disposition"].endswith('.bin"')
