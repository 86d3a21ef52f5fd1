"""The waybill (irsaliye) of a shipment (issue 14, section 3): numbered and dated when the shipment leaves, rendered
as a PDF by a Celery worker in the dealer's language, downloadable by whom may see the shipment
(shipping.permissions.may_see_shipment).

* Number: `IRS-<year>-<n>` (portal.numbering, gapless per year), taken inside the move to `shipped`
  (`waybill_on_shipment_moved`, registered on `shipping.shipment.moved`), so a move that rolls back gives its number
  back. A shipment keeps its number for ever; moving on (in transit, delivered...) never renumbers it.
* Dates: issued at the move, dispatched at `shipped_at` (shipping.services.shipments sets it in the same move); the
  PDF shows both in the portal's time zone (Europe/Istanbul), as every document does (portal.documents.render_pdf).
* Language: the dealer's document language, as its invoices choose it (payments' `dealer_language`: the first
  active owner's), so a dealer's invoice and waybill read alike.
* Parties: the seller is the company of settings.COMPANY (the invoices' letterhead), the buyer the dealer (legal
  name, tax office and number, the order's billing address), the delivery recipient the order's shipping address.
  A return shipment (kind `return`) swaps them: the dealer sends, the company receives (`return_address`).
* Locks: called inside the shipment's move (order → shipment already held), the IRS counter comes last."""
from __future__ import annotations

import re
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from portal import audit
from portal.documents import DocumentKind, documents_of, request_document
from portal.lifecycle import acting_user
from portal.numbering import next_number

from ..errors import WaybillNotIssued
from ..models import Shipment, ShipmentKind, ShipmentStatus
from ..permissions import may_see_shipment

__all__ = ["WAYBILL_PDF", "WAYBILL_KIND", "address_lines", "company_party", "issue_waybill", "ready_waybill", "return_address",
           "seller_address_parts", "waybill_context", "waybill_document", "waybill_language",
           "waybill_on_shipment_moved"]

WAYBILL_PDF = "shipping.waybill"


def waybill_language(shipment) -> str:
    """The language a shipment's waybill is rendered in: the dealer's document language (as its invoices)."""
    from payments.services import dealer_language

    return dealer_language(shipment.dealer)


def issue_waybill(*, shipment: Shipment, actor=None) -> Shipment:
    """Give `shipment` its waybill number and issue time (once) and ask for its PDF. Runs inside the caller's
    transaction, on a shipment row the caller holds (the move to shipped, or creating a return shipment); a shipment
    that has its number already is left as it is."""
    if shipment.waybill_number:
        return shipment
    shipment.waybill_number = next_number("IRS")
    shipment.waybill_issued_at = timezone.now()
    shipment.save(update_fields=["waybill_number", "waybill_issued_at", "updated_at"])
    audit.record(actor=acting_user(actor)[0], action="shipping.waybill.issued", target=shipment,
                 dealer=shipment.dealer, data={"number": shipment.number, "waybill": shipment.waybill_number})
    request_document(owner=shipment, kind=WAYBILL_PDF, language=waybill_language(shipment))
    return shipment


def waybill_on_shipment_moved(*, shipment, previous, actor) -> None:
    """Registered on `shipping.shipment.moved`: a shipment that has just left (moved to shipped) gets its waybill."""
    if shipment.status == ShipmentStatus.SHIPPED and not shipment.waybill_number:
        issue_waybill(shipment=shipment, actor=actor)


def waybill_document(shipment):
    """The shipment's latest waybill PDF (a portal Document: pending, ready or failed), None before it has one."""
    return documents_of(shipment, WAYBILL_PDF).order_by("-created_at", "-pk").first()


def ready_waybill(shipment):
    """The shipment's waybill PDF (a Document) when it is ready to download; None while a worker renders it (a
    failed or missing rendering is asked for again, so a fixed template heals at the next click). Raises
    WaybillNotIssued (409) before the shipment leaves: it has no waybill yet."""
    from portal.models import Document

    if not shipment.waybill_number:
        raise WaybillNotIssued(_("Shipment %(number)s has not left yet: its waybill is issued when it ships.")
                               % {"number": shipment.number})
    document = waybill_document(shipment)
    if document is None or document.status == Document.Status.FAILED:
        request_document(owner=shipment, kind=WAYBILL_PDF, language=waybill_language(shipment))
        return None
    return document if document.status == Document.Status.READY else None


# --- the parties ------------------------------------------------------------------------------------------------

def address_lines(text: str, *, leave_out=()) -> list[str]:
    """The non-empty lines of an address kept as text on the order, without those that only repeat a name."""
    names = {str(name or "").strip().casefold() for name in leave_out}
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    return [line for line in lines if line.casefold() not in names]


