"""Test factories of payments, shared by every app's tests: invoices (optionally from a real order), payments and
credit notes, and finance staff."""
import datetime
from decimal import Decimal

import factory
from django.contrib.auth.models import Permission
from django.utils import timezone

from dealers.testing import DealerFactory, UserFactory
from payments.models import CreditNote, Invoice, Payment


class InvoiceFactory(factory.django.DjangoModelFactory):
    """An invoice without an order: totals only (the allocation and statement arithmetic need no lines)."""

    class Meta:
        model = Invoice

    number = factory.Sequence(lambda n: f"INV-T-{n:06d}")
    dealer = factory.SubFactory(DealerFactory)
    issue_date = factory.LazyFunction(timezone.localdate)
    due_date = factory.LazyAttribute(lambda o: o.issue_date + datetime.timedelta(days=30))
    total_net = factory.LazyAttribute(lambda o: (o.total_gross / Decimal("1.2")).quantize(Decimal("0.01")))
    total_vat = factory.LazyAttribute(lambda o: o.total_gross - o.total_net)
    total_gross = Decimal("100.00")


class PaymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Payment

    number = factory.Sequence(lambda n: f"PAY-T-{n:06d}")
    dealer = factory.SubFactory(DealerFactory)
    kind = "wire"
    amount = Decimal("100.00")
    received_on = factory.LazyFunction(timezone.localdate)


class CreditNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CreditNote

    number = factory.Sequence(lambda n: f"CN-T-{n:06d}")
    dealer = factory.SubFactory(DealerFactory)
    amount = Decimal("10.00")
    issued_on = factory.LazyFunction(timezone.localdate)
    reason = "Goodwill"


class FinanceStaffFactory(UserFactory):
    """A staff user allowed to record payments, issue credit notes and void invoices (not a superuser)."""

    is_staff = True

    @factory.post_generation
    def finance_permissions(obj, create, extracted, **kwargs):  # noqa: N805  (factory_boy passes the made object)
        if create:
            obj.user_permissions.add(*Permission.objects.filter(
                content_type__app_label="payments",
                codename__in=["add_payment", "view_payment", "add_creditnote", "view_creditnote", "change_invoice",
                              "view_invoice", "view_allocation"]))
