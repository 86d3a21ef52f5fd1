"""Error codes of shipping (DomainError subclasses): why a method cannot carry these goods to this address.

Each is a 400: the dealer can fix it (another method, another address, fewer lines) — a page shows the method
disabled with the message, the API answers it per method (`unavailable`) or, for the one method asked, as the body."""
from portal.errors import DomainError


class ShippingError(DomainError):
    code = "shipping.error"


class NoLines(ShippingError):
    code = "shipping.no_lines"


class MethodNotAllowed(ShippingError):
    """The method is inactive, unknown, or limited to other segments or dealers."""

    code = "shipping.method_not_allowed"


class HazardousNotCarried(ShippingError):
    code = "shipping.hazardous_not_carried"


class FragileNotCarried(ShippingError):
    code = "shipping.fragile_not_carried"


class InsuranceNotOffered(ShippingError):
    code = "shipping.insurance_not_offered"


class NoRate(ShippingError):
    """No rate rule of the method holds for this address, dealer and goods."""

    code = "shipping.no_rate"


class WeightUnknown(ShippingError):
    """The method prices by weight only and a product has no weight."""

    code = "shipping.weight_unknown"


class NoPrice(ShippingError):
    """A line has no price for the dealer, so its net value (and the free threshold) cannot be known."""

    code = "shipping.no_price"


# --- Shipments (issue 14, section 2) ------------------------------------------------------------------------------

class ShipmentError(DomainError):
    code = "shipping.shipment_error"


class ShipmentStatusNotAllowed(ShipmentError):
    """A move the shipment lifecycle's table does not allow (SHIPMENT)."""

    code = "shipping.shipment_status_not_allowed"
    conflict = True


class ShipmentNotAllowed(ShipmentError):
    """Only staff (and later the ERP) create and move shipments."""

    code = "shipping.shipment_not_allowed"
    forbidden = True


class OrderNotShippable(ShipmentError):
    """The order is not confirmed, processing or partially shipped (placed, waiting, cancelled, shipped...)."""

    code = "shipping.order_not_shippable"
    conflict = True


class OverShipped(ShipmentError):
    """A quantity above what the line still has to ship (ordered minus every shipment of it so far)."""

    code = "shipping.over_shipped"
    conflict = True


class BadShipmentLine(ShipmentError):
    """No line, a line of another order, or a quantity that is not a positive number."""

    code = "shipping.bad_shipment_line"


class BadParcel(ShipmentError):
    """No parcel, a weight that is not positive, or a carrier parcel without its tracking code."""

    code = "shipping.bad_parcel"


class CarrierOrTruck(ShipmentError):
    """A shipment goes by a carrier or by the own truck (driver, national ID number and plate): one of the two."""

    code = "shipping.carrier_or_truck"


class BadNationalId(ShipmentError):
    code = "shipping.bad_national_id"


class BadPlate(ShipmentError):
    code = "shipping.bad_plate"


# --- Delivery confirmation by the dealer (issue 14, section 5) ------------------------------------------------------

class DeliveryReportNotAllowed(ShipmentError):
    """Only the shipment's dealer's users who may order (not viewers, not finance) report its delivery."""

    code = "shipping.delivery_report_not_allowed"
    forbidden = True


class DeliveryAlreadyReported(ShipmentError):
    """The shipment's delivery was reported already: one report per shipment."""

    code = "shipping.delivery_already_reported"
    conflict = True


class DeliveryNotReportable(ShipmentError):
    """The shipment has not left yet, or it came back (preparing, delivery failed, returned), or it is a return."""

    code = "shipping.delivery_not_reportable"
    conflict = True


class BadDeliveryReport(ShipmentError):
    """No outcome, a problem without a line of the shipment, a kind or a quantity above what the line carried, or
    problems without saying what happened."""

    code = "shipping.bad_delivery_report"


class BadDeliveryPhoto(ShipmentError):
    """More than five photos, one above 5 MB, or a file that is not an image (checked by its content)."""

    code = "shipping.bad_delivery_photo"


# --- Waybill and e-İrsaliye (issue 14, section 3) -----------------------------------------------------------------

class WaybillNotIssued(ShipmentError):
    """The shipment has not left yet: its waybill (number, PDF, e-İrsaliye) is issued when it moves to shipped."""

    code = "shipping.waybill_not_issued"
    conflict = True


# --- Tracking events (issue 14, section 4) -------------------------------------------------------------------------

class TrackingError(DomainError):
    code = "shipping.tracking_error"


class BadTrackingEvent(TrackingError):
    """A tracking event (a carrier's webhook, the ERP's API) that is not one: no status or event time, an unknown
    status, a value too long, a NUL character; `field` names which event and field ("events[2].status")."""

    code = "shipping.bad_tracking_event"


class EventNotAssignable(TrackingError):
    """Staff assign only an unmatched event, to a shipment of its carrier."""

    code = "shipping.event_not_assignable"
    conflict = True


# --- Short-shipping, parcels and the ERP's shipments (issue 14, section 2) -----------------------------------------

class NoteMissing(ShipmentError):
    """Cancelling the rest of an order (short-shipping) says why: the dealer reads it."""

    code = "shipping.note_missing"


class ParcelsClosed(ShipmentError):
    """Parcels are added only while a shipment is being prepared; once it has left, its parcels are what left."""

    code = "shipping.parcels_closed"
    conflict = True


class UnknownOrder(ShipmentError):
    """The ERP named an order number the portal does not have."""

    code = "shipping.unknown_order"


class UnknownCarrier(ShipmentError):
    """The ERP named a carrier code the portal does not have (or an inactive one, or the own truck's)."""

    code = "shipping.unknown_carrier"


# --- Returns (issue 14, section 7) --------------------------------------------------------------------------------

class ReturnNotApproved(ShipmentError):
    """Only an approved return whose goods are still to come back gets a return shipment."""

    code = "shipping.return_not_approved"
    conflict = True


class ReturnShipmentExists(ShipmentError):
    """The return has a return shipment on its way already (one that came back undelivered does not count)."""

    code = "shipping.return_shipment_exists"
    conflict = True


# --- Invoices of returned shipments ---------------------------------------------------------------------------------

class ReturnedNotReissued(ShipmentError):
    """A shipment that came back undelivered gave its invoice back: its goods are invoiced on the shipment that carries
    them next, so that invoice is not reissued."""

    code = "shipping.returned_not_reissued"
    conflict = True
