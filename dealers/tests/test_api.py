"""REST API of dealers: integrations (token scopes) read, create, approve, reject; dealer users their own account."""
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from dealers.models import Address, Dealer, DealerStatusChange, Role, TermsAcceptance, User
from dealers.testing import (
    AddressFactory,
    AgentFactory,
    DealerFactory,
    DealerUserFactory,
    SegmentFactory,
    StaffFactory,
    TermsFactory,
    UserFactory,
)
from portal.api_tokens import hash_key
from portal.models import ApiToken, AuditEntry, Notification
from portal.testing import grant_scope_permissions, token_client_for

from .test_services import ELF, PDF

pytestmark = pytest.mark.django_db

Scope = ApiToken.Scope
DEALERS = reverse("api:dealers-list")
COMPANY = reverse("api:me-company")
ADDRESSES = reverse("api:me-addresses-list")
USERS = reverse("api:me-users-list")


def dealer_url(dealer, action=None):
    return reverse(f"api:dealers-{action}" if action else "api:dealers-detail", args=[dealer.pk])


def address_url(address):
    return reverse("api:me-addresses-detail", args=[address.pk])


def user_url(user):
    return reverse("api:me-users-detail", args=[user.pk])


def token_client(*scopes, user=None):
    """A client with a fresh token. The integration's user is staff (approval needs it) holding just the permissions
    its scopes need (a token carries no more than its user may do)."""
    user = user or grant_scope_permissions(
        UserFactory(is_staff=True, email=f"erp{User.objects.count()}@integration.example.com"), scopes)
    return token_client_for(user, scopes)


def session_client(user):
    client = APIClient()
    client.force_login(user)
    return client


@pytest.fixture
def erp():
    return token_client(Scope.DEALERS_READ, Scope.DEALERS_WRITE, Scope.DEALERS_APPROVE)


def new_dealer(**override):
    data = {
        "legal_name": "Yıldız Elektrik Ltd. Şti.", "trade_name": "Yıldız", "tax_office": "Kadıköy",
        "tax_number": "9876543210", "sector": "electrical", "employees": "10-49", "annual_revenue": "5-25m",
        "phone": "+90 216 000 00 00", "email": "info@yildiz.example.com", "website": "https://yildiz.example.com",
        "address_line": "Moda Cad. 5", "city": "İstanbul", "postal_code": "34710",
        "contact_first_name": "Zeynep", "contact_last_name": "Yıldız", "contact_email": "zeynep@yildiz.example.com",
        "contact_phone": "+90 555 000 00 00", "language": "tr",
    }
    data.update(override)
    return {k: v for k, v in data.items() if v is not None}


def applied_dealer(**kwargs):
    dealer = DealerFactory(status=Dealer.Status.APPLIED, **kwargs)
    owner = DealerUserFactory(dealer=dealer, role=Role.OWNER)
    owner.set_unusable_password()
    owner.save()
    return dealer


# --- integrations: list and detail ------------------------------------------------------------------------------

def test_integration_lists_dealers_newest_first_with_segment_and_owner(erp):
    older = DealerFactory()
    owner = DealerUserFactory(dealer=older, first_name="Ayşe", last_name="Demir")
    newer = applied_dealer()
    response = erp.get(DEALERS)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [row["id"] for row in body["results"]] == [newer.pk, older.pk]
    row = body["results"][1]
    assert row["segment"] == "standard" and row["status"] == "approved" and row["code"] == older.code
    assert row["owner"] == {"email": owner.email, "first_name": "Ayşe", "last_name": "Demir"}


@pytest.mark.parametrize("query, expected", [
    ({"status": "applied"}, ["applied"]),
    ({"segment": "gold"}, ["gold"]),
    ({"search": "Needle"}, ["needle"]),
    ({"search": "5550001111"}, ["needle"]),
    ({}, ["applied", "gold", "needle"]),
])
def test_dealer_list_filters_by_status_segment_and_search(erp, query, expected):
    DealerFactory(trade_name="applied", status=Dealer.Status.APPLIED)
    DealerFactory(trade_name="gold", segment=SegmentFactory(code="gold"))
    DealerFactory(trade_name="needle", legal_name="Needle Makina A.Ş.", tax_number="5550001111")
    response = erp.get(DEALERS, query)
    assert response.status_code == 200
    assert sorted(row["trade_name"] for row in response.json()["results"]) == expected


