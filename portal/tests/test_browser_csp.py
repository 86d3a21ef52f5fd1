"""The portal's Content-Security-Policy in a real Chromium, on the demo data: a dealer and a staff user go through
the main pages and their interactive parts (htmx add to cart and quantity change, the product gallery, checkout,
the language switch, the admin's status moves and widgets, Swagger UI) with not one policy violation and no
console error; a script injected into a page does not run."""
import os
import re

import pytest
from django.core.management import call_command
from django.utils import translation
from playwright.sync_api import expect

from catalog.models import Product
from orders.models import Order, OrderStatus
from payments.models import Invoice
from portal.demo import DEMO_PASSWORD as PASSWORD
from pricing.models import Quote

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LISTEN = """
window.__csp = [];
document.addEventListener('securitypolicyviolation',
  e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile + ':' + e.lineNumber));
"""


class Watch:
    """Every document the page loads must carry the policy; violations and console errors are collected."""

    def __init__(self, page):
        self.page = page
        self.problems = []
        self.documents = 0
        page.add_init_script(LISTEN)
        page.on("console", lambda msg: msg.type == "error" and self.problems.append(
            f"console on {page.url}: {msg.text}"))
        page.on("pageerror", lambda error: self.problems.append(f"script error on {page.url}: {error}"))
        page.on("response", self._response)

    def _response(self, response):
        if response.request.resource_type == "document":
            self.documents += 1
            if "content-security-policy" not in response.headers:
                self.problems.append(f"no Content-Security-Policy on {response.url}")

    def check(self):
        """Violations of the page now shown (call before leaving it)."""
        self.page.wait_for_load_state()
        for entry in self.page.evaluate("window.__csp || []"):
            self.problems.append(f"violation on {self.page.url}: {entry}")

    def goto(self, url):
        self.check()
        response = self.page.goto(url)
        assert response.status < 400, (url, response.status)
        self.page.wait_for_load_state()
        return response

    def assert_clean(self):
        self.check()
        assert self.documents > 0
        assert self.problems == []


def _demo():
    with open(os.devnull, "w") as quiet:
        call_command("load_demo_data", stdout=quiet)


def _injected_script_is_blocked(url, context):
    """An injected handler attribute and an injected <script> are refused (two violations) and do not run
    (in a page of its own: its violations and console errors are the expected ones)."""
    page = context.new_page()
    page.add_init_script(LISTEN)
    page.goto(url)
    ran = page.evaluate("""() => new Promise(resolve => {
        const settle = () => setTimeout(() => {
            if (window.__csp.length >= 2 || (window.__pwned && window.__pwned2)) {
                resolve([window.__pwned || 0, window.__pwned2 || 0]);
            }
        });
        document.addEventListener('securitypolicyviolation', settle);
        document.body.insertAdjacentHTML('beforeend', '<img id="probe" src="data:," onerror="window.__pwned = 1">');
        document.getElementById('probe').addEventListener('error', settle);
        const script = document.createElement('script');
        script.textContent = 'window.__pwned2 = 1';
        document.body.appendChild(script);
    })""")
    assert ran == [0, 0]
    page.close()


