"""The root conftest's browser log-in: a dealer user with its code and a staff user without one."""
import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_browser_log_in_signs_in_a_dealer_user_and_staff(browser_log_in, owner, staff, live_server):
    page = browser_log_in(owner)
    assert page.url.endswith("/account/")  # the dealer's own start page
    assert "Log out" in page.inner_text("header") and "Cart" in page.inner_text("header")
    page.context.clear_cookies()
    page = browser_log_in(staff)
    assert "/accounts/login/" not in page.url and "Log out" in page.inner_text("header")