def test_dealer_list_with_an_unknown_status_answers_400_naming_the_field(erp):
    response = erp.get(DEALERS, {"status": "sleeping"})
    assert response.status_code == 400
    assert "status" in response.json()["fields"]


@pytest.mark.parametrize("count", [1, 30])
def test_dealer_list_query_count_does_not_grow_with_dealers(erp, count, django_assert_max_num_queries):
    for _ in range(count):
        DealerUserFactory(dealer=DealerFactory(account_manager=StaffFactory()))
    # token + last-used stamp + the user's permissions (own, groups) checked per request + is it a sales agent
    # + count + dealers (segment, manager joined) + owners prefetch
    with django_assert_max_num_queries(8):
        response = erp.get(DEALERS)
    assert response.status_code == 200 and response.json()["count"] == count


def test_dealer_detail_shows_company_status_segment_manager_and_owner(erp):
    manager = StaffFactory(email="manager@portal.example.com")
    dealer = DealerFactory(account_manager=manager, website="https://d.example.com", postal_code="34000")
    DealerUserFactory(dealer=dealer, email="boss@d.example.com", first_name="Ali", last_name="Kaya")
    body = erp.get(dealer_url(dealer)).json()
    assert set(body) == {
        "id", "code", "legal_name", "trade_name", "tax_office", "tax_number", "sector", "employees",
        "annual_revenue", "phone", "email", "website", "address_line", "city", "postal_code", "country",
        "shipping_address_line", "shipping_city", "shipping_postal_code", "status",
        "segment", "account_manager", "created_at", "approved_at", "owner",
    }
    assert body["account_manager"] == "manager@portal.example.com"
    assert body["owner"] == {"email": "boss@d.example.com", "first_name": "Ali", "last_name": "Kaya"}
    assert body["tax_number"] == dealer.tax_number and body["segment"] == "standard"


def test_unknown_dealer_answers_404(erp):
    assert erp.get(reverse("api:dealers-detail", args=[999999])).status_code == 404


# --- integrations: create ----------------------------------------------------------------------------------------

