"""The e-İrsaliye (issue 14, section 3): a UBL-TR 1.2.1 DespatchAdvice parsed back field by field, for a carrier
shipment and an own-truck shipment; staff download it (admin, page, ERP API with scope shipping:write), nobody else;
a shipment that has not left has none (409)."""
import datetime
import uuid
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.urls import reverse

from dealers.models import Address
from dealers.testing import AddressFactory, DealerFactory, DealerUserFactory
from orders.testing import priced
from portal.testing import actor_of
from shipping.models import Shipment, ShipmentStatus
from shipping.services import despatch_advice_xml, despatch_id, despatch_uuid, move_shipment
from shipping.services.despatch import UNIT_CODES, text_address_parts
from shipping.testing import NATIONAL_ID, TRUCK, CarrierFactory, confirmed_order, ship

pytestmark = pytest.mark.django_db
NS = {"d": "urn:oasis:names:specification:ubl:schema:xsd:DespatchAdvice-2",
      "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
      "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"}
LEFT_AT = datetime.datetime(2026, 3, 5, 21, 30, 15, tzinfo=datetime.UTC)  # 00:30:15 on 6 March in Istanbul


def text(element, path):
    found = element.find(path, NS)
    assert found is not None, path
    return found.text


def attr(element, path, name):
    return element.find(path, NS).get(name)


@pytest.fixture
def order(settings, staff, market):
    settings.COMPANY = {**settings.COMPANY, "name": "Anadolu Endüstri A.Ş.", "tax_id": "1234567890",
                        "tax_office": "Büyük Mükellefler",
                        "address": "Organize Sanayi Bölgesi 1. Cad. No: 12, 34000 İstanbul, Türkiye"}
    dealer = DealerFactory(legal_name="Kaya Elektrik Ticaret Ltd. Şti.", tax_office="Çankaya",
                           tax_number="4440001112")
    AddressFactory(dealer=dealer, kind=Address.Kind.SHIPPING, is_default=True, label="Ankara depot",
                   line1="Ostim OSB 1234. Sk. No: 5", district="Yenimahalle", city="Ankara", postal_code="06370")
    AddressFactory(dealer=dealer, kind=Address.Kind.BILLING, is_default=True, label="Head office",
                   line1="Atatürk Blv. No: 100", district="Çankaya", city="Ankara", postal_code="06680")
    owner = DealerUserFactory(dealer=dealer, role="owner")
    panel = priced(market, "100.00", sku="LED-600", name="LED panel 60x60", stock_quantity=100)
    cable = priced(market, "10.00", sku="CBL-3X2", name="Kablo 3x2,5 mm²", unit="metre", order_multiple=Decimal("0.5"),
                   stock_quantity=1000)
    from orders.services import ordering, set_status

    placed = ordering.place_order(actor=actor_of(owner), lines=[(panel, 3), (cable, Decimal("12.5"))],
                                  checkout=ordering.Checkout())
    return set_status(actor=staff, order=placed, status="confirmed")


def left(shipment, staff) -> Shipment:
    shipment = move_shipment(actor=staff, shipment=shipment, to=ShipmentStatus.SHIPPED)
    Shipment.objects.filter(pk=shipment.pk).update(shipped_at=LEFT_AT, waybill_issued_at=LEFT_AT)
    return Shipment.objects.get(pk=shipment.pk)


def parsed(shipment):
    data = despatch_advice_xml(shipment)
    assert data.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    root = ET.fromstring(data)
    assert root.tag == f"{{{NS['d']}}}DespatchAdvice"
    return root