def test_dealer_pages_work_under_the_policy(live_server, page):
    _demo()
    base = live_server.url
    watch = Watch(page)

    _injected_script_is_blocked(base + "/", page.context)
    watch.goto(base + "/")
    watch.goto(base + "/accounts/login/")
    page.fill("#id_login", "owner@kaya36.example.com")
    page.fill("#id_password", PASSWORD)
    page.fill("#id_dealer_code", "KAYA36")
    page.click("#login-form button[type=submit]")
    page.wait_for_url(re.compile(r"/account/"))
    watch.check()

    # Catalog in its three views; the grid adds to the cart by htmx and the header's count follows.
    watch.goto(base + "/catalog/")
    page.click(".view-toggle a[data-view=grid]")
    page.wait_for_load_state()
    count_before = int(page.inner_text("#nav-cart .cart-count"))
    card = page.locator("form.card-add:has(button:not([disabled]))").first
    card.locator("button[type=submit]").click()
    expect(page.locator("#nav-cart .cart-count")).to_have_text(str(count_before + 1))
    assert page.url.endswith("/catalog/") or "view=grid" in page.url  # htmx: the page itself stayed
    watch.check()
    page.click(".view-toggle a[data-view=list]")
    page.wait_for_load_state()
    watch.check()
    page.click(".view-toggle a[data-view=dense]")
    page.wait_for_load_state()
    watch.check()

    # The product page's gallery: a thumbnail shows its picture in the large frame.
    product = next(p for p in Product.objects.filter(images__isnull=False).distinct() if p.images.count() > 1)
    watch.goto(f"{base}/catalog/p/{product.sku}/")
    first = page.get_attribute("#gallery-main", "src")
    second_link = page.locator(".gallery-thumbs a").nth(1)
    second = second_link.get_attribute("href")
    assert first != second
    second_link.click()
    assert page.get_attribute("#gallery-main", "src").endswith(second)
    assert page.url.endswith(f"/catalog/p/{product.sku}/")  # stayed on the page
    watch.check()

    # Cart: a new quantity is saved by htmx and the total follows.
    watch.goto(base + "/orders/cart/")
    cart_before = page.inner_text("#cart-body")
    quantity = page.locator("#cart-body form.qty-form input[name=quantity]").first
    quantity.fill(str(int(float(quantity.input_value())) + 3))
    quantity.dispatch_event("change")
    expect(page.locator("#cart-body")).not_to_have_text(cart_before)
    watch.check()

    watch.goto(base + "/orders/cart/quick/")
    page.fill("#id_lines", f"{product.sku} 1")
    page.click("#quick-order-form button[type=submit]")
    page.wait_for_load_state()
    watch.check()

    # Checkout, review and the placed order's page.
    orders_before = Order.objects.count()
    watch.goto(base + "/orders/checkout/")
    page.click("#to-review")
    page.wait_for_load_state()
    watch.check()
    page.click("#place-order")
    page.wait_for_url(re.compile(r"/orders/ORD-[^/]+/$"))
    assert Order.objects.count() == orders_before + 1
    assert page.locator("#order-status").is_visible()
    # Cancelling asks first (portal.js reads data-confirm); saying no keeps the order.
    placed = Order.objects.latest("pk")
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.click("#cancel-form button[type=submit]")
    with translation.override(page.get_attribute("html", "lang")):
        assert asked == [translation.gettext("Cancel this order?")]
    assert page.url.endswith(f"/orders/{placed.number}/")
    placed.refresh_from_db()
    assert placed.status != OrderStatus.CANCELLED
    watch.check()

    for path in ["/account/", "/orders/", "/quotes/", "/payments/invoices/", "/payments/statement/",
                 "/account/company/", "/account/addresses/", "/account/users/", "/orders/lists/"]:
        watch.goto(base + path)
    quote = Quote.objects.filter(dealer__code="KAYA36", status="sent").first()
    watch.goto(f"{base}/quotes/{quote.number}/")
    watch.goto(base + "/payments/invoices/")
    invoice = Invoice.objects.filter(dealer__code="KAYA36").first()
    watch.goto(f"{base}/payments/invoices/{invoice.number}/")

    # The language switch submits at once (portal.js, no inline handler).
    watch.goto(base + "/account/")
    choice = "bg" if page.get_attribute("html", "lang") != "bg" else "tr"
    page.select_option("#language-select", choice)
    expect(page.locator("html")).to_have_attribute("lang", choice)
    with translation.override(choice):
        assert page.inner_text("#nav-cart").startswith(translation.gettext("Cart"))
    watch.assert_clean()


def _admin_log_in(page, base):
    page.goto(base + "/admin/login/")
    page.fill("#id_username", "admin@example.com")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(base + "/admin/")


def test_staff_pages_work_under_the_policy(live_server, page):
    _demo()
    base = live_server.url
    watch = Watch(page)
    _admin_log_in(page, base)
    watch.check()

    # An order's admin page: its status panel moves it on.
    order = Order.objects.filter(status=OrderStatus.PLACED).exclude(payment_method="card").first()
    watch.goto(base + "/admin/orders/order/")
    watch.goto(f"{base}/admin/orders/order/{order.pk}/change/")
    page.locator("#status-moves a", has_text="Confirm").first.click()
    page.wait_for_load_state()
    watch.check()
    page.fill("#id_note", "Checked under the policy")
    page.get_by_label("Internal: staff only, never shown to the dealer").check()
    page.locator(".submit-row input[type=submit]").click()
    page.wait_for_load_state()
    assert page.inner_text("#status-moves .status-current") == "Confirmed"
    watch.check()

    # Changelists with actions, a change form with autocomplete and date widgets.
    for path in ["/admin/dealers/dealer/", "/admin/catalog/product/", "/admin/catalog/category/",
                 "/admin/pricing/pricelist/", "/admin/pricing/campaign/", "/admin/payments/invoice/",
                 "/admin/pricing/pricelist/price-as-dealer/",
                 "/admin/portal/document/"]:
        watch.goto(base + path)
    watch.goto(base + "/admin/pricing/campaign/add/")
    page.locator(".datetimeshortcuts a[id^=calendarlink]").first.click()
    assert page.locator(".calendarbox").first.is_visible()
    watch.check()
    watch.goto(base + "/admin/catalog/product/add/")
    page.locator(".field-category .select2-selection").click()
    page.locator(".select2-search__field").first.fill("a")
    page.locator(".select2-results__option").first.wait_for()
    watch.check()

    watch.goto(base + "/quotes/work/")
    quote = Quote.objects.filter(status="requested").first()
    watch.goto(f"{base}/quotes/{quote.number}/edit/")
    watch.goto(base + "/catalog/import/")

    # Swagger UI renders the API from its own files.
    watch.goto(base + "/api/docs/")
    page.locator(".swagger-ui .info .title").wait_for()
    assert "Dealer Portal API" in page.inner_text(".swagger-ui .info .title")
    page.locator(".opblock").first.wait_for()
    watch.assert_clean()
