"""A NUL byte (or another control character) anywhere in the address never gives 500: every URL of the URL conf
answers 400, as a dealer user and as staff; the API with JSON and a code, pages with a short translated text."""
import uuid

import pytest
from django.urls import get_resolver
from django.urls.converters import UUIDConverter

from dealers.testing import DealerFactory, DealerUserFactory, StaffFactory


def _fill(fmt, params, converters, value):
    values = {}
    for name in params:
        dummy = str(uuid.UUID(int=1)) if isinstance(converters.get(name), UUIDConverter) else "1"
        values[name] = value if value is not None else dummy
    return "/" + fmt % values


def _formats(resolver, prefix=""):
    """(format string, parameter names, converters) of every URL pattern, namespaced includes too."""
    for key in list(resolver.reverse_dict):
        for bits, _pattern, _defaults, converters in resolver.reverse_dict.getlist(key):
            for fmt, params in bits:
                yield prefix + fmt, params, converters
    for ns_prefix, sub in resolver.namespace_dict.values():
        yield from _formats(sub, prefix + ns_prefix)


def all_urls():
    """Every URL of the URL conf, once with a NUL query (?q=%00) and, where it takes a parameter, with %00 in it."""
    urls = set()
    for fmt, params, converters in _formats(get_resolver()):
        if "\\" in fmt or "(" in fmt:  # a regex that is not a plain route: not reversible by format
            continue
        plain = _fill(fmt, params, converters, None)
        urls.add(plain + "?q=%00")
        urls.add(plain + "?sku=%00&page=1")
        urls.add(_fill(fmt, params, converters, "%00") if params else plain.rstrip("/") + "/%00/")
    return sorted(urls)


URLS = all_urls()


def test_the_sweep_covers_the_url_conf_and_the_reported_addresses():
    assert len(URLS) > 300
    for reported in ["/api/v1/products/?q=%00", "/api/v1/me/orders/?sku=%00&page=1", "/orders/%00/",
                     "/payments/invoices/%00/", "/catalog/?q=%00", "/quotes/work/?q=%00", "/agents/dealers/?q=%00"]:
        assert reported in URLS


@pytest.fixture(params=["dealer", "staff"])
def signed_in(request, db, client):
    user = (DealerUserFactory(dealer=DealerFactory(), role="owner") if request.param == "dealer"
            else StaffFactory())
    client.force_login(user)
    return client


def test_no_url_answers_500_to_a_nul_byte(signed_in):
    answers = {url: signed_in.get(url).status_code for url in URLS}
    assert {url: code for url, code in answers.items() if code != 400} == {}


def test_the_api_answers_json_with_a_code_and_a_page_a_translated_text(signed_in):
    response = signed_in.get("/api/v1/products/", {"q": "a\x00b"})
    assert response.status_code == 400 and response.json()["code"] == "invalid_characters"
    response = signed_in.get("/orders/%00/", HTTP_ACCEPT_LANGUAGE="tr")
    assert response.status_code == 400 and "kontrol" in response.content.decode().lower()


@pytest.mark.parametrize("query", ["q=%01", "q=%1b%5b31m", "q=%7f"])
def test_other_control_characters_in_the_query_are_refused_too(signed_in, query):
    assert signed_in.get(f"/catalog/?{query}").status_code == 400


def test_a_search_with_tab_or_newline_is_still_served(signed_in):
    assert signed_in.get("/catalog/?q=cable%0Ared").status_code == 200


def test_a_nul_in_a_json_or_form_body_is_refused_and_changes_nothing(db, client):
    owner = DealerUserFactory(dealer=DealerFactory(), role="owner")
    client.force_login(owner)
    response = client.patch("/api/v1/me/company/", {"trade_name": "Evil\u0000Co"}, content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "invalid_characters"
    response = client.post("/account/", "trade_name=Evil%00Co", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    response = client.post("/account/", {"trade_name": "Evil\x00Co"})  # multipart, as an upload form sends it
    assert response.status_code == 400
    owner.dealer.refresh_from_db()
    assert "Evil" not in owner.dealer.trade_name


def test_a_json_body_outside_the_api_gets_its_refusal_as_json_too(db, client):
    # A carrier's webhook posts JSON to /shipping/webhooks/…: it reads a code, not an HTML page.
    response = client.post("/shipping/webhooks/any-carrier/", '{"tracking_code": "A\\u0000B"}',
                           content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "invalid_characters"