def check_header_parties_and_lines(root, shipment, order):
    year = shipment.waybill_number.split("-")[1]
    number = int(shipment.waybill_number.rsplit("-", 1)[1])
    assert text(root, "cbc:UBLVersionID") == "2.1"
    assert text(root, "cbc:CustomizationID") == "TR1.2.1"
    assert text(root, "cbc:ProfileID") == "TEMELIRSALIYE"
    assert text(root, "cbc:ID") == f"IRS{year}{number:09d}" and len(text(root, "cbc:ID")) == 16
    assert uuid.UUID(text(root, "cbc:UUID")) == uuid.UUID(despatch_uuid(shipment.waybill_number))
    assert text(root, "cbc:IssueDate") == "2026-03-06" and text(root, "cbc:IssueTime") == "00:30:15"
    assert text(root, "cbc:DespatchAdviceTypeCode") == "SEVK"
    assert text(root, "cac:OrderReference/cbc:ID") == order.number

    supplier = root.find("cac:DespatchSupplierParty/cac:Party", NS)
    assert text(supplier, "cac:PartyIdentification/cbc:ID") == "1234567890"
    assert attr(supplier, "cac:PartyIdentification/cbc:ID", "schemeID") == "VKN"
    assert text(supplier, "cac:PartyName/cbc:Name") == "Anadolu Endüstri A.Ş."
    assert text(supplier, "cac:PostalAddress/cbc:StreetName") == "Organize Sanayi Bölgesi 1. Cad. No: 12"
    assert text(supplier, "cac:PostalAddress/cbc:CityName") == "İstanbul"
    assert text(supplier, "cac:PostalAddress/cbc:PostalZone") == "34000"
    assert text(supplier, "cac:PostalAddress/cac:Country/cbc:Name") == "Türkiye"
    assert text(supplier, "cac:PartyTaxScheme/cac:TaxScheme/cbc:Name") == "Büyük Mükellefler"

    customer = root.find("cac:DeliveryCustomerParty/cac:Party", NS)
    assert text(customer, "cac:PartyIdentification/cbc:ID") == "4440001112"
    assert attr(customer, "cac:PartyIdentification/cbc:ID", "schemeID") == "VKN"
    assert text(customer, "cac:PartyName/cbc:Name") == "Kaya Elektrik Ticaret Ltd. Şti."
    assert text(customer, "cac:PostalAddress/cbc:StreetName") == "Atatürk Blv. No: 100"
    assert text(customer, "cac:PostalAddress/cbc:CitySubdivisionName") == "Çankaya"
    assert text(customer, "cac:PostalAddress/cbc:CityName") == "Ankara"
    assert text(customer, "cac:PartyTaxScheme/cac:TaxScheme/cbc:Name") == "Çankaya"

    delivery = root.find("cac:Shipment/cac:Delivery", NS)
    assert text(delivery, "cac:DeliveryAddress/cbc:StreetName") == "Ostim OSB 1234. Sk. No: 5"
    assert text(delivery, "cac:DeliveryAddress/cbc:CitySubdivisionName") == "Yenimahalle"
    assert text(delivery, "cac:DeliveryAddress/cbc:CityName") == "Ankara"
    assert text(delivery, "cac:DeliveryAddress/cbc:PostalZone") == "06370"
    assert text(delivery, "cac:DeliveryAddress/cac:Country/cbc:IdentificationCode") == "TR"
    assert text(delivery, "cac:Despatch/cbc:ActualDespatchDate") == "2026-03-06"
    assert text(delivery, "cac:Despatch/cbc:ActualDespatchTime") == "00:30:15"

    lines = root.findall("cac:DespatchLine", NS)
    assert text(root, "cbc:LineCountNumeric") == str(len(lines)) == "2"
    got = [(text(line, "cbc:ID"), text(line, "cbc:DeliveredQuantity"), attr(line, "cbc:DeliveredQuantity", "unitCode"),
            text(line, "cac:OrderLineReference/cbc:LineID"), text(line, "cac:Item/cbc:Name"),
            text(line, "cac:Item/cac:SellersItemIdentification/cbc:ID")) for line in lines]
    assert got == [("1", "2", "C62", "1", "LED panel 60x60", "LED-600"),
                   ("2", "12.5", "MTR", "2", "Kablo 3x2,5 mm²", "CBL-3X2")]


