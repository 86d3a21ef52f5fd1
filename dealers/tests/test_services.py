"""Services of dealers: application, lifecycle, accounts, agents; every refusal has its test."""
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.http import Http404

from dealers import services
from dealers.errors import (
    DuplicateEmail,
    DuplicateTaxNumber,
    InvalidDocument,
    InvalidPassword,
    InvalidTaxNumber,
    InvalidTransition,
    LastOwner,
    NotAllowed,
    ReasonRequired,
    TermsNotAccepted,
)
from dealers.models import Address, Dealer, DealerDocument, Role, Segment, TermsAcceptance, User
from dealers.services import lifecycle
from dealers.services.application import Contact
from dealers.testing import (
    AddressFactory,
    AgentFactory,
    DealerFactory,
    DealerUserFactory,
    StaffFactory,
    TermsFactory,
)
from portal.actors import Actor
from portal.models import AuditEntry, Notification

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 64


def pdf(name="doc.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def all_documents(**override):
    docs = {"signature_circular": pdf("imza.pdf"), "tax_certificate": SimpleUploadedFile("vergi.png", PNG),
            "application_form": pdf("form.pdf")}
    docs.update(override)
    return docs


COMPANY = {
    "legal_name": "Yıldız Elektrik Ltd. Şti.", "trade_name": "Yıldız", "tax_office": "Kadıköy",
    "tax_number": "9876543210", "sector": "electrical", "employees": "10-49", "annual_revenue": "5-25m",
    "phone": "+90 216 000 00 00", "email": "info@yildiz.example.com", "website": "", "address_line": "Moda Cad. 5",
    "city": "İstanbul", "postal_code": "34710",
}


def contact(**kw):
    return Contact(**{"first_name": "Zeynep", "last_name": "Yıldız", "email": "zeynep@yildiz.example.com",
                      "phone": "+90 555 000 00 00", "password": "a-Strong-pass-2026", **kw})


def apply(**kw):
    terms = kw.pop("terms", None)
    args = {"company": COMPANY, "contact": contact(), "documents": all_documents(),
            "accept_terms_version": terms.version if terms else None, "language": "tr", "ip_address": "10.1.2.3"}
    args.update(kw)
    return services.submit_application(**args)


def stored_files():
    root = Path(settings.MEDIA_ROOT) / "private" / "dealer-documents"
    return set(root.glob("*")) if root.exists() else set()


# --- application --------------------------------------------------------------------------------

def test_application_creates_applied_dealer_with_owner_documents_and_terms():
    terms = TermsFactory()
    dealer = apply(terms=terms)
    assert dealer.status == Dealer.Status.APPLIED and dealer.code is None
    owner = dealer.users.get()
    assert owner.role == Role.OWNER and owner.language == "tr" and owner.check_password("a-Strong-pass-2026")
    assert sorted(d.doc_type.code for d in dealer.documents.all()) == [
        "application_form", "signature_circular", "tax_certificate"]
    assert {d.content_type for d in dealer.documents.all()} == {"application/pdf", "image/png"}
    stored = dealer.documents.first().file.name
    assert stored.startswith("private/dealer-documents/") and "imza" not in stored and "form" not in stored
    acceptance = TermsAcceptance.objects.get(user=owner)
    assert acceptance.terms == terms and acceptance.ip_address == "10.1.2.3"
    assert AuditEntry.objects.filter(action="dealer.applied", dealer=dealer).exists()
    templates = sorted(Notification.objects.values_list("template", "recipient"))
    assert ("dealers/application_received", owner.email) in templates
    assert ("dealers/application_submitted", settings.STAFF_NOTIFY_EMAILS[0]) in templates


def test_duplicate_tax_number_is_refused_and_nothing_is_kept():
    DealerFactory(tax_number=COMPANY["tax_number"])
    before = stored_files()
    with pytest.raises(DuplicateTaxNumber) as exc:
        apply()
    assert exc.value.field == "tax_number" and "already registered" in str(exc.value.message)
    assert not User.objects.filter(email="zeynep@yildiz.example.com").exists()
    assert stored_files() == before


@pytest.mark.parametrize("number", ["12345", "12345678901234", "12345ABCDE"])
def test_tax_number_must_be_10_or_11_digits(number):
    with pytest.raises(InvalidTaxNumber):
        apply(company={**COMPANY, "tax_number": number})
    assert not Dealer.objects.exists()


def test_executable_renamed_pdf_is_refused():
    before = stored_files()
    with pytest.raises(InvalidDocument) as exc:
        apply(documents=all_documents(tax_certificate=SimpleUploadedFile("vergi.pdf", ELF)))
    assert exc.value.field == "document_tax_certificate"
    assert not Dealer.objects.exists() and not DealerDocument.objects.exists()
    assert stored_files() == before


def test_document_over_10_mb_is_refused():
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * (10 * 1024 * 1024))
    with pytest.raises(InvalidDocument, match="10 MB"):
        apply(documents=all_documents(application_form=big))


