"""Every HTML page the portal serves carries one Content-Security-Policy, with DEBUG on and off: scripts, styles,
images and forms only from the portal itself, no plugins, never framed. An injected <script> or on*= handler
would not run in a browser honouring it (the Chromium proof is test_browser_csp.py)."""
import pytest

from dealers.models import Role
from dealers.testing import DealerFactory, DealerUserFactory, StaffFactory

pytestmark = pytest.mark.django_db

WANTED = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
}


def policy_of(response) -> dict:
    header = response.headers.get("Content-Security-Policy")
    assert header, f"{response.request['PATH_INFO']} ({response.status_code}) has no Content-Security-Policy"
    directives = {}
    for part in header.split(";"):
        name, _, value = part.strip().partition(" ")
        directives[name] = value
    return directives


def assert_portal_policy(response):
    directives = policy_of(response)
    for name, value in WANTED.items():
        assert directives.get(name) == value, (response.request["PATH_INFO"], name, directives.get(name))
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert "unsafe-eval" not in response.headers["Content-Security-Policy"]


@pytest.fixture(params=[False, True], ids=["debug-off", "debug-on"])
def debug(request, settings):
    settings.DEBUG = request.param
    return request.param


def test_public_pages_carry_the_policy(client, debug):
    for path in ["/", "/accounts/login/", "/dealers/apply/", "/accounts/password/reset/", "/admin/login/"]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert response["Content-Type"].startswith("text/html")
        assert_portal_policy(response)


def test_dealer_pages_carry_the_policy(client, debug):
    owner = DealerUserFactory(dealer=DealerFactory(), role=Role.OWNER)
    client.force_login(owner)
    for path in ["/account/", "/catalog/", "/catalog/?view=list", "/orders/cart/", "/orders/cart/quick/",
                 "/orders/", "/quotes/", "/payments/invoices/", "/payments/statement/", "/account/company/",
                 "/account/addresses/", "/account/users/"]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert_portal_policy(response)
    # An htmx fragment is HTML too.
    response = client.get("/orders/cart/", HTTP_HX_REQUEST="true")
    assert_portal_policy(response)


def test_staff_pages_carry_the_policy(client, debug):
    client.force_login(StaffFactory())
    for path in ["/admin/", "/admin/orders/order/", "/admin/pricing/pricelist/", "/catalog/import/"]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert_portal_policy(response)


def test_api_docs_allow_only_inline_styles_for_swagger_ui(client, debug):
    client.force_login(StaffFactory())
    response = client.get("/api/docs/")
    assert response.status_code == 200
    directives = policy_of(response)
    # Swagger UI's own page: scripts still only from the portal (no inline script), styles may be inline.
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self' 'unsafe-inline'"
    assert directives["frame-ancestors"] == "'none'"
    assert "<script>" not in response.content.decode()
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()


def test_error_pages_carry_the_policy_when_debug_is_off(client, settings):
    settings.DEBUG = False
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert_portal_policy(response)
