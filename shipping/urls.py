"""URLs of shipping (mounted at /shipping/)."""
from django.urls import path

from .views import documents as document_views
from .views import methods as method_views
from .views import shipments as shipment_views
from .views import webhooks as webhook_views

app_name = "shipping"
urlpatterns = [
    # The dealer's shipping methods, rates, lead times and insurance cover (section 1).
    path("methods/", method_views.methods, name="methods"),
    # The dealer's shipments, a shipment's page, its delivery report and photos (section 5).
    path("shipments/", shipment_views.shipment_list, name="shipments"),
    path("shipments/<str:number>/", shipment_views.shipment_detail, name="shipment"),
    path("shipments/<str:number>/received/", shipment_views.delivery_report, name="delivery_report"),
    path("photos/<int:pk>/", shipment_views.delivery_photo, name="delivery_photo"),
    # A shipment's waybill PDF and e-İrsaliye XML (section 3).
    path("shipments/<str:number>/waybill/", document_views.waybill, name="waybill"),
    path("shipments/<str:number>/e-irsaliye.xml", document_views.despatch_xml, name="despatch_xml"),
    # Carriers' signed tracking webhook (section 4).
    path("webhooks/<slug:carrier>/", webhook_views.webhook, name="webhook"),
]