def test_missing_required_document_is_refused_but_optional_one_may_be_left_out():
    with pytest.raises(InvalidDocument) as exc:
        apply(documents={"signature_circular": pdf(), "tax_certificate": pdf()})
    assert exc.value.field == "document_application_form"
    from dealers.models import DocumentType

    DocumentType.objects.filter(code="application_form").update(required=False)
    dealer = apply(documents={"signature_circular": pdf(), "tax_certificate": pdf()})
    assert dealer.documents.count() == 2


def test_current_terms_must_be_accepted():
    terms = TermsFactory()
    with pytest.raises(TermsNotAccepted):
        apply(accept_terms_version=terms.version - 1 if terms.version > 1 else None)
    assert not Dealer.objects.exists()


def test_existing_email_is_refused():
    DealerUserFactory(email="zeynep@yildiz.example.com")
    with pytest.raises(DuplicateEmail):
        apply()


def test_weak_password_is_refused():
    with pytest.raises(InvalidPassword):
        apply(contact=contact(password="12345"))


def test_failure_after_files_were_written_removes_them(monkeypatch):
    before = stored_files()

    def boom(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr("dealers.services.application.audit.record", boom)
    with pytest.raises(RuntimeError):
        apply()
    assert stored_files() == before and not Dealer.objects.exists()


# --- lifecycle ----------------------------------------------------------------------------------

def test_approval_gives_code_default_segment_and_mails_owner():
    staff = StaffFactory()
    dealer = apply()
    approved = services.approve_dealer(dealer=dealer, actor=staff)
    assert approved.status == Dealer.Status.APPROVED and approved.approved_at
    assert len(approved.code) == 6 and set(approved.code) <= set(lifecycle.CODE_ALPHABET)
    assert approved.segment == Segment.objects.get(is_default=True)
    mail = Notification.objects.get(template="dealers/dealer_approved")
    assert mail.recipient == "zeynep@yildiz.example.com" and mail.language == "tr"
    assert mail.context["dealer_code"] == approved.code and "/accounts/login/" in mail.context["login_url"]
    assert approved.status_changes.first().to_status == "approved"
    assert AuditEntry.objects.filter(action="dealer.approved", dealer=dealer, actor=staff).exists()


def test_approval_with_segment_and_account_manager():
    manager = StaffFactory()
    gold = Segment.objects.create(code="gold", name="Gold")
    dealer = services.approve_dealer(dealer=apply(), actor=StaffFactory(), segment=gold, account_manager=manager)
    assert dealer.segment == gold and dealer.account_manager == manager


def test_owner_without_password_gets_set_password_link_on_approval():
    dealer = apply(contact=contact(password=None))
    services.approve_dealer(dealer=dealer, actor=StaffFactory())
    mail = Notification.objects.get(template="dealers/dealer_approved")
    assert "/account/invitation/" in mail.context["set_password_url"]


def test_only_applied_dealers_can_be_approved():
    dealer = DealerFactory(status=Dealer.Status.SUSPENDED)
    with pytest.raises(InvalidTransition):
        services.approve_dealer(dealer=dealer, actor=StaffFactory())
    dealer.refresh_from_db()
    assert dealer.status == Dealer.Status.SUSPENDED


def test_non_staff_cannot_approve():
    dealer = apply()
    with pytest.raises(NotAllowed):
        services.approve_dealer(dealer=dealer, actor=DealerUserFactory())
    assert Dealer.objects.get(pk=dealer.pk).status == Dealer.Status.APPLIED


def test_code_collision_retries_with_a_new_code(monkeypatch):
    DealerFactory(code="ACDEFG")
    codes = iter(["ACDEFG", "HJKMNP"])
    monkeypatch.setattr(lifecycle, "generate_dealer_code", lambda: next(codes))
    dealer = services.approve_dealer(dealer=apply(), actor=StaffFactory())
    assert dealer.code == "HJKMNP"


@pytest.mark.django_db(transaction=True)
def test_parallel_approvals_give_distinct_codes(monkeypatch):
    """Eight admins approve eight dealers at the same moment, every one first drawing the same code."""
    staff = StaffFactory()
    dealers = [DealerFactory(status=Dealer.Status.APPLIED) for _ in range(8)]
    local = threading.local()
    real = lifecycle.generate_dealer_code

    def colliding():
        if not getattr(local, "drawn", False):
            local.drawn = True
            return "QQQQQQ"
        return real()

    monkeypatch.setattr(lifecycle, "generate_dealer_code", colliding)
    barrier = threading.Barrier(len(dealers))
    errors = []

    def approve(dealer):
        try:
            barrier.wait()
            services.approve_dealer(dealer=dealer, actor=staff)
        except Exception as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(d,)) for d in dealers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    codes = list(Dealer.objects.values_list("code", flat=True))
    assert len(codes) == 8 and len(set(codes)) == 8 and "QQQQQQ" in codes
    assert Dealer.objects.filter(status=Dealer.Status.APPROVED).count() == 8


