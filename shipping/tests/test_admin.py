"""The shipping admin pages load for staff: carriers, zones, methods, and a method's change page with its rules."""
from decimal import Decimal

import pytest
from django.urls import reverse

from shipping.testing import method_with, zone


@pytest.mark.parametrize("model", ["carrier", "shippingzone", "shippingmethod"])
def test_changelists_load(staff_client, model):
    method_with({"price": Decimal("10.00")}, code="standard")
    assert staff_client.get(reverse(f"admin:shipping_{model}_changelist")).status_code == 200


def test_a_method_with_its_rules_and_a_zone_open(staff_client):
    istanbul = zone("Istanbul", cities=["İstanbul"], postcode_prefixes=["34"])
    method = method_with({"price": Decimal("10.00")}, {"price": Decimal("5.00"), "zone": istanbul},
                         code="standard", name_en="Standard")
    page = staff_client.get(reverse("admin:shipping_shippingmethod_change", args=[method.pk]))
    assert page.status_code == 200
    assert b"rules-group" in page.content
    assert staff_client.get(reverse("admin:shipping_shippingzone_change", args=[istanbul.pk])).status_code == 200
    assert staff_client.get(reverse("admin:shipping_carrier_change", args=[method.carrier.pk])).status_code == 200
