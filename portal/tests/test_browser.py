"""The home page in a real Chromium: a visitor switches to Türkçe and reads Turkish."""
import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_visitor_switches_home_page_to_turkish(live_server, page):
    page.goto(live_server.url + "/")
    assert "The dealer portal of" in page.locator("h1").inner_text()
    page.select_option("#language-select", "tr")
    page.wait_for_load_state("load")
    page.locator("h1", has_text="bayi portalı").wait_for()
    assert page.locator("html").get_attribute("lang") == "tr"
    assert page.get_by_role("link", name="Bayi olarak başvurun").first.is_visible()
    # The choice persists: a new visit is still in Turkish.
    page.goto(live_server.url + "/")
    assert "bayi portalı" in page.locator("h1").inner_text()


def test_home_page_is_usable_at_phone_width(live_server, browser):
    context = browser.new_context(viewport={"width": 375, "height": 740})
    pg = context.new_page()
    pg.goto(live_server.url + "/")
    assert not pg.locator(".main-nav").is_visible()  # collapsed behind the menu button
    pg.locator(".nav-toggle-label").click()
    assert pg.locator(".main-nav").is_visible()
    width = pg.evaluate("document.documentElement.scrollWidth")
    assert width <= 375  # nothing overflows sideways
    context.close()
