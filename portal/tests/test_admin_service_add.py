"""ServiceAddAdmin (portal/admin.py): the add form only validates; the service writes in save_model, once, and a
refusal shows on the form again with what was typed (payments' payment and credit-note admins use it)."""
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from dealers.testing import DealerFactory, StaffFactory
from payments.admin_invoices import PaymentAddForm
from payments.models import Payment

pytestmark = pytest.mark.django_db


def test_validating_the_add_form_writes_nothing():
    dealer = DealerFactory()
    form_class = type("Form", (PaymentAddForm,), {"user": StaffFactory()})
    form = form_class({"dealer": dealer.pk, "kind": "wire", "amount": "240.00",
                       "received_on": timezone.localdate().isoformat(), "reference": "EFT 1"})
    assert form.is_valid(), form.errors
    assert not Payment.objects.exists()  # the service runs in save_model, not while the form is validated


def test_the_admin_adds_through_the_service_once(client):
    dealer = DealerFactory()
    client.force_login(StaffFactory())
    response = client.post(reverse("admin:payments_payment_add"), {
        "dealer": dealer.pk, "kind": "wire", "amount": "240.00", "received_on": timezone.localdate().isoformat(),
        "reference": "EFT 2"})
    assert response.status_code == 302
    payment = Payment.objects.get()
    assert (payment.amount, payment.reference) == (Decimal("240.00"), "EFT 2")
    assert response.url == reverse("admin:payments_payment_changelist")


def test_the_admin_keeps_no_request_state():
    from django.contrib import admin

    payment_admin = admin.site._registry[Payment]
    before = dict(vars(payment_admin))
    form_class = payment_admin.get_form(type("Request", (), {"user": StaffFactory()})())
    assert form_class.user is not None and form_class.refusal is None
    assert vars(payment_admin) == before  # the user travels on the form class of the request, not on the admin