def test_rejection_needs_a_reason_and_mails_it():
    dealer = apply()
    with pytest.raises(ReasonRequired) as exc:
        services.reject_dealer(dealer=dealer, actor=StaffFactory(), reason="  ")
    assert exc.value.field == "reason" and exc.value.http_status == 400
    services.reject_dealer(dealer=dealer, actor=StaffFactory(), reason="Tax certificate is unreadable.")
    dealer.refresh_from_db()
    assert dealer.status == Dealer.Status.REJECTED and dealer.status_reason == "Tax certificate is unreadable."
    mail = Notification.objects.get(template="dealers/dealer_rejected")
    assert mail.context["reason"] == "Tax certificate is unreadable."


def test_suspend_and_reactivate_keep_the_code():
    dealer = DealerFactory()
    DealerUserFactory(dealer=dealer)
    code = dealer.code
    services.suspend_dealer(dealer=dealer, actor=StaffFactory(), reason="Overdue")
    assert Dealer.objects.get(pk=dealer.pk).status == Dealer.Status.SUSPENDED
    services.reactivate_dealer(dealer=dealer, actor=StaffFactory())
    dealer.refresh_from_db()
    assert dealer.status == Dealer.Status.APPROVED and dealer.code == code
    assert [c.to_status for c in dealer.status_changes.order_by("pk")] == ["suspended", "approved"]
    assert set(Notification.objects.values_list("template", flat=True)) == {
        "dealers/dealer_suspended", "dealers/dealer_reactivated"}


def test_rejected_dealer_cannot_be_suspended_or_reactivated():
    dealer = DealerFactory(status=Dealer.Status.REJECTED)
    with pytest.raises(InvalidTransition):
        services.suspend_dealer(dealer=dealer, actor=StaffFactory())
    with pytest.raises(InvalidTransition):
        services.reactivate_dealer(dealer=dealer, actor=StaffFactory())


