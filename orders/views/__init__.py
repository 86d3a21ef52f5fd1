"""HTML views of orders: parse → service/selector → render; a DomainError becomes a form error or a message."""
from .cart import cart, cart_add, cart_add_many, cart_clear, cart_line, cart_line_remove, cart_save_as_list  # noqa: F401,E501
from .lists import (  # noqa: F401
    list_add_lines,
    list_add_product,
    list_delete,
    list_detail,
    list_line,
    list_line_remove,
    list_picker,
    list_rename,
    list_to_cart,
    lists,
)
from .ordering import (  # noqa: F401
    cart_quote,
    checkout,
    order_again,
    order_approve,
    order_cancel,
    order_change,
    order_detail,
    order_list,
    order_reject,
    order_return,
    return_photo,
)
from .quick_order import quick_order  # noqa: F401
