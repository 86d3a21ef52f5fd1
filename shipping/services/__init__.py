"""Every rule of shipping. rates.py prices shipping (`quote_shipping`, `available_methods`); see its doc for what a
charge is made of and which rate rule wins. shipments.py ships orders (`create_shipment`, `move_shipment`) and moves
the order along with its shipments."""
from .delivery import Problem, check_photos, is_reportable, report_delivery
from .despatch import despatch_advice_xml, despatch_filename, despatch_id, despatch_uuid
from .invoicing import follow_reissued_invoice, invoice_on_shipment_moved, invoice_shipment, invoiced_by_parts
from .notices import notice_recipients, notify_dealer_of_move
from .rates import (
    ShipLine,
    ShippingQuote,
    as_ship_lines,
    available_methods,
    insurance_premium,
    insurance_terms,
    methods_for,
    quote_shipping,
    rules_for,
    total_weight,
)
from .returns import (
    ReturnInstructions,
    create_return_shipment,
    open_return_shipment,
    return_carrier,
    return_instructions,
    why_no_return_shipment,
)
from .shipments import (
    LineProgress,
    Truck,
    add_parcels,
    create_shipment,
    line_progress,
    move_shipment,
    normalise_plate,
    not_shippable_reason,
    shipped_quantities,
    short_ship,
    truck_fields,
    unshipped_quantities,
    valid_national_id,
)
from .tracking import (
    apply_event,
    apply_events,
    apply_pending_events,
    assign_event,
    forward_steps,
    match_shipment,
    new_webhook_secret,
    parse_events,
    receive_events,
    rotate_webhook_secret,
    sign,
    webhook_url,
)
from .waybill import WAYBILL_PDF, issue_waybill, ready_waybill, waybill_context, waybill_document, waybill_language

__all__ = ["ShipLine", "ShippingQuote", "Truck", "as_ship_lines", "available_methods", "create_shipment",
           "methods_for", "move_shipment", "normalise_plate", "quote_shipping", "shipped_quantities", "total_weight",
           "truck_fields", "unshipped_quantities", "valid_national_id"]
__all__ += ["WAYBILL_PDF", "issue_waybill", "ready_waybill", "waybill_context", "waybill_document", "waybill_language"]
__all__ += ["Problem", "check_photos", "is_reportable", "report_delivery"]
__all__ += ["despatch_advice_xml", "despatch_filename", "despatch_id", "despatch_uuid"]
__all__ += ["LineProgress", "add_parcels", "line_progress", "not_shippable_reason", "short_ship"]
__all__ += ["apply_event", "apply_events", "apply_pending_events", "assign_event", "forward_steps", "match_shipment",
            "new_webhook_secret", "notice_recipients", "notify_dealer_of_move", "parse_events", "receive_events",
            "rotate_webhook_secret", "sign", "webhook_url"]
__all__ += ["follow_reissued_invoice", "invoice_on_shipment_moved", "invoice_shipment", "invoiced_by_parts"]
__all__ += ["insurance_premium", "insurance_terms", "rules_for"]
__all__ += ["ReturnInstructions", "create_return_shipment", "open_return_shipment", "return_carrier",
            "return_instructions", "why_no_return_shipment"]
