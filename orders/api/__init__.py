"""REST API of orders: a dealer user's (or acting agent's) cart, quick order and saved lists under /api/v1/me/.

Every view: input serializer → service → output serializer. A DomainError raised by a service becomes 400/409 JSON
in portal.errors.api_exception_handler; querysets are scoped so another dealer's list answers 404.
"""
from .cart import CartLinesView, CartLineView, CartView, QuickOrderView, SaveCartAsListView
from .lists import SavedListLineView, SavedListViewSet

__all__ = ["CartLineView", "CartLinesView", "CartView", "QuickOrderView", "SaveCartAsListView", "SavedListLineView",
           "SavedListViewSet"]
from .orders import OrderActionView, OrderReturnsView, OrdersView, OrderView, PaymentOptionsView  # noqa: E402

__all__ += ["OrderActionView", "OrderReturnsView", "OrdersView", "OrderView", "PaymentOptionsView"]
