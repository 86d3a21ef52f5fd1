"""A return with a photo in a real Chromium: the dealer asks to return a delivered line with a PNG photo, is told the
return is requested and sees the photo on its order page; staff see the same photo on the return's admin page. The
photo is served by the permission-checked download view (media/private/ is never served as a static file)."""

import pytest
from PIL import Image

from dealers.models import Role
from dealers.testing import PASSWORD, DealerFactory, DealerUserFactory, StaffFactory
from orders.models import OrderStatus, ReturnRequest
from orders.services import changes, ordering
from orders.testing import actor_of, priced, with_addresses
from portal.testing import log_in
from pricing.testing import PriceListFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _png(path):
    Image.new("RGB", (40, 30), (20, 120, 200)).save(path, format="PNG")
    return path


def _shown(page, selector):
    """The image has loaded in the page (a broken link has no natural width)."""
    image = page.locator(selector).first
    image.wait_for()
    page.wait_for_function("img => img.complete", arg=image.element_handle())
    return image.evaluate("img => img.naturalWidth")


def test_dealer_returns_a_line_with_a_photo_and_staff_see_it_in_the_admin(live_server, page, tmp_path):
    dealer = with_addresses(DealerFactory())
    owner = DealerUserFactory(dealer=dealer, role=Role.OWNER, email="owner@returns.example.com")
    panel = priced(PriceListFactory(kind="market"), "100.00", sku="LED-600", name="LED panel 60x60",
                   stock_quantity=20)
    order = ordering.place_order(actor=actor_of(owner), lines=[(panel, 3)], checkout=ordering.Checkout())
    staff = StaffFactory(email="staff@returns.example.com")
    for status in (OrderStatus.CONFIRMED, OrderStatus.SHIPPED, OrderStatus.DELIVERED):
        order = changes.set_status(actor=staff, order=order, status=status)
    base = live_server.url

    log_in(page, base, owner.email, PASSWORD, dealer.code)
    page.goto(base + order.get_absolute_url())
    page.locator("a.button", has_text="Return").first.click()
    page.wait_for_load_state()
    page.fill("#id_quantity", "1")
    page.fill("#id_reason", "The glass arrived cracked")
    page.set_input_files("#id_photos", str(_png(tmp_path / "cracked.png")))
    page.click("#return-form button[type=submit]")
    page.wait_for_load_state()

    body = page.locator("body").inner_text()
    assert "No file was submitted" not in body
    rma = ReturnRequest.objects.get()
    assert f"Return {rma.number} is requested" in body
    assert "/media/" not in page.content()
    assert _shown(page, "#returns img[alt='Photo 1']") == 40

    page.context.clear_cookies()
    page.goto(base + "/admin/login/")
    page.fill("#id_username", staff.email)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(base + "/admin/")
    page.goto(f"{base}/admin/orders/returnrequest/{rma.pk}/change/")
    assert "/media/private/" not in page.content()
    assert _shown(page, "a.return-photo img") == 40
