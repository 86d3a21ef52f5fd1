"""A newly approved dealer can order the day it is approved: the application's address becomes its default billing
and shipping address, a sales agent can be set on approval, and the approve page sets its credit in the same step
(payments takes part through dealers' hooks)."""
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from dealers.errors import InvalidAgent, InvalidTransition
from dealers.models import Address, Dealer
from dealers.services import approve_dealer
from dealers.testing import AddressFactory, AgentFactory, DealerFactory, DealerUserFactory, StaffFactory, UserFactory
from payments.models import CreditAccount
from payments.services.credit import InvalidCreditAccount, NotFinanceStaff
from portal.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def applied(db):
    dealer = DealerFactory(status=Dealer.Status.APPLIED, address_line="Atatürk Cad. No: 12", city="İzmir",
                           postal_code="35210", phone="+90 232 111 22 33")
    DealerUserFactory(dealer=dealer, first_name="Elif", last_name="Demir", language="tr")
    return dealer


def staff_without_finance():
    """Staff who may approve dealers but not change credit accounts."""
    user = UserFactory(is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="dealers",
                                                         codename__in=["view_dealer", "change_dealer"]))
    return user


def finance_staff():
    user = staff_without_finance()
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="payments",
                                                         codename__in=["view_creditaccount", "change_creditaccount"]))
    return user


# --- services -------------------------------------------------------------------------------------------------

def test_the_application_address_becomes_the_default_billing_and_shipping_address(applied):
    approve_dealer(dealer=applied, actor=StaffFactory())
    addresses = {a.kind: a for a in Address.objects.filter(dealer=applied)}
    assert set(addresses) == {Address.Kind.BILLING, Address.Kind.SHIPPING}
    for address in addresses.values():
        assert address.is_default and (address.line1, address.city, address.postal_code) == (
            "Atatürk Cad. No: 12", "İzmir", "35210")
        assert address.contact_name == "Elif Demir" and address.phone == "+90 232 111 22 33"
        assert address.label == "Merkez ofis"  # in the owner's language (Turkish)
    assert AuditEntry.objects.filter(action="address.created", dealer=applied).count() == 2


def test_an_address_the_dealer_already_has_is_kept_and_nothing_is_doubled(applied):
    own = AddressFactory(dealer=applied, kind=Address.Kind.SHIPPING, label="Depo", is_default=True)
    approve_dealer(dealer=applied, actor=StaffFactory())
    assert list(Address.objects.filter(dealer=applied, kind=Address.Kind.SHIPPING)) == [own]
    assert Address.objects.filter(dealer=applied, kind=Address.Kind.BILLING, is_default=True).count() == 1
    with pytest.raises(InvalidTransition):
        approve_dealer(dealer=applied, actor=StaffFactory())  # approving twice is refused
    assert Address.objects.filter(dealer=applied).count() == 2


def test_a_delivery_address_on_the_application_becomes_the_default_shipping_address():
    from .test_services import COMPANY, apply

    dealer = apply(company={**COMPANY, "shipping_address_line": "OSB 4. Cad. No: 8", "shipping_city": "Kocaeli",
                            "shipping_postal_code": "41400"})
    approve_dealer(dealer=dealer, actor=StaffFactory())
    billing = Address.objects.get(dealer=dealer, kind=Address.Kind.BILLING)
    shipping = Address.objects.get(dealer=dealer, kind=Address.Kind.SHIPPING)
    assert (billing.line1, billing.city, billing.label) == ("Moda Cad. 5", "İstanbul", "Merkez ofis")
    assert (shipping.line1, shipping.city, shipping.postal_code, shipping.label) == (
        "OSB 4. Cad. No: 8", "Kocaeli", "41400", "Teslimat adresi")
    assert billing.is_default and shipping.is_default