# --- accounts -----------------------------------------------------------------------------------

def test_owner_edits_contact_fields_but_not_legal_name(owner_actor):
    services.update_company_profile(actor=owner_actor, changes={"phone": "+90 212 111 11 11"})
    assert Dealer.objects.get(pk=owner_actor.dealer.pk).phone == "+90 212 111 11 11"
    with pytest.raises(NotAllowed):
        services.update_company_profile(actor=owner_actor, changes={"legal_name": "Other A.Ş."})
    assert Dealer.objects.get(pk=owner_actor.dealer.pk).legal_name == owner_actor.dealer.legal_name


def test_staff_may_change_legal_name_and_tax_number(dealer):
    staff = StaffFactory()
    services.update_company_profile(actor=Actor(user=staff, dealer=dealer),
                                    changes={"legal_name": "Renamed A.Ş.", "tax_number": "5555555555"})
    dealer.refresh_from_db()
    assert (dealer.legal_name, dealer.tax_number) == ("Renamed A.Ş.", "5555555555")


@pytest.mark.parametrize("role", [Role.BUYER, Role.APPROVER, Role.FINANCE, Role.VIEWER])
def test_other_roles_cannot_edit_company(dealer, role):
    user = DealerUserFactory(dealer=dealer, role=role)
    with pytest.raises(NotAllowed):
        services.update_company_profile(actor=Actor(user=user, dealer=dealer), changes={"phone": "1"})


def test_new_default_address_replaces_the_old_one(owner_actor):
    first = services.save_address(actor=owner_actor, data={"kind": "shipping", "label": "A", "line1": "x", "city": "y"})
    assert first.is_default  # the first of its kind
    second = services.save_address(actor=owner_actor, data={"kind": "shipping", "label": "B", "line1": "x",
                                                            "city": "y", "is_default": True})
    first.refresh_from_db()
    assert second.is_default and not first.is_default
    services.delete_address(actor=owner_actor, address=second)
    first.refresh_from_db()
    assert first.is_default  # a kind never loses its default while addresses remain


def test_another_dealers_address_cannot_be_changed(owner_actor):
    foreign = AddressFactory()
    with pytest.raises(NotAllowed):
        services.save_address(actor=owner_actor, address=foreign, data={"label": "hijack"})
    with pytest.raises(NotAllowed):
        services.delete_address(actor=owner_actor, address=foreign)
    assert Address.objects.get(pk=foreign.pk).label != "hijack"


def test_owner_invites_buyer_with_order_limit(owner_actor):
    user = services.invite_user(actor=owner_actor, email="New.Buyer@Example.com", first_name="Ali",
                                last_name="Veli", role=Role.BUYER, order_limit="2500.00")
    assert user.email == "new.buyer@example.com" and user.dealer == owner_actor.dealer
    assert user.role == Role.BUYER and str(user.order_limit) == "2500.00"
    assert not user.has_usable_password()
    mail = Notification.objects.get(template="dealers/user_invited")
    assert "/account/invitation/" in mail.context["invitation_url"]
    invited = services.accounts.user_for_invitation(*mail.context["invitation_url"].rstrip("/").split("/")[-2:])
    assert invited == user
    services.accept_invitation(user=user, password="another-Strong-2026")
    user.refresh_from_db()
    assert user.check_password("another-Strong-2026")
    # The link works once: the password change invalidates the token.
    assert services.accounts.user_for_invitation(*mail.context["invitation_url"].rstrip("/").split("/")[-2:]) is None


@pytest.mark.parametrize("role", [Role.BUYER, Role.APPROVER, Role.FINANCE, Role.VIEWER])
def test_only_owners_invite(dealer, role):
    user = DealerUserFactory(dealer=dealer, role=role)
    with pytest.raises(NotAllowed):
        services.invite_user(actor=Actor(user=user, dealer=dealer), email="x@example.com", first_name="x",
                             last_name="y", role=Role.VIEWER)


