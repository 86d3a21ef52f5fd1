"""The REST API, version 1: every app's endpoints under /api/v1/."""
from django.urls import include, path
from rest_framework.routers import SimpleRouter

from catalog import api as catalog_api
from dealers import api as dealers_api
from feedback.api import exports as feedback_exports_api
from feedback.api import nps as feedback_nps_api
from feedback.api import reviews as feedback_reviews_api
from orders import api as orders_api
from payments import api as payments_api
from payments.api_credit import CreditStatusView
from pricing import api as pricing_api
from pricing import quote_api
from shipping import api as shipping_api
from shipping.api import dealer as shipping_dealer_api
from shipping.api import documents as shipping_documents_api
from shipping.api import erp as shipping_erp_api
from shipping.api import tracking as shipping_tracking_api
from support.api import faq as support_faq_api
from support.api import tickets as support_tickets_api

app_name = "api"

router = SimpleRouter(use_regex_path=False)  # path converters: `{id}` is an integer in the schema
router.register("dealers", dealers_api.DealerViewSet, basename="dealers")
router.register("me/addresses", dealers_api.AddressViewSet, basename="me-addresses")
router.register("me/users", dealers_api.DealerUserViewSet, basename="me-users")
router.register("me/lists", orders_api.SavedListViewSet, basename="me-lists")

urlpatterns = [
    path("me/company/", dealers_api.CompanyView.as_view(), name="me-company"),
    path("me/credit/", CreditStatusView.as_view(), name="me-credit"),
    path("me/invoices/", payments_api.InvoiceListView.as_view(), name="me-invoices"),
    path("me/invoices/<str:number>/", payments_api.InvoiceDetailView.as_view(), name="me-invoice"),
    path("me/statement/", payments_api.StatementView.as_view(), name="me-statement"),
    path("payments/", payments_api.PaymentsView.as_view(), name="payments"),
    path("payments/<str:number>/allocations/", payments_api.PaymentAllocationsView.as_view(),
         name="payment-allocations"),
    path("me/orders/", orders_api.OrdersView.as_view(), name="me-orders"),
    path("me/payment-options/", orders_api.PaymentOptionsView.as_view(), name="me-payment-options"),
    path("me/orders/<str:number>/", orders_api.OrderView.as_view(), name="me-order"),
    path("me/orders/<str:number>/returns/", orders_api.OrderReturnsView.as_view(), name="me-order-returns"),
    *[path(f"me/orders/<str:number>/{action}/", orders_api.OrderActionView.as_view(), {"action": action},
           name=f"me-order-{action}") for action in ("approve", "reject", "cancel", "change")],
    path("me/cart/", orders_api.CartView.as_view(), name="me-cart"),
    path("me/cart/lines/", orders_api.CartLinesView.as_view(), name="me-cart-lines"),
    path("me/cart/lines/<int:pk>/", orders_api.CartLineView.as_view(), name="me-cart-line"),
    path("me/cart/quick-order/", orders_api.QuickOrderView.as_view(), name="me-cart-quick-order"),
    path("me/cart/save-as-list/", orders_api.SaveCartAsListView.as_view(), name="me-cart-save-as-list"),
    path("me/lists/<int:pk>/lines/<int:line_pk>/", orders_api.SavedListLineView.as_view(), name="me-list-line"),
    path("me/shipping/quote/", shipping_api.ShippingQuoteView.as_view(), name="me-shipping-quote"),
    path("shipments/", shipping_erp_api.ErpShipmentsView.as_view(), name="shipments"),
    path("shipments/<str:number>/parcels/", shipping_erp_api.ErpShipmentParcelsView.as_view(),
         name="shipment-parcels"),
    path("me/shipments/", shipping_dealer_api.ShipmentListView.as_view(), name="me-shipments"),
    path("me/shipments/<str:number>/", shipping_dealer_api.ShipmentDetailView.as_view(), name="me-shipment"),
    path("me/shipments/<str:number>/events/", shipping_dealer_api.ShipmentEventsView.as_view(),
         name="me-shipment-events"),
    path("me/shipments/<str:number>/delivery/", shipping_dealer_api.DeliveryReportView.as_view(),
         name="me-shipment-delivery"),
    path("shipments/<str:number>/events/", shipping_tracking_api.ShipmentEventsView.as_view(),
         name="shipment-events"),
    path("me/quotes/", quote_api.QuoteListView.as_view(), name="me-quotes"),
    path("me/quotes/<str:number>/", quote_api.QuoteDetailView.as_view(), name="me-quote"),
    path("me/quotes/<str:number>/accept/", quote_api.QuoteAcceptView.as_view(), name="me-quote-accept"),
    path("me/quotes/<str:number>/reject/", quote_api.QuoteRejectView.as_view(), name="me-quote-reject"),
    path("me/shipments/<str:number>/waybill/", shipping_documents_api.DealerWaybillView.as_view(),
         name="me-shipment-waybill"),
    path("shipments/<str:number>/e-irsaliye/", shipping_documents_api.DespatchAdviceView.as_view(),
         name="shipment-despatch-advice"),
    *router.urls,
    path("", include("catalog.api_bulk")),
    path("categories/", catalog_api.CategoryListView.as_view(), name="categories"),
    path("products/", catalog_api.ProductListView.as_view(), name="products"),
    path("products/<str:sku>/", catalog_api.ProductDetailView.as_view(), name="product"),
    path("prices/calculate/", pricing_api.PriceCalculatorView.as_view(), name="price-calculator"),
    path("nps/<str:token>/", feedback_nps_api.NpsAnswerView.as_view(), name="nps-answer"),
    path("faq/", support_faq_api.FaqListView.as_view(), name="faq"),
    path("faq/<slug:slug>/", support_faq_api.FaqDetailView.as_view(), name="faq-article"),
    path("me/tickets/", support_tickets_api.TicketListView.as_view(), name="me-tickets"),
    path("me/tickets/<str:number>/", support_tickets_api.TicketDetailView.as_view(), name="me-ticket"),
    path("me/tickets/<str:number>/reply/", support_tickets_api.TicketReplyView.as_view(), name="me-ticket-reply"),
    path("me/tickets/<str:number>/close/", support_tickets_api.TicketCloseView.as_view(), name="me-ticket-close"),
    path("me/tickets/<str:number>/rate/", support_tickets_api.TicketRateView.as_view(), name="me-ticket-rate"),
    path("feedback/responses/", feedback_exports_api.ResponseListView.as_view(), name="feedback-responses"),
    path("feedback/summary/", feedback_exports_api.SummaryView.as_view(), name="feedback-summary"),
    path("me/reviews/", feedback_reviews_api.MyReviewListView.as_view(), name="me-reviews"),
    path("me/reviews/<int:pk>/", feedback_reviews_api.MyReviewDetailView.as_view(), name="me-review"),
    path("products/<int:product_id>/reviews/", feedback_reviews_api.ProductReviewsView.as_view(),
         name="product-reviews"),
]
