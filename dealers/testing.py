"""Test factories of dealers, shared by every app's tests: companies in every status, users in every role, staff,
agents, addresses, terms. (The fixtures built on them are in the root conftest.py.)"""
import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from dealers.models import (
    SALES_AGENTS_GROUP,
    Address,
    Dealer,
    DocumentType,
    Role,
    Segment,
    TermsVersion,
    User,
)

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"User{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805 - factory_boy passes the object built
        if create:
            obj.save()


class StaffFactory(UserFactory):
    is_staff = True
    is_superuser = True


class AgentFactory(UserFactory):
    """A staff user in the Sales agents group; pass dealers=[...] to assign them."""

    is_staff = True

    @factory.post_generation
    def dealers(obj, create, extracted, **kwargs):  # noqa: N805 - factory_boy passes the object built
        if not create:
            return
        obj.groups.add(Group.objects.get_or_create(name=SALES_AGENTS_GROUP)[0])
        for dealer in extracted or []:
            dealer.agents.add(obj)


class SegmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Segment
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"segment-{n}")
    name = factory.Sequence(lambda n: f"Segment {n}")


class DealerFactory(factory.django.DjangoModelFactory):
    """An approved dealer unless status= says otherwise."""

    class Meta:
        model = Dealer

    legal_name = factory.Sequence(lambda n: f"Dealer {n} Ticaret Ltd. Şti.")
    trade_name = factory.Sequence(lambda n: f"Dealer {n}")
    tax_office = "Kadıköy"
    tax_number = factory.Sequence(lambda n: f"{1000000000 + n}")
    sector = "electrical"
    employees = "10-49"
    annual_revenue = "5-25m"
    phone = "+90 216 555 00 00"
    email = factory.Sequence(lambda n: f"info{n}@dealer.example.com")
    address_line = "Bağdat Cad. No: 1"
    city = "İstanbul"
    status = Dealer.Status.APPROVED
    code = factory.Maybe(
        factory.LazyAttribute(lambda o: o.status in (Dealer.Status.APPROVED, Dealer.Status.SUSPENDED)),
        yes_declaration=factory.Sequence(lambda n: f"T{n:05d}"),
        no_declaration=None,
    )
    segment = factory.LazyFunction(lambda: Segment.objects.filter(is_default=True).first())


class DealerUserFactory(UserFactory):
    """A user of a dealer; role owner unless given."""

    dealer = factory.SubFactory(DealerFactory)
    role = Role.OWNER


class AddressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Address

    dealer = factory.SubFactory(DealerFactory)
    kind = Address.Kind.SHIPPING
    label = factory.Sequence(lambda n: f"Warehouse {n}")
    line1 = "Organize Sanayi 3. Cad. No: 7"
    city = "Ankara"


class TermsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TermsVersion

    version = factory.Sequence(lambda n: n + 1)
    title = "Terms of use"
    body = "1. The dealer orders in good faith.\n2. Prices are net of VAT."
    published_at = factory.LazyFunction(timezone.now)


def document_types():
    return list(DocumentType.objects.filter(active=True))
