"""The waybill PDF end to end: a shipment leaves, a real Celery worker renders its waybill, and the dealer's owner
downloads it (the page and the API) while another dealer's owner gets 404."""
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from dealers.models import Role
from dealers.testing import DealerFactory, DealerUserFactory
from portal.models import Document
from portal.testing import wait_until
from shipping.models import ShipmentStatus
from shipping.services import move_shipment, waybill_document
from shipping.testing import CarrierFactory, confirmed_order, ship

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_the_worker_renders_the_waybill_the_dealer_downloads_it(celery_worker, client, actor, addresses, panel,
                                                                  staff, owner, token_client):
    order = confirmed_order(actor, panel, 2, staff=staff)
    shipment = ship(order, staff=staff, carrier=CarrierFactory(name="Aras Kargo"), parcels=[("AR-77", "4")])
    shipment = move_shipment(actor=staff, shipment=shipment, to=ShipmentStatus.SHIPPED)
    wait_until(lambda: waybill_document(shipment).status != Document.Status.PENDING, 90, "the waybill PDF")
    document = waybill_document(shipment)
    assert document.status == Document.Status.READY, document.last_error

    client.force_login(owner)
    response = client.get(reverse("shipping:waybill", args=[shipment.number]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    data = b"".join(response.streaming_content)
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert shipment.waybill_number in text and "AR-77" in text and "LED-600" in text

    api = token_client(owner, "account").get(f"/api/v1/me/shipments/{shipment.number}/waybill/")
    assert api.status_code == 200 and b"".join(api.streaming_content).startswith(b"%PDF-")

    client.force_login(DealerUserFactory(dealer=DealerFactory(), role=Role.OWNER))
    assert client.get(reverse("shipping:waybill", args=[shipment.number])).status_code == 404
