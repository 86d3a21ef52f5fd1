"""Every write and every rule of orders, one module per part of the stage: the cart (cart.py, lines.py), quick order
(quick_order.py), saved lists (saved_lists.py), placing and approving orders (ordering.py), staff moves and the
dealer's changes and cancellations (changes.py), returns (returns.py), payment choices (payment_options.py), orders
from quotes (quote_orders.py); what several share is in shared.py. Pages, API, admin and tasks call the functions
this facade exports; the modules import no other module's private names."""
from .cart import (
    add_checked_lines_to_cart_unchecked,
    add_lines_to_cart,
    add_to_cart,
    clear_cart,
    remove_cart_line,
    set_cart_line_quantity,
)
from .changes import cancel_order, change_order_quantities, set_status, staff_moves
from .lines import AddedLine, CheckedLine, LineProblem, check_lines, check_quantity, require_cart
from .ordering import (
    Checkout,
    FixedPrice,
    approve_order,
    checkout_cart,
    checkout_cart_or_find,
    describe_billing,
    describe_shipping,
    lock_order,
    place_order,
    place_order_or_find,
    placed_parts,
    reject_order,
    shipping_address_of,
    shipping_charge,
    shipping_method_label,
    shipping_method_name,
    shipping_options,
)
from .payment_options import PaymentOption, card_enabled, check_choice, parse_choice, payment_options
from .quick_order import (
    QuickOrderResult,
    add_quick_order,
    add_quick_order_to_list,
    read_lines,
    resolve_lines,
)
from .quote_orders import order_from_quote, request_quote_from_cart
from .returns import approve_return, receive_return, reject_return, request_return, returnable_quantity
from .saved_lists import (
    add_lines_to_list,
    add_list_to_cart,
    create_saved_list,
    delete_saved_list,
    remove_list_line,
    rename_saved_list,
    save_cart_as_list,
    set_list_line_quantity,
)
from .short_shipping import cancel_rest

__all__ = [
    # the cart
    "AddedLine", "CheckedLine", "LineProblem", "add_checked_lines_to_cart_unchecked", "add_lines_to_cart",
    "add_to_cart", "check_lines", "check_quantity", "clear_cart", "remove_cart_line", "require_cart",
    "set_cart_line_quantity",
    # quick order and saved lists
    "QuickOrderResult", "add_lines_to_list", "add_list_to_cart", "add_quick_order", "add_quick_order_to_list",
    "create_saved_list", "delete_saved_list", "read_lines", "remove_list_line", "rename_saved_list", "resolve_lines",
    "save_cart_as_list", "set_list_line_quantity",
    # placing, approving, moving and changing orders
    "Checkout", "FixedPrice", "approve_order", "cancel_order", "change_order_quantities", "checkout_cart",
    "checkout_cart_or_find", "describe_billing", "describe_shipping", "lock_order", "place_order",
    "place_order_or_find", "placed_parts", "reject_order", "set_status", "shipping_address_of", "shipping_charge",
    "shipping_method_label", "shipping_method_name", "shipping_options", "staff_moves",
    # payment choices, quotes, returns
    "PaymentOption", "approve_return", "cancel_rest", "card_enabled", "check_choice", "order_from_quote", "parse_choice",
    "payment_options", "reject_return", "request_quote_from_cart", "request_return", "returnable_quantity",
]
__all__ += ["receive_return"]
