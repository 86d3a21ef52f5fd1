"""Root URLs."""
from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _
from django.views.static import serve as static_serve
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import views

admin.site.site_header = _("Dealer Portal administration")
admin.site.site_title = _("Dealer Portal admin")
admin.site.index_title = _("Administration")

urlpatterns = [
    path("", views.home, name="home"),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("documents/<str:token>/download/", views.download_document, name="document_download"),
    path("healthz/", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Swagger UI with its start script served as a file (no inline script); its page alone may use inline styles.
    path("api/docs/", csp_update({"style-src": [UNSAFE_INLINE]})(
        SpectacularSwaggerSplitView.as_view(url_name="api-schema")), name="api-docs"),
    path("api/v1/", include("portal.api_urls")),
    path("", include("dealers.urls")),
    # Product pictures are public to every visitor of a product page; private files (dealer documents,
    # PDFs) live under media/private/ and are served only by views that check who asks.
    # Pictures only, by their stored (detected) extension: nothing under media/ is ever served as a page.
    re_path(r"^media/(?P<path>products/[\w-]+\.(?:jpg|jpeg|png|webp|gif))$", static_serve,
            {"document_root": settings.MEDIA_ROOT}),
    path("catalog/import/", include("catalog.import_urls")),
    path("catalog/", include("catalog.urls")),
    path("pricing/", include("pricing.urls")),
    path("quotes/", include("pricing.quote_urls")),
    path("orders/", include("orders.urls")),
    path("payments/", include("payments.urls")),
    path("shipping/", include("shipping.urls")),
    path("support/", include("support.urls")),
    path("feedback/", include("feedback.urls")),
]
