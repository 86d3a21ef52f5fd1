"""The dealer's admin page shares the status panel of the other admins (current status, one button per allowed move,
outside the change form so a direct move posts on its own) and names its history rows readably."""
import re

import pytest
from django.urls import reverse

from dealers.models import Dealer, DealerStatusChange
from dealers.testing import DealerFactory, StaffFactory

pytestmark = pytest.mark.django_db


# Overrides the root `staff_client`: the staff user is named Ayşe Yılmaz, as the status panel shows.
@pytest.fixture
def staff_client(client):
    client.staff = StaffFactory(first_name="Ayşe", last_name="Yılmaz")
    client.force_login(client.staff)
    return client


def _panel(html):
    panel = html[html.index('id="status-moves"'):]
    return panel[:panel.index("</div>")]


def test_dealer_page_shows_its_status_and_moves_above_the_form(staff_client):
    suspended = DealerFactory(status=Dealer.Status.SUSPENDED)
    html = staff_client.get(reverse("admin:dealers_dealer_change", args=[suspended.pk])).content.decode()
    panel = _panel(html)
    assert "Current status:" in panel and ">Suspended<" in panel
    assert ">Reactivate<" in panel and "Suspend<" not in panel
    # The direct move's own form is not nested in the change form (a nested form would submit the dealer's fields).
    assert html.index('id="status-moves"') < html.index('id="dealer_form"')


def test_dealer_history_rows_read_as_captions(staff_client):
    dealer = DealerFactory()
    DealerStatusChange.objects.create(dealer=dealer, from_status=Dealer.Status.APPLIED,
                                      to_status=Dealer.Status.APPROVED, by=staff_client.staff)
    html = staff_client.get(reverse("admin:dealers_dealer_change", args=[dealer.pk])).content.decode()
    assert "DealerStatusChange object" not in html
    assert re.search(r"Applied → Approved · [^<]+ · by Ayşe Yılmaz", html)


def test_dealer_users_order_limits_read_as_money(staff_client):
    from decimal import Decimal

    from dealers.testing import DealerUserFactory

    dealer = DealerFactory()
    DealerUserFactory(dealer=dealer, order_limit=Decimal("12500.00"))
    html = staff_client.get(reverse("admin:dealers_dealer_change", args=[dealer.pk])).content.decode()
    assert "12,500.00 TRY" in html and "12500.00" not in html
