"""The dense catalog's "add the filled lines" (orders:cart_add_many): good lines go into the cart, each refused one
is reported by SKU with its reason, bad input is a message and never a 500."""
import re
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from dealers.selectors import ACTING_SESSION_KEY
from dealers.testing import DealerUserFactory
from orders.models import CartLine
from orders.testing import cart_of

pytestmark = pytest.mark.django_db

ADD_MANY = reverse("orders:cart_add_many")
BACK = "/catalog/?view=dense"




def post(client, data):
    response = client.post(ADD_MANY, {"next": BACK, **data})
    return response, [str(m) for m in get_messages(response.wsgi_request)]


def test_every_filled_quantity_is_added_at_once_and_blanks_are_skipped(signed_in, owner, panel, boxed, cable):
    response, said = post(signed_in, {f"q-{panel.pk}": "3", f"q-{boxed.pk}": "15", f"q-{cable.pk}": " "})
    assert response.status_code == 302 and response["Location"] == BACK
    assert cart_of(owner) == {"LED-600": Decimal(3), "CAB-3X25": Decimal(15)}
    assert said == ["2 lines added to your cart."]


def test_a_refused_line_is_reported_by_sku_and_the_others_are_added(signed_in, owner, panel, boxed, cable):
    response, said = post(signed_in, {f"q-{panel.pk}": "2", f"q-{boxed.pk}": "5", f"q-{cable.pk}": "1.5"})
    assert cart_of(owner) == {"LED-600": Decimal(2), "KB-1": Decimal("1.5")}
    assert said[0] == "2 lines added to your cart."
    assert len(said) == 2 and said[1].startswith("CAB-3X25 not added: ") and "10" in said[1]


def test_a_rows_own_button_adds_only_that_row_and_a_blank_quantity_is_the_minimum(signed_in, owner, panel, boxed):
    response, said = post(signed_in, {f"q-{panel.pk}": "4", f"q-{boxed.pk}": "", "only": str(boxed.pk)})
    assert cart_of(owner) == {"CAB-3X25": Decimal(10)}
    assert said == ["1 line added to your cart."]


@pytest.mark.parametrize("data, expected", [
    ({"q-{panel}": "-3"}, "LED-600 not added: "),
    ({"q-{panel}": "abc"}, "LED-600 not added: "),
    ({"q-{panel}": "1e30"}, "LED-600 not added: "),
    ({"q-999999": "2"}, "999999 not added: No such product."),
    ({"q-99999999999999999999": "2"}, "99999999999999999999 not added: No such product."),
    ({"q-abc": "2"}, "abc not added: No such product."),
    ({"q-": "2"}, "— not added: No such product."),
])
def test_bad_input_is_a_message_and_changes_nothing(signed_in, owner, panel, data, expected):
    data = {key.replace("{panel}", str(panel.pk)): value for key, value in data.items()}
    response, said = post(signed_in, data)
    assert response.status_code == 302
    assert cart_of(owner) == {}
    assert len(said) == 1 and said[0].startswith(expected), said


@pytest.mark.parametrize("data", [{"q-{panel}": "1\x00"}, {"q-1\x00": "2"}, {"only": "\x00"}])
def test_a_nul_byte_is_refused_at_the_edge_and_changes_nothing(signed_in, owner, panel, data):
    data = {key.replace("{panel}", str(panel.pk)): value for key, value in data.items()}
    response = signed_in.post(ADD_MANY, {"next": BACK, **data})
    assert response.status_code == 400 and "control characters" in response.content.decode()
    assert cart_of(owner) == {}


def test_nothing_filled_asks_for_quantities(signed_in, owner, panel):
    response, said = post(signed_in, {f"q-{panel.pk}": ""})
    assert response.status_code == 302 and cart_of(owner) == {}
    assert said == ["Type a quantity beside the products you want, then add them."]


def test_more_lines_than_a_page_holds_are_refused(signed_in, owner, panel):
    response, said = post(signed_in, {f"q-{n}": "1" for n in range(1, 103)})
    assert response.status_code == 302 and cart_of(owner) == {}
    assert said == ["At most 100 lines can be added at once."]


def test_a_foreign_next_is_not_followed(signed_in, panel):
    response = signed_in.post(ADD_MANY, {f"q-{panel.pk}": "1", "next": "https://evil.example.com/"})
    assert response.status_code == 302 and response["Location"] == reverse("orders:cart")


def test_lines_go_to_the_own_dealer_whatever_the_form_says(signed_in, owner, other_dealer, panel):
    post(signed_in, {f"q-{panel.pk}": "1", "dealer": str(other_dealer.pk), "dealer_id": str(other_dealer.pk)})
    other_owner = DealerUserFactory(dealer=other_dealer)
    assert cart_of(owner) == {"LED-600": Decimal(1)} and cart_of(other_owner) == {}
    assert not CartLine.objects.filter(cart__dealer=other_dealer).exists()


def test_an_agent_adds_to_the_dealer_it_acts_for(client, agent, dealer, panel):
    client.force_login(agent)
    session = client.session
    session[ACTING_SESSION_KEY] = dealer.pk
    session.save()
    response, said = post(client, {f"q-{panel.pk}": "2"})
    assert cart_of(agent, dealer) == {"LED-600": Decimal(2)} and said == ["1 line added to your cart."]


def test_an_agent_not_acting_and_a_viewer_add_nothing(client, agent, dealer, panel):
    client.force_login(agent)
    response = client.post(ADD_MANY, {f"q-{panel.pk}": "2"})
    assert response.status_code in (302, 403) and not CartLine.objects.exists()
    client.force_login(DealerUserFactory(dealer=dealer, role="viewer"))
    response = client.post(ADD_MANY, {f"q-{panel.pk}": "2"})
    assert response.status_code in (302, 403) and not CartLine.objects.exists()


def test_a_get_is_not_allowed(signed_in):
    assert signed_in.get(ADD_MANY).status_code == 405


def test_the_refused_rows_come_back_filled_as_typed_on_the_same_page(signed_in, owner, panel, boxed):
    response, said = post(signed_in, {f"q-{panel.pk}": "2", f"q-{boxed.pk}": "5"})
    assert response["Location"] == f"{BACK}&q-{boxed.pk}=5"
    html = signed_in.get(response["Location"]).content.decode()
    field = re.search(rf'<input [^>]*name="q-{boxed.pk}"[^>]*>', html).group(0)
    assert 'value="5"' in field and 'aria-invalid="true"' in field
    assert 'value=' not in re.search(rf'<input [^>]*name="q-{panel.pk}"[^>]*>', html).group(0)
    # The page's own links do not carry the quantities on.
    assert f"q-{boxed.pk}" not in re.search(r'<nav class="sorts".*?</nav>', html, re.S).group(0)
    # Correcting it posts again from that page: the new refusal replaces the old one.
    response, said = post(signed_in, {f"q-{boxed.pk}": "15", "next": response["Location"]})
    assert response["Location"] == BACK and cart_of(owner) == {"LED-600": Decimal(2), "CAB-3X25": Decimal(15)}
