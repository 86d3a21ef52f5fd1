"""The API order's input serializer copies its declared fields instead of deep-copying them (issue 18): it validates
and refuses exactly as DRF's own way does, and nothing of one request is left for the next."""
import pytest
from rest_framework import serializers

from orders.api.orders import PlaceOrderSerializer


class DeepCopied(PlaceOrderSerializer):
    """DRF's way: every instance deep-copies the declared fields."""

    def get_fields(self):
        return serializers.Serializer.get_fields(self)


BODIES = [
    {"lines": [{"sku": "LED-1", "quantity": "2"}, {"product": 7, "quantity": 3}], "po_number": " PO-1 "},
    {"lines": [{"sku": "LED-1", "quantity": "2,5"}], "shipping_method": "express", "insured": "true",
     "shipping_charge_seen": "12.345", "installments": "3", "payment_method": "card",
     "requested_delivery_date": "2031-02-03", "notes": "ring twice"},
    {"new_shipping_address": {"line1": "Sanayi 1", "city": "Ankara", "phone": 5}, "billing_address": "4"},
    {},
    {"lines": []},
    {"lines": "LED-1"},
    {"lines": [{"sku": "x", "quantity": "q" * 40}, {"product": "abc"}, {}], "installments": "z"},
    {"lines": [{"sku": "", "quantity": ""}], "payment_method": "barter", "po_number": "P" * 51},
    {"new_shipping_address": "Ankara", "requested_delivery_date": "31.02.2031", "insured": "perhaps"},
    {"lines": [{"sku": "A\x00B", "quantity": "1"}], "notes": None, "shipping_charge_seen": "abc"},
]


def _outcome(cls, body):
    serializer = cls(data=body)
    valid = serializer.is_valid()
    return valid, (dict(serializer.validated_data) if valid else serializer.errors)


@pytest.mark.parametrize("body", BODIES)
def test_the_same_data_and_the_same_refusals_as_drfs_deep_copy(body):
    assert _outcome(PlaceOrderSerializer, body) == _outcome(DeepCopied, body)


def test_one_requests_values_and_errors_are_not_the_next_ones():
    outcomes = [_outcome(PlaceOrderSerializer, body) for body in BODIES]
    assert [_outcome(PlaceOrderSerializer, body) for body in reversed(BODIES)] == list(reversed(outcomes))
    assert [_outcome(DeepCopied, body) for body in BODIES] == outcomes
    assert PlaceOrderSerializer().fields["lines"] is not PlaceOrderSerializer().fields["lines"]