def test_inviting_an_existing_email_is_refused(owner_actor):
    DealerUserFactory(email="taken@example.com")
    with pytest.raises(DuplicateEmail):
        services.invite_user(actor=owner_actor, email="taken@example.com", first_name="x", last_name="y",
                             role=Role.VIEWER)


def test_last_active_owner_cannot_be_demoted_or_deactivated(owner_actor, owner):
    with pytest.raises(LastOwner):
        services.change_user(actor=owner_actor, user=owner, role=Role.BUYER)
    with pytest.raises(LastOwner):
        services.change_user(actor=owner_actor, user=owner, is_active=False)
    owner.refresh_from_db()
    assert owner.role == Role.OWNER and owner.is_active


def test_owner_may_step_down_once_another_owner_exists(owner_actor, owner):
    second = DealerUserFactory(dealer=owner.dealer, role=Role.APPROVER)
    services.change_user(actor=owner_actor, user=second, role=Role.OWNER)
    services.change_user(actor=owner_actor, user=owner, role=Role.VIEWER)
    owner.refresh_from_db()
    assert owner.role == Role.VIEWER


def test_order_limit_only_for_buyers(owner_actor, dealer):
    buyer = DealerUserFactory(dealer=dealer, role=Role.BUYER, order_limit=100)
    changed = services.change_user(actor=owner_actor, user=buyer, role=Role.APPROVER)
    assert changed.order_limit is None


def test_owner_cannot_change_another_dealers_user(owner_actor):
    foreign = DealerUserFactory(role=Role.BUYER)
    with pytest.raises(NotAllowed):
        services.change_user(actor=owner_actor, user=foreign, is_active=False)
    assert User.objects.get(pk=foreign.pk).is_active


def test_new_terms_version_must_be_accepted_again(owner):
    v1 = TermsFactory()
    services.accept_terms(user=owner, terms=v1, ip_address="1.2.3.4")
    assert services.needs_terms_acceptance(owner) is None
    v2 = TermsFactory()
    assert services.needs_terms_acceptance(owner) == v2
    services.accept_terms(user=owner, terms=v2, ip_address="5.6.7.8")
    services.accept_terms(user=owner, terms=v2, ip_address="5.6.7.8")  # twice: one row
    assert TermsAcceptance.objects.filter(user=owner, terms=v2).count() == 1
    assert services.needs_terms_acceptance(owner) is None
    assert services.needs_terms_acceptance(StaffFactory()) is None


def test_draft_terms_cannot_be_accepted_and_are_not_asked(owner):
    draft = TermsFactory(published_at=None)
    assert services.needs_terms_acceptance(owner) is None
    with pytest.raises(NotAllowed):
        services.accept_terms(user=owner, terms=draft)


# --- agents -------------------------------------------------------------------------------------

def test_agent_acts_only_for_assigned_dealers(dealer):
    agent = AgentFactory(dealers=[dealer])
    assert services.start_acting(agent=agent, dealer_id=dealer.pk) == dealer
    assert AuditEntry.objects.filter(action="agent.acting_started", actor=agent, dealer=dealer).exists()
    with pytest.raises(Http404):
        services.start_acting(agent=agent, dealer_id=DealerFactory().pk)
    with pytest.raises(Http404):
        services.start_acting(agent=agent, dealer_id=999999)


def test_agent_acting_for_a_dealer_edits_addresses_and_audit_names_both(dealer):
    agent = AgentFactory(dealers=[dealer])
    actor = Actor(user=agent, dealer=dealer, on_behalf=True)
    address = services.save_address(actor=actor, data={"kind": "shipping", "label": "Site", "line1": "x", "city": "y"})
    entry = AuditEntry.objects.get(action="address.created")
    assert entry.actor == agent and entry.dealer == dealer and entry.data["on_behalf_of"] == dealer.pk
    assert address.dealer == dealer
    with pytest.raises(NotAllowed):
        services.invite_user(actor=actor, email="x@example.com", first_name="x", last_name="y", role="viewer")
