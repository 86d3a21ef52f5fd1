"""Pages of dealers: application, login with dealer code, status page, terms gate, account area, agents."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dealers.models import Address, Dealer, Role, TermsAcceptance
from dealers.testing import (
    PASSWORD,
    AddressFactory,
    AgentFactory,
    DealerFactory,
    DealerUserFactory,
    StaffFactory,
    TermsFactory,
)
from portal.models import AuditEntry, Notification

from .test_services import ELF, PDF, PNG

pytestmark = pytest.mark.django_db


def application_post(**override):
    data = {
        "legal_name": "Yıldız Elektrik Ltd. Şti.", "trade_name": "Yıldız", "tax_office": "Kadıköy",
        "tax_number": "9876543210", "sector": "electrical", "employees": "10-49", "annual_revenue": "5-25m",
        "phone": "+90 216 000 00 00", "email": "info@yildiz.example.com", "website": "yildiz.example.com",
        "address_line": "Moda Cad. 5", "city": "İstanbul", "postal_code": "34710",
        "contact_first_name": "Zeynep", "contact_last_name": "Yıldız", "contact_email": "zeynep@yildiz.example.com",
        "contact_phone": "+90 555 000 00 00", "password": "a-Strong-pass-2026", "password_again": "a-Strong-pass-2026",
        "document_signature_circular": SimpleUploadedFile("imza.pdf", PDF),
        "document_tax_certificate": SimpleUploadedFile("vergi.png", PNG),
        "document_application_form": SimpleUploadedFile("form.pdf", PDF),
    }
    data.update(override)
    return {k: v for k, v in data.items() if v is not None}


def login(client, email, password=PASSWORD, code=""):
    return client.post(reverse("account_login"), {"login": email, "password": password, "dealer_code": code})


# --- application --------------------------------------------------------------------------------

def test_application_page_lists_company_contact_documents_and_terms(client):
    TermsFactory(body="Prices are confidential.")
    html = client.get(reverse("dealers:apply")).content.decode()
    for field in ["legal_name", "tax_number", "contact_email", "document_tax_certificate", "accept_terms"]:
        assert f'name="{field}"' in html
    assert "Prices are confidential." in html


def test_applying_creates_the_dealer_and_thanks_the_applicant(client):
    terms = TermsFactory()
    response = client.post(reverse("dealers:apply"), application_post(accept_terms="on"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("dealers:apply_done")
    assert "Thank you, your application has been received" in response.content.decode()
    dealer = Dealer.objects.get(tax_number="9876543210")
    assert dealer.status == Dealer.Status.APPLIED and dealer.documents.count() == 3
    assert dealer.website == "https://yildiz.example.com"
    assert TermsAcceptance.objects.get(user__email="zeynep@yildiz.example.com").terms == terms


def test_bad_file_is_shown_next_to_its_field_and_nothing_is_saved(client):
    response = client.post(reverse("dealers:apply"), application_post(
        document_tax_certificate=SimpleUploadedFile("vergi.pdf", ELF)))
    assert response.status_code == 200
    form = response.context["form"]
    assert "Only PDF, JPEG or PNG" in form.errors["document_tax_certificate"][0]
    assert not Dealer.objects.exists()


def test_duplicate_tax_number_is_shown_next_to_the_field(client):
    DealerFactory(tax_number="9876543210")
    response = client.post(reverse("dealers:apply"), application_post())
    assert "already registered" in response.context["form"].errors["tax_number"][0]
    assert Dealer.objects.count() == 1


def test_every_field_error_is_shown_and_nothing_saved(client):
    response = client.post(reverse("dealers:apply"), application_post(
        tax_number="12AB", contact_email="not-an-email", password_again="different", legal_name=""))
    errors = response.context["form"].errors
    assert {"tax_number", "contact_email", "password_again", "legal_name"} <= set(errors)
    assert not Dealer.objects.exists()


def test_terms_must_be_ticked(client):
    TermsFactory()
    response = client.post(reverse("dealers:apply"), application_post())
    assert "accept_terms" in response.context["form"].errors
    assert not Dealer.objects.exists()


# --- login with dealer code ---------------------------------------------------------------------

def test_dealer_user_logs_in_with_email_password_and_code(client):
    user = DealerUserFactory()
    response = login(client, user.email, code=user.dealer.code.lower())
    assert response.status_code == 302
    assert client.get(reverse("dealers:dashboard")).status_code == 200


def test_wrong_code_fails_like_a_wrong_password(client):
    user = DealerUserFactory()
    other = DealerFactory()
    wrong_code = login(client, user.email, code=other.code)
    wrong_password = login(client, user.email, password="nope-nope-nope", code=user.dealer.code)
    missing_code = login(client, user.email, code="")
    assert wrong_code.status_code == wrong_password.status_code == missing_code.status_code == 200
    messages = {str(r.context["form"].non_field_errors()) for r in (wrong_code, wrong_password, missing_code)}
    assert len(messages) == 1 and "not correct" in messages.pop()
    assert "_auth_user_id" not in client.session


def test_staff_log_in_with_an_empty_code(client):
    staff = StaffFactory()
    assert login(client, staff.email, code="ABCDEF").status_code == 200
    assert login(client, staff.email).status_code == 302


def test_repeated_failures_lock_the_account_for_a_while(client, settings):
    user = DealerUserFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, user.email, code="WRONG1")
    response = login(client, user.email, code=user.dealer.code)
    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("status,text", [
    (Dealer.Status.APPLIED, "Application under review"),
    (Dealer.Status.REJECTED, "Application not approved"),
    (Dealer.Status.SUSPENDED, "Account suspended"),
])
def test_unapproved_dealer_users_only_see_the_status_page(client, status, text):
    dealer = DealerFactory(status=status, status_reason="Missing signature circular")
    user = DealerUserFactory(dealer=dealer)
    assert login(client, user.email, code=dealer.code or "").status_code == 302
    for name in ["dealers:dashboard", "dealers:company", "dealers:addresses", "dealers:users"]:
        response = client.get(reverse(name))
        assert response.status_code == 302 and response["Location"] == reverse("dealers:status"), name
    page = client.get(reverse("dealers:status")).content.decode()
    assert text in page
    if status != Dealer.Status.APPLIED:
        assert "Missing signature circular" in page


def test_password_reset_mail_goes_through_the_outbox_in_the_users_language(client):
    user = DealerUserFactory(language="bg")
    response = client.post(reverse("account_reset_password"), {"email": user.email})
    assert response.status_code == 302
    row = Notification.objects.get(recipient=user.email)
    assert row.language == "bg" and "/accounts/password/reset/key/" in row.context["text"]
    from portal import outbox

    assert outbox.deliver_notification(notification_id=row.pk)
    from django.core import mail

    assert mail.outbox[0].to == [user.email]


# --- terms gate ---------------------------------------------------------------------------------

def test_new_terms_are_accepted_at_next_login_before_going_on(client):
    user = DealerUserFactory()
    client.force_login(user)
    TermsFactory(title="Terms v2", body="New clause about returns.")
    response = client.get(reverse("dealers:addresses"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("dealers:terms"))
    page = client.get(response["Location"]).content.decode()
    assert "New clause about returns." in page
    refused = client.post(response["Location"], {})
    assert refused.status_code == 200 and not TermsAcceptance.objects.exists()
    accepted = client.post(response["Location"], {"accept": "on"}, REMOTE_ADDR="192.0.2.7")
    assert accepted["Location"] == reverse("dealers:addresses")
    assert TermsAcceptance.objects.get(user=user).ip_address == "192.0.2.7"
    assert client.get(reverse("dealers:addresses")).status_code == 200


# --- account area -------------------------------------------------------------------------------

def test_owner_edits_company_contact_fields(client):
    owner = DealerUserFactory()
    client.force_login(owner)
    data = {"trade_name": "Yeni Ad", "phone": "+90 1", "email": "new@example.com", "website": "",
            "address_line": "Yeni Cad. 1", "city": "İzmir", "postal_code": "", "sector": "plumbing",
            "employees": "1-9", "annual_revenue": "lt5m", "legal_name": "Hijack A.Ş."}
    assert client.post(reverse("dealers:company"), data).status_code == 302
    dealer = Dealer.objects.get(pk=owner.dealer_id)
    assert dealer.city == "İzmir" and dealer.legal_name == owner.dealer.legal_name  # legal name ignored


def test_owner_adds_and_deletes_addresses(client):
    owner = DealerUserFactory()
    client.force_login(owner)
    response = client.post(reverse("dealers:address_new"), {
        "kind": "shipping", "label": "Ankara depo", "line1": "OSB 3. Cad.", "city": "Ankara", "country": "TR"})
    assert response.status_code == 302
    address = Address.objects.get(dealer=owner.dealer)
    assert address.is_default
    assert "Ankara depo" in client.get(reverse("dealers:addresses")).content.decode()
    client.post(reverse("dealers:address_delete", args=[address.pk]))
    assert not Address.objects.exists()


def test_address_form_errors_are_shown(client):
    client.force_login(DealerUserFactory())
    response = client.post(reverse("dealers:address_new"), {"kind": "shipping", "label": "", "line1": "", "city": ""})
    assert response.status_code == 200 and set(response.context["form"].errors) >= {"label", "line1", "city"}


def test_owner_invites_a_buyer_who_sets_a_password_and_logs_in(client):
    owner = DealerUserFactory()
    client.force_login(owner)
    client.post(reverse("dealers:user_invite"), {"first_name": "Ali", "last_name": "Kaya",
                                                  "email": "ali@example.com", "role": "buyer", "order_limit": "1500"})
    row = Notification.objects.get(template="dealers/user_invited")
    client.logout()
    link = row.context["invitation_url"].replace("http://127.0.0.1:8000", "")
    assert "Set your password" in client.get(link).content.decode()
    response = client.post(link, {"password": "buyer-Strong-2026", "password_again": "buyer-Strong-2026"})
    assert response["Location"] == reverse("dealers:dashboard")
    client.logout()
    assert login(client, "ali@example.com", "buyer-Strong-2026", owner.dealer.code).status_code == 302
    assert client.get(link).status_code == 400  # used once


def test_last_owner_cannot_deactivate_itself_on_the_page(client):
    owner = DealerUserFactory()
    client.force_login(owner)
    response = client.post(reverse("dealers:user_edit", args=[owner.pk]), {"role": "owner", "is_active": ""})
    assert response.status_code == 200
    assert "at least one active owner" in str(response.context["form"].non_field_errors())


ACCOUNT_PAGES = [
    ("get", "dealers:dashboard", None),
    ("get", "dealers:company", None),
    ("get", "dealers:addresses", None),
    ("get", "dealers:address_new", "manage_addresses"),
    ("get", "dealers:users", "manage_company"),
    ("get", "dealers:user_invite", "manage_company"),
]


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("method,name,ability", ACCOUNT_PAGES)
def test_roles_table_on_account_pages(client, role, method, name, ability):
    user = DealerUserFactory(role=role)
    client.force_login(user)
    response = getattr(client, method)(reverse(name))
    allowed = ability is None or role == Role.OWNER
    assert response.status_code == (200 if allowed else 403)


@pytest.mark.parametrize("role", [r for r in Role if r != Role.OWNER])
def test_non_owners_cannot_change_company_by_post(client, role):
    user = DealerUserFactory(role=role)
    client.force_login(user)
    client.post(reverse("dealers:company"), {"city": "Hijacked"})
    client.post(reverse("dealers:address_new"), {"kind": "shipping", "label": "x", "line1": "x", "city": "x"})
    assert Dealer.objects.get(pk=user.dealer_id).city != "Hijacked"
    assert not Address.objects.exists()


def test_another_dealers_objects_answer_404(client):
    owner = DealerUserFactory()
    foreign_user = DealerUserFactory(role=Role.BUYER)
    foreign_address = AddressFactory(dealer=foreign_user.dealer)
    client.force_login(owner)
    assert client.get(reverse("dealers:address_edit", args=[foreign_address.pk])).status_code == 404
    assert client.post(reverse("dealers:address_delete", args=[foreign_address.pk])).status_code == 404
    assert client.get(reverse("dealers:user_edit", args=[foreign_user.pk])).status_code == 404
    assert foreign_user.email not in client.get(reverse("dealers:users")).content.decode()
    assert Address.objects.filter(pk=foreign_address.pk).exists()


def test_application_documents_only_for_own_dealer_and_staff(client):
    from dealers.models import DealerDocument, DocumentType
    from dealers.selectors import dealer_document_url

    doc = DealerDocument.objects.create(
        dealer=DealerFactory(), doc_type=DocumentType.objects.first(), original_name="vergi.pdf",
        content_type="application/pdf", size=len(PDF), file=SimpleUploadedFile("vergi.pdf", PDF))
    url = dealer_document_url(document=doc)
    client.force_login(DealerUserFactory())
    assert client.get(url).status_code == 404
    client.force_login(DealerUserFactory(dealer=doc.dealer, role=Role.VIEWER))
    assert client.get(url).status_code == 403  # the company's papers are its owners' (and staff's)
    client.force_login(DealerUserFactory(dealer=doc.dealer, role=Role.OWNER))
    assert client.get(url).status_code == 200
    client.force_login(StaffFactory())
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF


def test_account_pages_query_counts(client, django_assert_max_num_queries):
    owner = DealerUserFactory()
    client.force_login(owner)
    for count in (1, 30):
        AddressFactory.create_batch(count, dealer=owner.dealer)
        DealerUserFactory.create_batch(count, dealer=owner.dealer, role=Role.BUYER)
        with django_assert_max_num_queries(12):
            addresses = client.get(reverse("dealers:addresses"))
        assert addresses.status_code == 200
        assert all(address.label in addresses.content.decode() for address in owner.dealer.addresses.all())
        with django_assert_max_num_queries(12):
            users = client.get(reverse("dealers:users"))
        assert users.status_code == 200
        assert all(user.email in users.content.decode() for user in owner.dealer.users.all())


# --- agents -------------------------------------------------------------------------------------

def test_agent_sees_only_assigned_dealers_and_acts_for_one(client):
    mine, other = DealerFactory(legal_name="Mine A.Ş."), DealerFactory(legal_name="Other A.Ş.")
    AddressFactory(dealer=mine, label="Mine warehouse")
    agent = AgentFactory(dealers=[mine])
    client.force_login(agent)
    page = client.get(reverse("dealers:agent_dealers")).content.decode()
    assert str(mine) in page and str(other) not in page
    assert client.post(reverse("dealers:act_for", args=[other.pk])).status_code == 404
    client.post(reverse("dealers:act_for", args=[mine.pk]))
    page = client.get(reverse("dealers:addresses")).content.decode()
    assert "Acting for" in page and str(mine) in page and "Mine warehouse" in page
    client.post(reverse("dealers:stop_acting"))
    assert "Acting for" not in client.get(reverse("dealers:agent_dealers")).content.decode()
    assert list(AuditEntry.objects.filter(actor=agent).order_by("pk").values_list("action", flat=True)) == [
        "agent.acting_started", "agent.acting_stopped"]


def test_agent_unassigned_meanwhile_stops_acting(client):
    dealer = DealerFactory()
    agent = AgentFactory(dealers=[dealer])
    client.force_login(agent)
    client.post(reverse("dealers:act_for", args=[dealer.pk]))
    dealer.agents.remove(agent)
    response = client.get(reverse("dealers:dashboard"))
    assert response.status_code == 302 and response["Location"] == reverse("dealers:agent_dealers")


def test_agent_cannot_manage_the_dealers_users(client):
    dealer = DealerFactory()
    agent = AgentFactory(dealers=[dealer])
    client.force_login(agent)
    client.post(reverse("dealers:act_for", args=[dealer.pk]))
    assert client.get(reverse("dealers:users")).status_code == 403


def test_non_agents_have_no_dealer_list(client):
    client.force_login(DealerUserFactory())
    assert client.get(reverse("dealers:agent_dealers")).status_code == 404
