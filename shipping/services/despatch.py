"""The e-İrsaliye of a shipment (issue 14, section 3): a UBL-TR 1.2.1 `DespatchAdvice` (UBL 2.1) the GİB integrator
signs and sends. One function builds it, `despatch_advice_xml(shipment)`; staff download it from the admin
(`shipping:despatch_xml`) and the ERP through `GET /api/v1/shipments/{number}/e-irsaliye/`.

What goes where (elements in the order the UBL 2.1 schema wants them):

* `cbc:ID`: the waybill number in the 16 characters GİB wants: three letters, the year, nine digits.
  `IRS-2026-000123` → `IRS2026000000123` (`despatch_id`). The portal's number and the e-İrsaliye's are one number.
* `cbc:UUID` (ETTN): `uuid5` of the waybill number in a fixed namespace, so exporting twice gives the same UUID.
* `cbc:IssueDate`/`cbc:IssueTime`: when the waybill was issued, in the portal's time zone (Europe/Istanbul).
* `cbc:ProfileID` TEMELIRSALIYE, `cbc:DespatchAdviceTypeCode` SEVK, `cbc:LineCountNumeric`, `cac:OrderReference`.
* `cac:DespatchSupplierParty`: the company (settings.COMPANY: VKN `tax_id`, `name`, `tax_office`, the address in
  parts, see waybill.seller_address_parts). `cac:DeliveryCustomerParty`: the dealer (VKN, or TCKN for an 11-digit
  tax number with the name as a person; its default billing address, else its registered one). A return shipment
  swaps the two.
* `cac:Shipment`: `cac:GoodsItem` (total weight), `cac:ShipmentStage` with `cac:TransportMeans/cac:RoadTransport/
  cbc:LicensePlateID schemeID="PLAKA"` and `cac:DriverPerson` (first name, family name, `cbc:NationalityID` = the
  T.C. Kimlik No) for the own truck; `cac:Delivery` with the delivery address (the order's shipping address: the
  dealer's address it came from, else read from its text), `cac:CarrierParty` for a carrier (its name, and its VKN
  when staff entered one: `Carrier.tax_number`; else the name only), and `cac:Despatch/cbc:ActualDespatchDate` +
  `cbc:ActualDespatchTime`; a trailer plate is `cac:TransportHandlingUnit/cac:TransportEquipment/cbc:ID
  schemeID="DORSEPLAKA"`.
* `cac:DespatchLine`: line number, `cbc:DeliveredQuantity unitCode` (UN/ECE: piece C62, box BX, pack PK, set SET,
  litre LTR, kg KGM, metre MTR, m² MTK), `cac:OrderLineReference/cbc:LineID` (the order line's position on the order, from 1),
  and `cac:Item` with `cbc:Name` and `cac:SellersItemIdentification/cbc:ID` = the SKU.

The XML has no signature (`ext:UBLExtensions`): the integrator signs it with the company's seal."""
from __future__ import annotations

import re
import uuid
import xml.etree.ElementTree as ET
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from ..errors import WaybillNotIssued
from ..models import Shipment, ShipmentKind
from .waybill import address_lines, return_address, seller_address_parts

__all__ = ["DESPATCH_NS", "UNIT_CODES", "despatch_advice_xml", "despatch_filename", "despatch_id", "despatch_uuid"]

