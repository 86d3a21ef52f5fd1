"""Moving an order from its admin page in a real Chromium: staff see "Placed" and the moves it allows, confirm it with
an internal note the dealer never reads, then move it on with a note shown to the dealer, which the dealer reads on
its order page."""
import pytest

from dealers.models import Role
from dealers.testing import PASSWORD, DealerFactory, DealerUserFactory, StaffFactory
from orders.services import ordering
from orders.testing import actor_of, priced, with_addresses
from portal.testing import log_in
from pricing.testing import PriceListFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

INTERNAL = "Customer still owes the pallet deposit"
SHOWN = "Packed and waiting for the carrier"


def _log_in_to_admin(page, base, user):
    page.goto(base + "/admin/login/")
    page.fill("#id_username", user.email)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(base + "/admin/")


def _move(page, button, note, who):
    page.locator("#status-moves a", has_text=button).click()
    page.wait_for_load_state()
    page.fill("#id_note", note)
    page.get_by_label(who).check()
    page.locator(".submit-row input[type=submit]").click()
    page.wait_for_load_state()


def test_staff_move_an_order_with_an_internal_then_a_shown_note(live_server, page, browser):
    dealer = DealerFactory()
    owner = DealerUserFactory(dealer=dealer, role=Role.OWNER, email="owner@moves.example.com")
    panel = priced(PriceListFactory(kind="market"), "7640.94", sku="LED-600", name="LED panel 60x60")
    with_addresses(dealer)
    order = ordering.place_order(actor=actor_of(owner), lines=[(panel, 1)], checkout=ordering.Checkout())
    staff = StaffFactory(email="ayse@portal.example.com", first_name="Ayşe", last_name="Yılmaz")
    base = live_server.url

    _log_in_to_admin(page, base, staff)
    page.goto(f"{base}/admin/orders/order/{order.pk}/change/")
    panel = page.locator("#status-moves")
    assert page.inner_text("#status-moves .status-current") == "Placed"
    buttons = [text.strip() for text in panel.locator("a.status-move").all_inner_texts()]
    assert buttons == ["Confirm", "Start processing", "Cancel the order"]
    assert "7,640.94 TRY" in page.inner_text(".field-net_total")

    _move(page, "Confirm", INTERNAL, "Internal: staff only, never shown to the dealer")
    assert f"{order.number} is now “Confirmed”." in page.inner_text("ul.messagelist")
    assert page.inner_text("#status-moves .status-current") == "Confirmed"
    history = page.inner_text("#history-group")
    assert "Placed → Confirmed" in history and "by Ayşe Yılmaz" in history and INTERNAL in history

    dealer_page = browser.new_context(locale="en-US").new_page()
    log_in(dealer_page, base, owner.email, PASSWORD, dealer.code)
    dealer_page.goto(f"{base}/orders/{order.number}/")
    assert "Confirmed" in dealer_page.inner_text("#order-history")
    assert INTERNAL not in dealer_page.inner_text("body")

    _move(page, "Start processing", SHOWN, "Shown to the dealer (order page, e-mail and API)")
    assert page.inner_text("#status-moves .status-current") == "Processing"

    dealer_page.reload()
    history = dealer_page.inner_text("#order-history")
    assert SHOWN in history and "Processing" in history
    assert INTERNAL not in dealer_page.inner_text("body")
    dealer_page.context.close()