def test_a_delivery_address_without_its_city_is_refused_and_nothing_is_saved(client):
    from dealers.errors import InvalidAddress

    from .test_services import COMPANY, apply

    with pytest.raises(InvalidAddress) as exc:
        apply(company={**COMPANY, "shipping_address_line": "OSB 4. Cad. No: 8"})
    assert exc.value.field == "shipping_city" and not Dealer.objects.exists()
    page = client.post(reverse("dealers:apply"), {**COMPANY, "shipping_address_line": "OSB 4. Cad. No: 8"})
    assert page.status_code == 200 and "Please give the city of the delivery address." in page.content.decode()
    assert not Dealer.objects.exists()


def test_approval_with_a_sales_agent_assigns_it_and_refuses_a_user_who_is_not_one(applied):
    agent = AgentFactory()
    with pytest.raises(InvalidAgent) as exc:
        approve_dealer(dealer=applied, actor=StaffFactory(), agent=StaffFactory())
    assert exc.value.field == "agent"
    applied.refresh_from_db()
    assert applied.status == Dealer.Status.APPLIED
    dealer = approve_dealer(dealer=applied, actor=StaffFactory(), agent=agent)
    assert list(dealer.agents.all()) == [agent]
    assert AuditEntry.objects.filter(action="dealer.agent_assigned", dealer=dealer, data__agent=agent.email).exists()


def test_approval_sets_limit_terms_and_methods_through_the_audited_credit_service(applied):
    by = finance_staff()
    approve_dealer(dealer=applied, actor=by, setup={"credit_limit": Decimal("25000"), "payment_terms_days": 45,
                                                  "allowed_methods": ["on_account", "wire"]})
    account = CreditAccount.objects.get(dealer=applied)
    assert (account.credit_limit, account.payment_terms_days, account.allowed_methods) == (
        Decimal("25000.00"), 45, ["on_account", "wire"])
    entry = AuditEntry.objects.get(action="credit.account_changed", dealer=applied)
    assert entry.actor == by and entry.data["after"]["credit_limit"] == "25000.00"


def test_money_settings_need_the_finance_permission_and_change_nothing_without_it(applied):
    with pytest.raises(NotFinanceStaff):
        approve_dealer(dealer=applied, actor=staff_without_finance(), setup={"credit_limit": Decimal("5000")})
    applied.refresh_from_db()
    assert applied.status == Dealer.Status.APPLIED and applied.code is None
    assert not CreditAccount.objects.filter(dealer=applied).exists() and not applied.addresses.exists()
    # Without money settings the same staff approve, and the default limit applies.
    approve_dealer(dealer=applied, actor=staff_without_finance())
    assert CreditAccount.objects.get(dealer=applied).credit_limit == Decimal("1000000.00")  # the suite's default


@pytest.mark.parametrize("setup, field", [
    ({"credit_limit": Decimal("-1")}, "credit_limit"),
    ({"credit_limit": "12\x0034"}, "credit_limit"),
    ({"credit_limit": "1e30"}, "credit_limit"),
    ({"credit_limit": "NaN"}, "credit_limit"),
    ({"credit_limit": Decimal("1000000000000")}, "credit_limit"),
    ({"payment_terms_days": 40000}, "payment_terms_days"),
    ({"allowed_methods": ["barter"]}, "allowed_methods"),
])
def test_bad_credit_settings_refuse_the_approval_and_change_nothing(applied, setup, field):
    with pytest.raises(InvalidCreditAccount) as exc:
        approve_dealer(dealer=applied, actor=finance_staff(), setup=setup)
    assert exc.value.field == field
    applied.refresh_from_db()
    assert applied.status == Dealer.Status.APPLIED and applied.code is None
    assert not CreditAccount.objects.filter(dealer=applied).exists() and not applied.addresses.exists()
    assert not AuditEntry.objects.filter(dealer=applied).exclude(action="dealer.applied").exists()


# --- the approve page and the dealer page in the admin --------------------------------------------------------

def approve_url(dealer):
    return reverse("admin:dealers_dealer_move", args=[dealer.pk, "approve"])