DESPATCH_NS = {
    "": "urn:oasis:names:specification:ubl:schema:xsd:DespatchAdvice-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}
ROOT, CAC, CBC = (DESPATCH_NS[key] for key in ("", "cac", "cbc"))
# UN/ECE Recommendation 20 codes of the catalog's units (catalog.models.Unit), as GİB's unit list has them.
UNIT_CODES = {"piece": "C62", "box": "BX", "pack": "PK", "set": "SET", "litre": "LTR", "kg": "KGM", "metre": "MTR",
              "m2": "MTK"}
# The namespace of every despatch UUID: a waybill number always gives the same ETTN.
UUID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:dealer-portal:e-irsaliye")
COUNTRY_NAMES = {"TR": "Türkiye"}
WAYBILL_NUMBER = re.compile(r"^(?P<prefix>[A-Z]{3})-(?P<year>\d{4})-(?P<n>\d{1,9})$")
PHONE = re.compile(r"^\+?[\d\s()/-]{7,}$")
POSTCODE_PLACE = re.compile(r"^(?P<postcode>\d{4,6})?\s*(?P<place>.*)$")


def despatch_id(waybill_number: str) -> str:
    """The 16-character e-İrsaliye ID of a waybill number: `IRS-2026-000123` → `IRS2026000000123`."""
    match = WAYBILL_NUMBER.match(waybill_number or "")
    if not match:
        raise ValueError(f"Not a waybill number: {waybill_number!r}")
    return f"{match['prefix']}{match['year']}{int(match['n']):09d}"


def despatch_uuid(waybill_number: str) -> str:
    return str(uuid.uuid5(UUID_NAMESPACE, waybill_number))


def despatch_filename(shipment) -> str:
    return f"{despatch_id(shipment.waybill_number)}.xml"


# --- small builders ---------------------------------------------------------------------------------------------

def _el(parent, tag, text=None, **attributes):
    prefix, _sep, name = tag.rpartition(":")
    element = ET.SubElement(parent, f"{{{DESPATCH_NS[prefix]}}}{name}", {k: str(v) for k, v in attributes.items()})
    if text is not None:
        element.text = str(text)
    return element


def _plain(value: Decimal) -> str:
    return f"{Decimal(value).normalize():f}"


def _country_name(code: str) -> str:
    code = (code or "TR").upper()
    return COUNTRY_NAMES.get(code, code)


def _address(parent, parts: dict, tag="cac:PostalAddress"):
    address = _el(parent, tag)
    if parts.get("street"):
        _el(address, "cbc:StreetName", parts["street"])
    _el(address, "cbc:CitySubdivisionName", parts.get("district") or parts.get("city") or "")
    _el(address, "cbc:CityName", parts.get("city") or "")
    if parts.get("postal_code"):
        _el(address, "cbc:PostalZone", parts["postal_code"])
    country = _el(address, "cac:Country")
    code = parts.get("country_code") or ("TR" if _country_name(parts.get("country", "")) == "Türkiye" else "")
    if code:
        _el(country, "cbc:IdentificationCode", code)
    _el(country, "cbc:Name", parts.get("country") or _country_name(code))
    return address


def _split_name(name: str) -> tuple[str, str]:
    """("Ahmet", "Yılmaz") of "Ahmet Yılmaz": the last word is the family name."""
    words = (name or "").split()
    if len(words) < 2:
        return name or "", ""
    return " ".join(words[:-1]), words[-1]


def _party(parent, party: dict, tag="cac:Party"):
    """A cac:Party (or another party element: cac:CarrierParty is one itself): identification (VKN for 10 digits, TCKN for 11), name, address, tax office (and a person for a
    TCKN)."""
    element = _el(parent, tag)
    tax_number = re.sub(r"\D", "", party.get("tax_number") or "")
    if tax_number:
        identification = _el(element, "cac:PartyIdentification")
        _el(identification, "cbc:ID", tax_number, schemeID="TCKN" if len(tax_number) == 11 else "VKN")
    _el(_el(element, "cac:PartyName"), "cbc:Name", party["name"])
    if party.get("address"):
        _address(element, party["address"])
    if party.get("tax_office") is not None:
        tax_scheme = _el(_el(element, "cac:PartyTaxScheme"), "cac:TaxScheme")
        _el(tax_scheme, "cbc:Name", party.get("tax_office") or "")
    if len(tax_number) == 11:
        first, family = _split_name(party["name"])
        person = _el(element, "cac:Person")
        _el(person, "cbc:FirstName", first)
        _el(person, "cbc:FamilyName", family)
    return element


# --- the parties --------------------------------------------------------------------------------------------------

def _company() -> dict:
    company = settings.COMPANY
    return {"name": company.get("name", ""), "tax_number": company.get("tax_id", ""),
            "tax_office": company.get("tax_office", ""), "address": seller_address_parts()}


def _address_parts_of(address) -> dict:
    street = " ".join(filter(None, [address.line1, address.line2]))
    return {"street": street, "district": address.district or address.city, "city": address.city,
            "postal_code": address.postal_code, "country_code": (address.country or "TR").upper(),
            "country": _country_name(address.country)}


def _dealer(shipment) -> dict:
    from dealers.models import Address

    dealer = shipment.dealer
    billing = Address.objects.billing().filter(dealer=dealer, is_default=True).first()
    if billing is not None:
        address = _address_parts_of(billing)
    else:
        address = {"street": dealer.address_line, "district": dealer.city, "city": dealer.city,
                   "postal_code": dealer.postal_code, "country_code": (dealer.country or "TR").upper(),
                   "country": _country_name(dealer.country)}
    return {"name": dealer.legal_name, "tax_number": dealer.tax_number, "tax_office": dealer.tax_office,
            "address": address}


def text_address_parts(text: str) -> dict:
    """An address kept as text (label, contact, street lines, "postcode district city", country code, phone: as
    orders write it) in parts, best effort: the line with the postcode (else the last before the country) gives the
    city (its last word) and district (the words before), the lines between the label and it the street."""
    lines = address_lines(text)
    country = "TR"
    if lines and PHONE.match(lines[-1]):
        lines.pop()
    if lines and re.fullmatch(r"[A-Z]{2}", lines[-1]):
        country = lines.pop()
    place_line = lines.pop() if len(lines) > 1 else ""
    match = POSTCODE_PLACE.match(place_line)
    words = match["place"].split()
    city = words[-1] if words else ""
    street_lines = lines[1:] if len(lines) > 1 else lines
    return {"street": ", ".join(street_lines), "district": " ".join(words[:-1]) or city, "city": city,
            "postal_code": match["postcode"] or "", "country_code": country, "country": _country_name(country)}


def delivery_address_parts(shipment) -> dict:
    """Where the goods go, in parts: the dealer's shipping address the order's text came from (its street and city
    are in it), else the order's text read by `text_address_parts`. A return goes to the company's return address."""
    from dealers.models import Address

    if shipment.kind == ShipmentKind.RETURN:
        text = return_address()
        return seller_address_parts() if text == settings.COMPANY.get("address", "") else text_address_parts(text)
    text = shipment.order.shipping_address or ""
    lines = set(address_lines(text))
    for address in Address.objects.shipping().filter(dealer_id=shipment.dealer_id).order_by("-is_default", "pk"):
        if address.line1.strip() in lines and address.city.strip() and address.city.strip() in text:
            return _address_parts_of(address)
    return text_address_parts(text)


# --- the document -------------------------------------------------------------------------------------------------

def despatch_advice_xml(shipment) -> bytes:
    """The shipment's e-İrsaliye as UTF-8 XML bytes (module doc). Raises WaybillNotIssued (409) for a shipment that
    has not left yet: it has no waybill number to send."""
    shipment = (Shipment.objects.select_related("order", "dealer", "carrier").get(pk=shipment.pk))
    if not shipment.waybill_number:
        raise WaybillNotIssued(_("Shipment %(number)s has not left yet: its waybill is issued when it ships.")
                               % {"number": shipment.number})
    order = shipment.order
    issued = timezone.localtime(shipment.waybill_issued_at)
    dispatched = timezone.localtime(shipment.shipped_at or shipment.waybill_issued_at)
    lines = list(shipment.lines.select_related("order_line").order_by("order_line__ordering", "pk"))
    parcels = list(shipment.parcels.all())
    company, dealer = _company(), _dealer(shipment)
    supplier, customer = (dealer, company) if shipment.kind == ShipmentKind.RETURN else (company, dealer)

    for prefix, uri in DESPATCH_NS.items():
        ET.register_namespace(prefix, uri)
    root = ET.Element(f"{{{ROOT}}}DespatchAdvice")
    _el(root, "cbc:UBLVersionID", "2.1")
    _el(root, "cbc:CustomizationID", "TR1.2.1")
    _el(root, "cbc:ProfileID", "TEMELIRSALIYE")
    _el(root, "cbc:ID", despatch_id(shipment.waybill_number))
    _el(root, "cbc:CopyIndicator", "false")
    _el(root, "cbc:UUID", despatch_uuid(shipment.waybill_number))
    _el(root, "cbc:IssueDate", issued.date().isoformat())
    _el(root, "cbc:IssueTime", issued.strftime("%H:%M:%S"))
    _el(root, "cbc:DespatchAdviceTypeCode", "SEVK")
    _el(root, "cbc:Note", f"{shipment.waybill_number} / {shipment.number}")
    _el(root, "cbc:LineCountNumeric", len(lines))
    order_reference = _el(root, "cac:OrderReference")
    _el(order_reference, "cbc:ID", order.number)
    _el(order_reference, "cbc:IssueDate", timezone.localtime(order.created_at).date().isoformat())

    supplier_party = _el(root, "cac:DespatchSupplierParty")
    _party(supplier_party, supplier)
    _el(_el(supplier_party, "cac:DespatchContact"), "cbc:Name", supplier["name"])
    _party(_el(root, "cac:DeliveryCustomerParty"), customer)

    despatch_shipment = _el(root, "cac:Shipment")
    _el(despatch_shipment, "cbc:ID", shipment.number)
    total_weight = sum((parcel.weight_kg for parcel in parcels), Decimal("0"))
    _el(despatch_shipment, "cbc:GrossWeightMeasure", _plain(total_weight), unitCode="KGM")
    _el(despatch_shipment, "cbc:TotalTransportHandlingUnitQuantity", len(parcels))
    stage = _el(despatch_shipment, "cac:ShipmentStage")
    if shipment.vehicle_plate:
        road = _el(_el(stage, "cac:TransportMeans"), "cac:RoadTransport")
        _el(road, "cbc:LicensePlateID", shipment.vehicle_plate, schemeID="PLAKA")
    if shipment.carrier_id is None:
        first, family = _split_name(shipment.driver_name)
        driver = _el(stage, "cac:DriverPerson")
        _el(driver, "cbc:FirstName", first)
        _el(driver, "cbc:FamilyName", family)
        _el(driver, "cbc:Title", "Şoför")
        _el(driver, "cbc:NationalityID", shipment.driver_national_id)
    delivery = _el(despatch_shipment, "cac:Delivery")
    tracking = next((parcel.tracking_code for parcel in parcels if parcel.tracking_code), "")
    if tracking:
        _el(delivery, "cbc:TrackingID", tracking)
    _address(delivery, delivery_address_parts(shipment), tag="cac:DeliveryAddress")
    if shipment.carrier_id is not None:
        carrier = shipment.carrier
        _party(delivery, {"name": carrier.name, "tax_number": getattr(carrier, "tax_number", "") or ""},
               tag="cac:CarrierParty")
    despatch = _el(delivery, "cac:Despatch")
    _el(despatch, "cbc:ActualDespatchDate", dispatched.date().isoformat())
    _el(despatch, "cbc:ActualDespatchTime", dispatched.strftime("%H:%M:%S"))
    if shipment.trailer_plate:
        unit = _el(despatch_shipment, "cac:TransportHandlingUnit")
        _el(_el(unit, "cac:TransportEquipment"), "cbc:ID", shipment.trailer_plate, schemeID="DORSEPLAKA")

    positions = {pk: n for n, pk in enumerate(order.lines.order_by("ordering", "pk").values_list("pk", flat=True), 1)}
    for index, line in enumerate(lines, start=1):
        order_line = line.order_line
        despatch_line = _el(root, "cac:DespatchLine")
        _el(despatch_line, "cbc:ID", index)
        _el(despatch_line, "cbc:DeliveredQuantity", _plain(line.quantity),
            unitCode=UNIT_CODES.get(order_line.unit, "C62"))
        _el(_el(despatch_line, "cac:OrderLineReference"), "cbc:LineID", positions[order_line.pk])
        item = _el(despatch_line, "cac:Item")
        _el(item, "cbc:Name", order_line.name)
        _el(_el(item, "cac:SellersItemIdentification"), "cbc:ID", order_line.sku)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