def test_a_carrier_shipment_as_e_irsaliye(order, staff):
    quantities = {line.pk: (2 if line.sku == "LED-600" else Decimal("12.5")) for line in order.lines.all()}
    carrier = CarrierFactory(name="Yurtiçi Kargo", tax_number="9870012345")
    shipment = left(ship(order, quantities, staff=staff, carrier=carrier,
                         parcels=[("YK123", "4.5"), ("YK124", "2.25")]), staff)
    root = parsed(shipment)
    check_header_parties_and_lines(root, shipment, order)
    stage_shipment = root.find("cac:Shipment", NS)
    assert text(stage_shipment, "cbc:GrossWeightMeasure") == "6.75"
    assert attr(stage_shipment, "cbc:GrossWeightMeasure", "unitCode") == "KGM"
    assert text(stage_shipment, "cbc:TotalTransportHandlingUnitQuantity") == "2"
    carrier_party = stage_shipment.find("cac:Delivery/cac:CarrierParty", NS)
    assert text(carrier_party, "cac:PartyName/cbc:Name") == "Yurtiçi Kargo"
    assert text(carrier_party, "cac:PartyIdentification/cbc:ID") == "9870012345"
    assert attr(carrier_party, "cac:PartyIdentification/cbc:ID", "schemeID") == "VKN"
    assert text(stage_shipment, "cac:Delivery/cbc:TrackingID") == "YK123"
    # A carrier: no driver, no plate of ours.
    assert stage_shipment.find("cac:ShipmentStage/cac:DriverPerson", NS) is None
    assert stage_shipment.find(".//cbc:LicensePlateID", NS) is None


def test_an_own_truck_shipment_as_e_irsaliye(order, staff):
    quantities = {line.pk: (2 if line.sku == "LED-600" else Decimal("12.5")) for line in order.lines.all()}
    shipment = left(ship(order, quantities, staff=staff, truck={**TRUCK, "trailer_plate": "34 xyz 99"},
                         parcels=[("", "30")]), staff)
    root = parsed(shipment)
    check_header_parties_and_lines(root, shipment, order)
    stage = root.find("cac:Shipment/cac:ShipmentStage", NS)
    assert text(stage, "cac:TransportMeans/cac:RoadTransport/cbc:LicensePlateID") == "34 ABC 123"
    assert attr(stage, "cac:TransportMeans/cac:RoadTransport/cbc:LicensePlateID", "schemeID") == "PLAKA"
    assert text(stage, "cac:DriverPerson/cbc:FirstName") == "Ahmet"
    assert text(stage, "cac:DriverPerson/cbc:FamilyName") == "Yılmaz"
    assert text(stage, "cac:DriverPerson/cbc:NationalityID") == NATIONAL_ID
    trailer = root.find("cac:Shipment/cac:TransportHandlingUnit/cac:TransportEquipment/cbc:ID", NS)
    assert (trailer.text, trailer.get("schemeID")) == ("34 XYZ 99", "DORSEPLAKA")
    assert root.find("cac:Shipment/cac:Delivery/cac:CarrierParty", NS) is None


def test_a_carrier_without_a_tax_number_is_named_only(order, staff):
    shipment = left(ship(order, staff=staff, carrier=CarrierFactory(name="Aras Kargo")), staff)
    carrier_party = parsed(shipment).find("cac:Shipment/cac:Delivery/cac:CarrierParty", NS)
    assert text(carrier_party, "cac:PartyName/cbc:Name") == "Aras Kargo"
    assert carrier_party.find("cac:PartyIdentification", NS) is None


def test_exporting_twice_gives_the_same_document(order, staff):
    shipment = left(ship(order, staff=staff), staff)
    assert despatch_advice_xml(shipment) == despatch_advice_xml(shipment)