POSTCODE_CITY = re.compile(r"^(?P<postcode>\d{4,6})\s+(?P<city>.+)$")


def seller_address_parts() -> dict:
    """The company's address in parts for the e-İrsaliye: settings.COMPANY's `street`, `district`, `city`,
    `postal_code` and `country` where it has them, else read from its one-line `address` ("street, 34000 İstanbul,
    Türkiye": the part with the postcode gives the city, the last part the country)."""
    company = settings.COMPANY
    parts = [part.strip() for part in str(company.get("address", "")).split(",") if part.strip()]
    street, city, postcode, country = ", ".join(parts), "", "", ""
    for index, part in enumerate(parts):
        match = POSTCODE_CITY.match(part)
        if match:
            postcode, city = match.group("postcode"), match.group("city")
            street = ", ".join(parts[:index])
            country = ", ".join(parts[index + 1:])
            break
    found = {"street": street, "district": "", "city": city, "postal_code": postcode,
             "country": country or "Türkiye"}
    for key in found:
        if company.get(key):
            found[key] = str(company[key])
    found["district"] = found["district"] or found["city"]
    return found


def company_party() -> dict:
    """The seller of every waybill: the company of settings.COMPANY (its name, tax office and number, address)."""
    company = settings.COMPANY
    return {"name": company.get("name", ""), "tax_office": company.get("tax_office", ""),
            "tax_number": company.get("tax_id", ""), "address": company.get("address", ""),
            "address_lines": [company.get("address", "")] if company.get("address") else []}


def return_address() -> str:
    """Where returned goods go: settings.RETURN_ADDRESS (several lines), else the company's address."""
    return str(getattr(settings, "RETURN_ADDRESS", "") or settings.COMPANY.get("address", ""))


def dealer_party(shipment) -> dict:
    dealer, order = shipment.dealer, shipment.order
    lines = address_lines(order.billing_address, leave_out=(dealer.legal_name, dealer.trade_name))
    if not lines:
        lines = [line for line in (dealer.address_line, " ".join(filter(None, [
            dealer.postal_code, dealer.city, str(dealer.country or "")]))) if line.strip()]
    return {"name": dealer.legal_name, "trade_name": dealer.trade_name if dealer.trade_name != dealer.legal_name
            else "", "tax_office": dealer.tax_office, "tax_number": dealer.tax_number, "code": dealer.code or "",
            "address_lines": lines}


# --- the PDF ----------------------------------------------------------------------------------------------------

def waybill_context(shipment) -> dict:
    """What templates/pdf/waybill.html shows (rendered in the worker, in the waybill's language)."""
    shipment = (Shipment.objects.select_related("order", "dealer", "carrier", "return_request")
                .get(pk=shipment.pk))
    order = shipment.order
    is_return = shipment.kind == ShipmentKind.RETURN
    lines = [{"sku": line.order_line.sku, "name": line.order_line.name, "quantity": line.quantity,
              "unit": line.order_line.unit}
             for line in shipment.lines.select_related("order_line").order_by("order_line__ordering", "pk")]
    parcels = list(shipment.parcels.all())
    company, dealer = company_party(), dealer_party(shipment)
    delivery = address_lines(order.shipping_address)
    if is_return:
        sender, recipient = dealer, company
        pickup, delivery = delivery, address_lines(return_address())
    else:
        sender, recipient, pickup = company, dealer, []
    return {
        "shipment": shipment, "order": order, "is_return": is_return, "return_request": shipment.return_request,
        "number": shipment.waybill_number or "", "issued_at": shipment.waybill_issued_at or shipment.created_at,
        "dispatched_at": shipment.shipped_at or shipment.waybill_issued_at or shipment.created_at,
        "parties": [sender, recipient], "pickup_lines": pickup, "delivery_lines": delivery,
        "carrier": shipment.carrier, "lines": lines, "parcels": parcels, "parcel_count": len(parcels),
        "total_weight": sum((parcel.weight_kg for parcel in parcels), Decimal("0")),
    }


def waybill_title(shipment) -> str:
    if shipment.kind == ShipmentKind.RETURN:
        return gettext("Return waybill %(number)s") % {"number": shipment.waybill_number or shipment.number}
    return gettext("Waybill %(number)s") % {"number": shipment.waybill_number or shipment.number}


# The waybill PDF's document kind, registered in ShippingConfig.ready(); the download asks may_see_shipment.
WAYBILL_KIND = DocumentKind(
    name=WAYBILL_PDF,
    template="pdf/waybill.html",
    context=waybill_context,
    title=waybill_title,
    dealer=lambda shipment: shipment.dealer,
    can_read=may_see_shipment,
)