def test_finance_staff_set_segment_credit_terms_methods_and_agent_in_one_confirmation(client, applied):
    from dealers.testing import SegmentFactory

    gold, agent = SegmentFactory(name="Gold"), AgentFactory(first_name="Ali", last_name="Satış")
    client.force_login(finance_staff())
    page = client.get(approve_url(applied)).content.decode()
    for name in ("segment", "credit_limit", "payment_terms_days", "allowed_methods", "agent"):
        assert f'name="{name}"' in page
    response = client.post(approve_url(applied), {
        "apply": "1", "segment": gold.pk, "agent": agent.pk, "credit_limit": "15000.00", "payment_terms_days": "60",
        "allowed_methods": ["on_account", "card"]})
    assert response.status_code == 302
    applied.refresh_from_db()
    account = CreditAccount.objects.get(dealer=applied)
    assert applied.status == Dealer.Status.APPROVED and applied.segment == gold
    assert list(applied.agents.all()) == [agent]
    assert (account.credit_limit, account.payment_terms_days, account.allowed_methods) == (
        Decimal("15000.00"), 60, ["on_account", "card"])
    assert applied.addresses.count() == 2


@pytest.mark.parametrize("limit, error", [
    ("-5", "greater than or equal to 0"),
    ("99999999999999999999", "no more than"),
    ("Infinity", "Enter a number."),
])
def test_bad_input_on_the_approve_page_is_a_form_error_and_changes_nothing(client, applied, limit, error):
    client.force_login(finance_staff())
    response = client.post(approve_url(applied), {"apply": "1", "credit_limit": limit, "payment_terms_days": "30"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "errorlist" in html and error in html
    applied.refresh_from_db()
    assert applied.status == Dealer.Status.APPLIED and not CreditAccount.objects.filter(dealer=applied).exists()


def test_a_nul_byte_on_the_approve_page_is_refused_at_the_edge_and_changes_nothing(client, applied):
    client.force_login(finance_staff())
    response = client.post(approve_url(applied), {"apply": "1", "credit_limit": "1\x002", "payment_terms_days": "30"})
    assert response.status_code == 400
    applied.refresh_from_db()
    assert applied.status == Dealer.Status.APPLIED and not CreditAccount.objects.filter(dealer=applied).exists()


def test_staff_without_the_finance_permission_see_the_defaults_read_only_and_they_apply(client, applied):
    client.force_login(staff_without_finance())
    page = client.get(approve_url(applied)).content.decode()
    assert "Set by finance staff; the default applies." in page
    assert 'name="credit_limit"' in page and "disabled" in page.split('name="credit_limit"')[1].split(">")[0]
    # A limit posted anyway is ignored: the field is read-only for them.
    response = client.post(approve_url(applied), {"apply": "1", "credit_limit": "999999", "payment_terms_days": "90"})
    assert response.status_code == 302
    account = CreditAccount.objects.get(dealer=applied)
    assert (account.credit_limit, account.payment_terms_days) == (Decimal("1000000.00"), 30)


def test_the_dealer_page_shows_its_credit_account_with_a_link_to_change_it(client):
    from payments.services.credit import open_account
    from payments.testing import InvoiceFactory

    dealer = DealerFactory()
    account = open_account(dealer)
    account.credit_limit, account.allowed_methods, account.payment_terms_days = Decimal("5000"), ["wire"], 45
    account.save()
    InvoiceFactory(dealer=dealer, total_gross=Decimal("1200.00"))
    client.force_login(finance_staff())
    html = client.get(reverse("admin:dealers_dealer_change", args=[dealer.pk])).content.decode()
    assert 'id="dealer-credit-account"' in html
    assert "5,000.00 TRY" in html and "1,200.00 TRY" in html and "3,800.00 TRY" in html
    assert "45 days" in html and "Wire transfer" in html
    assert reverse("admin:payments_creditaccount_change", args=[account.pk]) in html
    assert "Change the credit account" in html
