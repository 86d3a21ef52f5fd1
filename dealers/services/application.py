"""The public application: a business applies with its documents and accepts the terms."""
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from portal import audit, outbox, uploads
from portal.lifecycle import acting_user

from ..errors import (
    DuplicateEmail,
    DuplicateTaxNumber,
    InvalidAddress,
    InvalidDocument,
    InvalidPassword,
    InvalidTaxNumber,
    TermsNotAccepted,
)
from ..models import Dealer, DealerDocument, DealerStatusChange, DocumentType, Role, TermsAcceptance, TermsVersion, User

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
ALLOWED_DOCUMENT_TYPES = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}

COMPANY_FIELDS = [
    "legal_name", "trade_name", "tax_office", "tax_number", "sector", "employees", "annual_revenue", "phone",
    "email", "website", "address_line", "city", "postal_code", "country",
    "shipping_address_line", "shipping_city", "shipping_postal_code",
]


def check_document_file(upload) -> str:
    """PDF, JPEG or PNG by content (not by name), at most 10 MB. Returns the detected MIME type."""
    if upload.size > MAX_DOCUMENT_BYTES:
        raise InvalidDocument(_("The file is larger than 10 MB."))
    detected = uploads.detect(upload, allowed=ALLOWED_DOCUMENT_TYPES)
    if detected is None:
        raise InvalidDocument(_("Only PDF, JPEG or PNG files are accepted; this file is not one of them."))
    return detected.mime


def normalise_tax_number(value: str) -> str:
    return "".join(str(value).split())


def check_tax_number(value: str) -> str:
    number = normalise_tax_number(value)
    if not (number.isascii() and number.isdigit()) or len(number) not in (10, 11):
        raise InvalidTaxNumber(
            _("A tax number has 10 digits (11 for a sole proprietor's identity number), digits only."),
            field="tax_number",
        )
    if Dealer.objects.filter(tax_number=number).exists():
        raise DuplicateTaxNumber(_("A dealer with this tax number is already registered."), field="tax_number")
    return number


def check_delivery_address(company: dict) -> None:
    """A delivery address apart from the billing address is optional, but then with its street and its city."""
    line, city = (company.get("shipping_address_line") or "").strip(), (company.get("shipping_city") or "").strip()
    if line and not city:
        raise InvalidAddress(_("Please give the city of the delivery address."), field="shipping_city")
    if city and not line:
        raise InvalidAddress(_("Please give the street and number of the delivery address."),
                             field="shipping_address_line")


@dataclass
class Contact:
    first_name: str
    last_name: str
    email: str
    phone: str = ""
    password: str | None = None


def required_document_types():
    return DocumentType.objects.filter(active=True, required=True)


def submit_application(*, company: dict, contact: Contact, documents: dict, accept_terms_version: int | None,
                       language: str = "en", ip_address=None, actor=None, require_documents: bool = True,
                       require_terms: bool = True) -> Dealer:
    """Create the dealer as `applied` with its owner, documents and terms acceptance; mail the owner and staff.

    `documents` maps a DocumentType code to an uploaded file. Everything is checked first; on any
    error nothing is saved, and files already written to storage are removed again.
    `actor` is the staff user or integration that submits for the company (None: the public form).
    An integration creating the dealer on its behalf passes `require_documents=False` (files it does
    send are still checked) and `require_terms=False`: the owner accepts the terms at the first login.
    """
    submitter, _on_behalf = acting_user(actor)
    number = check_tax_number(company.get("tax_number", ""))
    check_delivery_address(company)
    email = contact.email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise DuplicateEmail(_("A user with this e-mail address already exists."), field="contact_email")
    if contact.password:
        try:
            validate_password(contact.password, User(email=email, first_name=contact.first_name,
                                                     last_name=contact.last_name))
        except ValidationError as exc:
            raise InvalidPassword(" ".join(exc.messages), field="password") from exc
    types = {t.code: t for t in DocumentType.objects.filter(active=True)}
    missing = [t for code, t in types.items() if t.required and code not in documents]
    if missing and require_documents:
        raise InvalidDocument(_("Please attach: %(names)s.") % {"names": ", ".join(str(t) for t in missing)},
                              field=f"document_{missing[0].code}")
    detected = {}
    for code, upload in documents.items():
        if code not in types:
            raise InvalidDocument(_("Unknown document type."), field=f"document_{code}")
        try:
            detected[code] = check_document_file(upload)
        except InvalidDocument as exc:
            exc.field = f"document_{code}"
            raise
    terms = TermsVersion.objects.current()
    accepted = terms is not None and accept_terms_version == terms.version
    if terms is not None and not accepted and require_terms:
        raise TermsNotAccepted(_("Please accept the current terms of use."), field="accept_terms")

    saved_files = []
    try:
        with transaction.atomic():
            dealer = Dealer.objects.create(**{**{k: company.get(k, "") for k in COMPANY_FIELDS},
                                              "tax_number": number, "country": company.get("country") or "TR"})
            owner = User(email=email, first_name=contact.first_name, last_name=contact.last_name, phone=contact.phone,
                         dealer=dealer, role=Role.OWNER, language=language)
            if contact.password:
                owner.set_password(contact.password)
            else:
                owner.set_unusable_password()  # applied through the API: the approval mail invites to set one
            owner.save()
            for code, upload in documents.items():
                doc = DealerDocument(dealer=dealer, doc_type=types[code], original_name=upload.name[:255],
                                     content_type=detected[code], size=upload.size,
                                     uploaded_by=submitter or owner)
                # Stored under the detected type's extension: a PDF named "x.html" or "x.exe" is kept as .pdf.
                doc.file.save(uploads.stored_name(detected[code]), upload, save=False)
                saved_files.append(doc.file.name)
                doc.save()
            if accepted:
                TermsAcceptance.objects.create(user=owner, terms=terms, ip_address=ip_address)
            # The first row of its history: created as applied (no move yet, so not through DEALER.move()).
            DealerStatusChange.objects.create(dealer=dealer, to_status=Dealer.Status.APPLIED, by=submitter or owner)
            audit.record(actor=submitter or owner, action="dealer.applied", target=dealer, ip_address=ip_address,
                         data={"documents": sorted(documents), "terms_version": terms.version if accepted else None})
            outbox.notify(to=owner, template="dealers/application_received", context={
                "dealer_name": dealer.legal_name, "first_name": owner.first_name})
            outbox.notify_staff(template="dealers/application_submitted", context={
                "dealer_name": dealer.legal_name, "dealer_id": dealer.pk, "tax_number": dealer.tax_number,
                "contact": f"{owner.get_full_name()} <{owner.email}>",
                "admin_url": f"{settings.SITE_URL}/admin/dealers/dealer/{dealer.pk}/change/"})
    except IntegrityError as exc:
        _remove(saved_files)
        # Two applications with one tax number or e-mail at the same moment: the constraint decides.
        if "tax_number" in str(exc):
            raise DuplicateTaxNumber(_("A dealer with this tax number is already registered."),
                                     field="tax_number") from exc
        raise DuplicateEmail(_("A user with this e-mail address already exists."), field="contact_email") from exc
    except Exception:
        _remove(saved_files)
        raise
    return dealer


def _remove(names):
    from django.core.files.storage import default_storage

    for name in names:
        default_storage.delete(name)
