"""Tables of orders, one module per part of the stage: carts and saved lists (cart.py); orders, their history,
sub-statuses and returns (order.py)."""
from .cart import Cart, CartLine, CartLineQuerySet, SavedList, SavedListLine, SavedListQuerySet  # noqa: F401

__all__ = ["Cart", "CartLine", "CartLineQuerySet", "SavedList", "SavedListLine", "SavedListQuerySet"]
from .order import (  # noqa: E402,F401
    CHANGEABLE,
    HOLDS_STOCK,
    ORDER,
    RETURN,
    RETURN_TRANSITIONS,
    TRANSITIONS,
    Order,
    OrderLine,
    OrderStatus,
    OrderStatusChange,
    PaymentMethod,
    ReturnPhoto,
    ReturnRequest,
    ReturnStatus,
    ReturnStatusChange,
    ShippingMethod,
    SubStatus,
)

__all__ += ["CHANGEABLE", "HOLDS_STOCK", "ORDER", "RETURN", "RETURN_TRANSITIONS", "TRANSITIONS", "Order", "OrderLine", "OrderStatus",
            "OrderStatusChange", "PaymentMethod", "ReturnPhoto", "ReturnRequest", "ReturnStatus", "ReturnStatusChange",
            "ShippingMethod",
            "SubStatus"]
