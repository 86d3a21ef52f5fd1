"""Hook points of shipping: where later stages (support) plug in without shipping importing them.

Declared here:
- `shipping.delivery_reported(report, actor)`: inside the report's transaction (the order, then the shipment locked),
  after the dealer's delivery report, its problem lines and photos are stored (support: "received with problems"
  opens a ticket with its lines and photos).
- `shipping.tracking_event_applied(event, shipment, actor)`: inside the transaction that applied a tracking event
  (the order, then the shipment locked), whatever became of it (applied or kept: an `exception` event never moves a
  shipment), after the moves it made (support: a failed delivery, a return to sender or an exception opens a
  ticket for the dealer's sales agent, once per shipment).

Declared by the lifecycle in shipping.models: `shipping.shipment.guard` / `shipping.shipment.moved`.
"""
from portal import hooks

delivery_reported = hooks.point(
    "shipping.delivery_reported", args=("report", "actor"),
    doc="The dealer reported a shipment's delivery (received, or with problems: lines and photos stored), inside the "
        "transaction.")

tracking_event_applied = hooks.point(
    "shipping.tracking_event_applied", args=("event", "shipment", "actor"),
    doc="A tracking event was applied to (or kept on) its shipment, after the moves it made, inside the transaction.")
