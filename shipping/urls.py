"""URLs of shipping."""
app_name = "shipping"
urlpatterns: list = []


# A shipment's waybill PDF and e-İrsaliye XML (views/documents.py, issue 14 section 3).
from django.urls import path  # noqa: E402

from .views import documents as document_views  # noqa: E402

urlpatterns += [
    path("shipments/<str:number>/waybill/", document_views.waybill, name="waybill"),
    path("shipments/<str:number>/e-irsaliye.xml", document_views.despatch_xml, name="despatch_xml"),
]
# Carriers' signed tracking webhook (views/webhooks.py, issue 14 section 4).
from django.urls import path  # noqa: E402

from .views import webhooks as webhook_views  # noqa: E402

urlpatterns += [
    path("webhooks/<slug:carrier>/", webhook_views.webhook, name="webhook"),
]

# The dealer's shipments, a shipment's page, its delivery report and photos (views/shipments.py, issue 14 section 5).
from django.urls import path  # noqa: E402

from .views import shipments as shipment_views  # noqa: E402

urlpatterns += [
    path("shipments/", shipment_views.shipment_list, name="shipments"),
    path("shipments/<str:number>/", shipment_views.shipment_detail, name="shipment"),
    path("shipments/<str:number>/received/", shipment_views.delivery_report, name="delivery_report"),
    path("photos/<int:pk>/", shipment_views.delivery_photo, name="delivery_photo"),
]

# The dealer's shipping methods, rates, lead times and insurance cover (views/methods.py, issue 14 section 1).
from django.urls import path  # noqa: E402

from .views import methods as method_views  # noqa: E402

urlpatterns += [
    path("methods/", method_views.methods, name="methods"),
]