def test_a_dealer_with_an_eleven_digit_tax_number_is_a_person_with_tckn(staff, market):
    dealer = DealerFactory(legal_name="Mehmet Ali Demir", tax_number="10000000146", tax_office="Kadıköy")
    AddressFactory(dealer=dealer, kind=Address.Kind.SHIPPING, is_default=True)
    AddressFactory(dealer=dealer, kind=Address.Kind.BILLING, is_default=True)
    owner = DealerUserFactory(dealer=dealer, role="owner")
    product = priced(market, "5.00", sku="X-1", stock_quantity=10)
    shipment = left(ship(confirmed_order(actor_of(owner), product, 1, staff=staff), staff=staff), staff)
    customer = parsed(shipment).find("cac:DeliveryCustomerParty/cac:Party", NS)
    assert attr(customer, "cac:PartyIdentification/cbc:ID", "schemeID") == "TCKN"
    assert (text(customer, "cac:Person/cbc:FirstName"), text(customer, "cac:Person/cbc:FamilyName")) == (
        "Mehmet Ali", "Demir")


def test_the_id_is_gibs_sixteen_characters_and_every_unit_has_a_code():
    assert despatch_id("IRS-2026-000123") == "IRS2026000000123"
    assert despatch_id("IRS-2027-1234567") == "IRS2027001234567"
    assert despatch_uuid("IRS-2026-000123") == despatch_uuid("IRS-2026-000123") != despatch_uuid("IRS-2026-000124")
    from catalog.models import Unit

    assert set(UNIT_CODES) == set(Unit.values)


def test_an_address_typed_at_checkout_is_read_in_parts():
    assert text_address_parts("Delivery address of this order\nAyşe Kaya\nCumhuriyet Cd. 5\nKat 2\n"
                              "35220 Konak İzmir\nTR\n+90 232 000 00 00") == {
        "street": "Ayşe Kaya, Cumhuriyet Cd. 5, Kat 2", "district": "Konak", "city": "İzmir", "postal_code": "35220",
        "country_code": "TR", "country": "Türkiye"}


# --- who downloads it -----------------------------------------------------------------------------------------------

def test_staff_download_the_xml_from_the_page_dealers_get_404(client, staff_client, order, staff, owner_of_order):
    shipment = left(ship(order, staff=staff), staff)
    url = reverse("shipping:despatch_xml", args=[shipment.number])
    response = staff_client.get(url)
    assert response.status_code == 200 and response["Content-Type"].startswith("application/xml")
    assert f'filename="{despatch_id(shipment.waybill_number)}.xml"' in response["Content-Disposition"]
    assert ET.fromstring(response.content).find("cbc:ID", NS).text == despatch_id(shipment.waybill_number)
    client.force_login(owner_of_order)
    assert client.get(url).status_code == 404


@pytest.fixture
def owner_of_order(order):
    return order.dealer.users.get(role="owner")


def test_a_shipment_not_yet_left_has_no_e_irsaliye(staff_client, order, staff, token_client):
    preparing = ship(order, staff=staff)
    response = staff_client.get(reverse("shipping:despatch_xml", args=[preparing.number]))
    assert response.status_code == 302
    response = token_client(None, "shipping:write").get(f"/api/v1/shipments/{preparing.number}/e-irsaliye/")
    assert response.status_code == 409 and response.json()["code"] == "shipping.waybill_not_issued"


def test_the_erp_takes_the_xml_with_its_scope(order, staff, token_client, owner_of_order):
    shipment = left(ship(order, staff=staff), staff)
    url = f"/api/v1/shipments/{shipment.number}/e-irsaliye/"
    response = token_client(None, "shipping:write").get(url, HTTP_ACCEPT="application/xml")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/xml")
    assert ET.fromstring(response.content).find("cbc:ProfileID", NS).text == "TEMELIRSALIYE"
    assert token_client(None, "catalog:read").get(url).status_code == 403
    assert token_client(owner_of_order, "account").get(url).status_code == 403
    assert token_client(None, "shipping:write").get("/api/v1/shipments/SHP-2026-999999/e-irsaliye/").status_code \
        == 404