def test_integration_creates_an_applied_dealer_without_documents_and_terms(erp):
    TermsFactory()  # published terms: the owner accepts them at the first login, not the ERP
    response = erp.post(DEALERS, new_dealer(), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "applied" and body["code"] is None
    assert body["owner"] == {"email": "zeynep@yildiz.example.com", "first_name": "Zeynep", "last_name": "Yıldız"}
    dealer = Dealer.objects.get(pk=body["id"])
    owner = dealer.owner()
    assert owner.language == "tr" and not owner.has_usable_password()
    assert not TermsAcceptance.objects.filter(user=owner).exists()
    assert dealer.documents.count() == 0
    change = DealerStatusChange.objects.get(dealer=dealer)
    assert change.to_status == "applied" and change.by == erp.token.user
    assert AuditEntry.objects.filter(action="dealer.applied", dealer=dealer, actor=erp.token.user).exists()
    assert Notification.objects.filter(recipient=owner.email, template="dealers/application_received").exists()


def test_integration_may_attach_documents_as_multipart_files(erp):
    data = new_dealer(document_tax_certificate=SimpleUploadedFile("vergi.pdf", PDF))
    response = erp.post(DEALERS, data, format="multipart")
    assert response.status_code == 201, response.json()
    dealer = Dealer.objects.get(pk=response.json()["id"])
    assert [d.doc_type.code for d in dealer.documents.all()] == ["tax_certificate"]


def test_a_document_that_is_not_a_pdf_or_image_answers_400_and_creates_nothing(erp):
    data = new_dealer(document_tax_certificate=SimpleUploadedFile("vergi.pdf", ELF))
    response = erp.post(DEALERS, data, format="multipart")
    assert response.status_code == 400
    assert response.json()["code"] == "dealers.invalid_document"
    assert "document_tax_certificate" in response.json()["fields"]
    assert not Dealer.objects.exists()


def test_creating_a_dealer_with_a_registered_tax_number_answers_409(erp):
    DealerFactory(tax_number="9876543210")
    response = erp.post(DEALERS, new_dealer(tax_number="98765 43210"), format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "dealers.duplicate_tax_number"
    assert "tax_number" in response.json()["fields"]


def test_creating_a_dealer_whose_owner_email_is_taken_answers_409(erp):
    UserFactory(email="zeynep@yildiz.example.com")
    response = erp.post(DEALERS, new_dealer(), format="json")
    assert response.status_code == 409 and response.json()["code"] == "dealers.duplicate_email"


def test_creating_a_dealer_with_bad_fields_answers_400_naming_each_field(erp):
    response = erp.post(DEALERS, new_dealer(legal_name=None, sector="space", email="not-mail"), format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert {"legal_name", "sector", "email"} <= set(body["fields"])
    assert not Dealer.objects.exists()


def test_creating_a_dealer_with_a_malformed_tax_number_answers_400(erp):
    response = erp.post(DEALERS, new_dealer(tax_number="12AB"), format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "dealers.invalid_tax_number"


def test_creating_a_dealer_needs_the_write_scope():
    client = token_client(Scope.DEALERS_READ)
    response = client.post(DEALERS, new_dealer(), format="json")
    assert response.status_code == 403 and not Dealer.objects.exists()


# --- integrations: approve and reject ----------------------------------------------------------------------------

def test_integration_approves_a_dealer_with_segment_and_account_manager(erp, django_capture_on_commit_callbacks):
    dealer = applied_dealer()
    SegmentFactory(code="gold")
    StaffFactory(email="manager@portal.example.com")
    with django_capture_on_commit_callbacks() as callbacks:
        response = erp.post(dealer_url(dealer, "approve"),
                            {"segment": "gold", "account_manager": "Manager@portal.example.com"}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "approved" and body["code"] and body["approved_at"]
    assert body["segment"] == "gold" and body["account_manager"] == "manager@portal.example.com"
    audit = AuditEntry.objects.get(action="dealer.approved", dealer=dealer)
    assert audit.actor == erp.token.user and audit.data["from"] == "applied"
    mail = Notification.objects.get(template="dealers/dealer_approved")
    assert mail.recipient == dealer.owner().email
    assert mail.context["dealer_code"] == body["code"] and "set_password_url" in mail.context
    assert len(callbacks) >= 1  # delivery enqueued after commit, not inside the request's transaction


def test_approval_without_segment_gives_the_default_segment(erp):
    dealer = applied_dealer()
    response = erp.post(dealer_url(dealer, "approve"), {}, format="json")
    assert response.status_code == 200 and response.json()["segment"] == "standard"


def test_approving_an_approved_dealer_answers_409_invalid_transition(erp):
    dealer = DealerFactory()
    response = erp.post(dealer_url(dealer, "approve"), {}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "dealers.invalid_transition"
    assert not AuditEntry.objects.filter(action="dealer.approved").exists()


@pytest.mark.parametrize("body, field", [
    ({"segment": "platinum"}, "segment"),
    ({"account_manager": "nobody@portal.example.com"}, "account_manager"),
])
def test_approval_with_an_unknown_segment_or_manager_answers_400(erp, body, field):
    dealer = applied_dealer()
    response = erp.post(dealer_url(dealer, "approve"), body, format="json")
    assert response.status_code == 400 and field in response.json()["fields"]
    dealer.refresh_from_db()
    assert dealer.status == Dealer.Status.APPLIED


def test_a_dealer_user_cannot_be_made_account_manager(erp):
    dealer = applied_dealer()
    other = DealerUserFactory()
    response = erp.post(dealer_url(dealer, "approve"), {"account_manager": other.email}, format="json")
    assert response.status_code == 400 and "account_manager" in response.json()["fields"]


@pytest.mark.parametrize("action", ["approve", "reject"])
def test_approving_or_rejecting_an_unknown_dealer_answers_404(erp, action):
    url = reverse(f"api:dealers-{action}", args=[999999])
    assert erp.post(url, {"reason": "x"}, format="json").status_code == 404


@pytest.mark.parametrize("action", ["approve", "reject"])
def test_approving_or_rejecting_needs_the_approve_scope(action):
    dealer = applied_dealer()
    client = token_client(Scope.DEALERS_READ, Scope.DEALERS_WRITE)
    response = client.post(dealer_url(dealer, action), {"reason": "No."}, format="json")
    assert response.status_code == 403
    dealer.refresh_from_db()
    assert dealer.status == Dealer.Status.APPLIED


def test_integration_rejects_a_dealer_and_the_applicant_is_told_why(erp):
    dealer = applied_dealer()
    response = erp.post(dealer_url(dealer, "reject"), {"reason": "Outside our region."}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "rejected"
    dealer.refresh_from_db()
    assert dealer.status_reason == "Outside our region."
    assert AuditEntry.objects.filter(action="dealer.rejected", dealer=dealer, actor=erp.token.user).exists()
    mail = Notification.objects.get(template="dealers/dealer_rejected")
    assert mail.context["reason"] == "Outside our region."


def test_rejecting_without_a_reason_answers_400(erp):
    dealer = applied_dealer()
    response = erp.post(dealer_url(dealer, "reject"), {"reason": ""}, format="json")
    assert response.status_code == 400 and "reason" in response.json()["fields"]


def test_rejecting_an_approved_dealer_answers_409(erp):
    response = erp.post(dealer_url(DealerFactory(), "reject"), {"reason": "Late."}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "dealers.invalid_transition"


# --- dealer endpoints by session --------------------------------------------------------------------------------

def test_a_signed_in_admin_reads_and_approves_dealers_without_a_token():
    admin = StaffFactory()
    dealer = applied_dealer()
    client = session_client(admin)
    assert client.get(DEALERS).status_code == 200
    response = client.post(dealer_url(dealer, "approve"), {}, format="json")
    assert response.status_code == 200
    assert AuditEntry.objects.get(action="dealer.approved").actor == admin


@pytest.mark.parametrize("make_user", [
    lambda: AgentFactory(),
    lambda: UserFactory(is_staff=True),
    lambda: DealerUserFactory(),
], ids=["sales-agent", "staff-without-dealer-permissions", "dealer-user"])
def test_signed_in_users_who_are_not_dealer_admins_are_refused_dealer_endpoints(make_user):
    client = session_client(make_user())
    dealer = applied_dealer()
    assert client.get(DEALERS).status_code == 403
    assert client.get(dealer_url(dealer)).status_code == 403
    assert client.post(dealer_url(dealer, "approve"), {}, format="json").status_code == 403


def test_a_dealer_users_account_token_cannot_read_dealers():
    owner = DealerUserFactory()
    client = token_client(Scope.ACCOUNT, user=owner)
    assert client.get(DEALERS).status_code == 403


# --- /me/: the roles table ---------------------------------------------------------------------------------------

def _read_company(client, user):
    return client.get(COMPANY)


def _edit_company(client, user):
    return client.patch(COMPANY, {"phone": "+90 212 111 11 11"}, format="json")


def _write_address(client, user):
    return client.post(ADDRESSES, {"kind": "shipping", "label": "Depot", "line1": "Sanayi 1", "city": "Bursa"},
                       format="json")


def _manage_users(client, user):
    return client.get(USERS)


ABILITIES = {"read company": _read_company, "edit company": _edit_company, "write addresses": _write_address,
             "manage users": _manage_users}
ALLOWED = {
    Role.OWNER: {"read company", "edit company", "write addresses", "manage users"},
    Role.BUYER: {"read company"},
    Role.APPROVER: {"read company"},
    Role.FINANCE: {"read company"},
    Role.VIEWER: {"read company"},
}


@pytest.mark.parametrize("ability", list(ABILITIES))
@pytest.mark.parametrize("role", list(Role))
def test_roles_table_of_the_account_endpoints(role, ability):
    user = DealerUserFactory(role=role)
    response = ABILITIES[ability](session_client(user), user)
    if ability in ALLOWED[role]:
        assert response.status_code in (200, 201), response.json()
    else:
        assert response.status_code == 403
        assert response.json()["code"] == "dealers.not_allowed"


def test_a_dealer_users_token_with_the_account_scope_acts_for_its_own_dealer(owner):
    client = token_client(Scope.ACCOUNT, user=owner)
    assert client.get(COMPANY).json()["id"] == owner.dealer_id
    response = _write_address(client, owner)
    assert response.status_code == 201
    assert Address.objects.get().dealer == owner.dealer
    assert AuditEntry.objects.get(action="address.created").actor == owner


def test_a_token_without_the_account_scope_is_refused_account_endpoints(owner):
    assert token_client(Scope.DEALERS_READ, user=StaffFactory()).get(COMPANY).status_code == 403
    # a dealer user's token minted without the scope is refused too
    key = "oldtoken.s3cret-s3cret-s3cret-s3cret-s3cret"
    ApiToken.objects.create(name="old", user=owner, prefix="oldtoken", key_hash=hash_key(key), scopes=[])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get(COMPANY).status_code == 403


def test_staff_without_a_dealer_get_403_on_account_endpoints():
    client = session_client(StaffFactory())
    response = client.get(COMPANY)
    assert response.status_code == 403 and response.json()["code"] == "dealers.no_dealer"


def test_an_agent_acting_for_a_dealer_writes_its_addresses_but_not_its_users():
    dealer = DealerFactory()
    agent = AgentFactory(dealers=[dealer])
    client = session_client(agent)
    session = client.session
    session["acting_dealer_id"] = dealer.pk
    session.save()
    assert _write_address(client, agent).status_code == 201
    assert Address.objects.get().dealer == dealer
    assert client.get(USERS).status_code == 403


# --- /me/: a dealer that is not approved -------------------------------------------------------------------------

@pytest.mark.parametrize("status", [Dealer.Status.APPLIED, Dealer.Status.REJECTED, Dealer.Status.SUSPENDED])
def test_a_dealer_that_is_not_approved_reads_its_status_and_nothing_else(status):
    dealer = DealerFactory(status=status)
    owner = DealerUserFactory(dealer=dealer)
    address = AddressFactory(dealer=dealer)
    client = session_client(owner)
    response = client.get(COMPANY)
    assert response.status_code == 200 and response.json()["status"] == status
    refused = [
        client.patch(COMPANY, {"phone": "1"}, format="json"),
        client.get(ADDRESSES),
        _write_address(client, owner),
        client.get(address_url(address)),
        client.delete(address_url(address)),
        client.get(USERS),
        client.post(USERS, {"email": "x@d.example.com", "first_name": "X", "last_name": "Y", "role": "viewer"},
                    format="json"),
        client.patch(user_url(owner), {"role": "viewer"}, format="json"),
    ]
    for response in refused:
        assert response.status_code == 403
        assert response.json()["code"] == "dealers.not_approved"


# --- /me/company/ --------------------------------------------------------------------------------------------------

def test_owner_changes_the_company_contact_fields_and_it_is_audited(owner):
    client = session_client(owner)
    response = client.patch(COMPANY, {"phone": "+90 212 111 11 11", "website": "https://new.example.com"},
                            format="json")
    assert response.status_code == 200
    assert response.json()["phone"] == "+90 212 111 11 11"
    owner.dealer.refresh_from_db()
    assert owner.dealer.website == "https://new.example.com"
    entry = AuditEntry.objects.get(action="dealer.profile_changed")
    assert entry.actor == owner and entry.data["after"]["phone"] == "+90 212 111 11 11"


@pytest.mark.parametrize("field, value", [("legal_name", "Another Ltd."), ("tax_number", "1111111111")])
def test_owner_cannot_change_legal_name_or_tax_number(owner, field, value):
    before = getattr(owner.dealer, field)
    response = session_client(owner).patch(COMPANY, {field: value}, format="json")
    # dealers.not_allowed answers 403 wherever it is raised: here by the service, in the roles table by the view.
    assert response.status_code == 403
    assert response.json()["code"] == "dealers.not_allowed" and field in response.json()["fields"]
    owner.dealer.refresh_from_db()
    assert getattr(owner.dealer, field) == before


def test_an_empty_company_patch_changes_nothing_and_leaves_no_audit_row(owner):
    response = session_client(owner).patch(COMPANY, {}, format="json")
    assert response.status_code == 200 and response.json()["id"] == owner.dealer_id
    assert not AuditEntry.objects.filter(action="dealer.profile_changed").exists()


def test_a_bad_company_field_answers_400(owner):
    response = session_client(owner).patch(COMPANY, {"email": "nope", "sector": "space"}, format="json")
    assert response.status_code == 400 and {"email", "sector"} <= set(response.json()["fields"])


# --- /me/addresses/ ------------------------------------------------------------------------------------------------

def test_address_list_shows_only_the_own_dealers_addresses(owner):
    own = AddressFactory(dealer=owner.dealer)
    AddressFactory()  # another dealer's
    response = session_client(owner).get(ADDRESSES)
    assert [row["id"] for row in response.json()["results"]] == [own.pk]


def test_owner_creates_an_address_and_the_first_of_its_kind_is_default(owner):
    response = _write_address(session_client(owner), owner)
    assert response.status_code == 201
    assert response.json()["is_default"] is True and response.json()["label"] == "Depot"


def test_making_an_address_default_unsets_the_previous_default(owner):
    first = AddressFactory(dealer=owner.dealer, is_default=True)
    second = AddressFactory(dealer=owner.dealer)
    response = session_client(owner).patch(address_url(second), {"is_default": True}, format="json")
    assert response.status_code == 200 and response.json()["is_default"] is True
    first.refresh_from_db()
    assert first.is_default is False


def test_owner_replaces_an_address_with_put(owner):
    address = AddressFactory(dealer=owner.dealer)
    body = {"kind": "billing", "label": "Head office", "line1": "Merkez 1", "city": "İzmir"}
    response = session_client(owner).put(address_url(address), body, format="json")
    assert response.status_code == 200
    address.refresh_from_db()
    assert (address.kind, address.label, address.city) == ("billing", "Head office", "İzmir")


def test_owner_deletes_an_address(owner):
    address = AddressFactory(dealer=owner.dealer)
    response = session_client(owner).delete(address_url(address))
    assert response.status_code == 204 and not Address.objects.exists()
    assert AuditEntry.objects.filter(action="address.deleted").exists()


def test_an_address_with_missing_or_bad_fields_answers_400(owner):
    response = session_client(owner).post(ADDRESSES, {"kind": "moon", "label": "X"}, format="json")
    assert response.status_code == 400
    assert {"kind", "line1", "city"} <= set(response.json()["fields"])
    assert not Address.objects.exists()


@pytest.mark.parametrize("method", ["get", "put", "patch", "delete"])
def test_another_dealers_address_answers_404(owner, method):
    foreign = AddressFactory()
    body = {"kind": "shipping", "label": "Mine now", "line1": "X", "city": "Y"}
    response = getattr(session_client(owner), method)(address_url(foreign), body, format="json")
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.label != "Mine now"


# --- /me/users/ ----------------------------------------------------------------------------------------------------

def test_user_list_shows_only_the_own_dealers_users(owner):
    buyer = DealerUserFactory(dealer=owner.dealer, role=Role.BUYER)
    DealerUserFactory()  # another dealer's
    response = session_client(owner).get(USERS)
    assert sorted(row["id"] for row in response.json()["results"]) == sorted([owner.pk, buyer.pk])


def test_owner_invites_a_colleague_who_is_mailed_a_link(owner):
    body = {"email": "Mehmet@D.example.com", "first_name": "Mehmet", "last_name": "Öz", "role": "buyer",
            "order_limit": "25000.00", "language": "tr"}
    response = session_client(owner).post(USERS, body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["email"] == "mehmet@d.example.com" and response.json()["order_limit"] == "25000.00"
    user = User.objects.get(email="mehmet@d.example.com")
    assert user.dealer == owner.dealer and user.role == Role.BUYER and not user.has_usable_password()
    mail = Notification.objects.get(template="dealers/user_invited")
    assert mail.recipient == "mehmet@d.example.com" and mail.language == "tr"


def test_inviting_a_taken_email_answers_409(owner):
    UserFactory(email="taken@example.com")
    body = {"email": "taken@example.com", "first_name": "A", "last_name": "B", "role": "viewer"}
    response = session_client(owner).post(USERS, body, format="json")
    assert response.status_code == 409 and response.json()["code"] == "dealers.duplicate_email"


def test_inviting_with_an_unknown_role_or_negative_limit_answers_400(owner):
    body = {"email": "x@example.com", "first_name": "A", "last_name": "B", "role": "king", "order_limit": "-1"}
    response = session_client(owner).post(USERS, body, format="json")
    assert response.status_code == 400 and {"role", "order_limit"} <= set(response.json()["fields"])


def test_owner_changes_a_users_role_and_limit_then_clears_the_limit(owner):
    user = DealerUserFactory(dealer=owner.dealer, role=Role.VIEWER)
    client = session_client(owner)
    response = client.patch(user_url(user), {"role": "buyer", "order_limit": "1000"}, format="json")
    assert response.status_code == 200
    user.refresh_from_db()
    assert (user.role, user.order_limit) == (Role.BUYER, Decimal("1000.00"))
    response = client.patch(user_url(user), {"order_limit": None}, format="json")
    assert response.status_code == 200 and response.json()["order_limit"] is None
    assert AuditEntry.objects.filter(action="user.changed", target_id=str(user.pk)).count() == 2


def test_owner_deactivates_a_user(owner):
    user = DealerUserFactory(dealer=owner.dealer, role=Role.BUYER)
    response = session_client(owner).patch(user_url(user), {"is_active": False}, format="json")
    assert response.status_code == 200 and response.json()["is_active"] is False


@pytest.mark.parametrize("change", [{"role": "viewer"}, {"is_active": False}])
def test_demoting_or_deactivating_the_last_owner_answers_409(owner, change):
    response = session_client(owner).patch(user_url(owner), change, format="json")
    assert response.status_code == 409 and response.json()["code"] == "dealers.last_owner"
    owner.refresh_from_db()
    assert owner.role == Role.OWNER and owner.is_active


@pytest.mark.parametrize("method", ["get", "patch"])
def test_another_dealers_user_answers_404(owner, method):
    foreign = DealerUserFactory(role=Role.BUYER)
    response = getattr(session_client(owner), method)(user_url(foreign), {"role": "viewer"}, format="json")
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.role == Role.BUYER


# --- schema --------------------------------------------------------------------------------------------------------

def test_schema_lists_the_endpoints_and_token_authentication():
    client = session_client(StaffFactory())
    response = client.get(reverse("api-schema"), {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    for path in ["/api/v1/dealers/", "/api/v1/dealers/{id}/", "/api/v1/dealers/{id}/approve/",
                 "/api/v1/dealers/{id}/reject/", "/api/v1/me/company/", "/api/v1/me/addresses/",
                 "/api/v1/me/addresses/{id}/", "/api/v1/me/users/", "/api/v1/me/users/{id}/"]:
        assert path in schema["paths"], path
    assert schema["components"]["securitySchemes"]["apiToken"]["in"] == "header"


def test_schema_of_the_v1_endpoints_generates_without_warnings():
    from portal import api_urls

    GENERATOR_STATS.reset()
    with GENERATOR_STATS.silence():
        SchemaGenerator(patterns=[*api_urls.urlpatterns]).get_schema(request=None, public=True)
    assert not dict(GENERATOR_STATS._warn_cache) and not dict(GENERATOR_STATS._error_cache)

