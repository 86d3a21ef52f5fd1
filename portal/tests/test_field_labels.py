"""Every field of the portal's models is labelled in the reader's language: a field without a translated
verbose_name shows its raw English name ("CREATED BY") in the Turkish admin's column headers and forms."""
import re
from decimal import Decimal

from django.apps import apps
from django.urls import reverse
from django.utils.functional import Promise

from payments.models import Allocation
from payments.testing import InvoiceFactory, PaymentFactory

APPS = ("portal", "dealers", "catalog", "pricing", "orders", "payments", "shipping", "support", "feedback")


def unlabelled_fields() -> list[str]:
    """`app.Model.field` of each concrete field written in these apps whose verbose_name is not a lazy translation
    (none given: Django derives it from the name, in English)."""
    return [f"{model._meta.label}.{field.name}"
            for model in apps.get_models() if model._meta.app_label in APPS
            for field in model._meta.get_fields()
            if getattr(field, "concrete", False) and not field.auto_created
            and not isinstance(field.verbose_name, Promise)]


def test_every_field_has_a_translated_label():
    assert unlabelled_fields() == [], (
        "Give these fields a verbose_name in gettext_lazy (or pgettext_lazy where the word has two meanings): "
        + ", ".join(unlabelled_fields()))


def _column_headers(page: str, inline_prefix: str) -> list[str]:
    """The column headers of the tabular inline whose formset prefix is `inline_prefix`."""
    group = re.search(rf'<div[^>]*id="{inline_prefix}-group".*?<thead>(.*?)</thead>', page, re.S)
    assert group, f"no inline {inline_prefix} on the page"
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<th[^>]*>(.*?)</th>", group.group(1), re.S)]


def test_the_turkish_invoice_page_heads_its_allocations_in_turkish(client, staff):
    invoice = InvoiceFactory()
    payment = PaymentFactory(dealer=invoice.dealer, allocated=Decimal("40.00"))
    Allocation.objects.create(invoice=invoice, payment=payment, amount=Decimal("40.00"), created_by=staff)
    client.force_login(staff)
    client.cookies["django_language"] = "tr"

    page = client.get(reverse("admin:payments_invoice_change", args=[invoice.pk])).content.decode()

    headers = _column_headers(page, "allocations")
    assert "Oluşturan" in headers  # created by
    assert "Oluşturulma" in headers  # created at
    assert "Created by" not in page and "Created at" not in page
