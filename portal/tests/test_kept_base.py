"""The page chrome of templates/base.html is kept per language (portal_tags.kept, issue 18): the static links, the
brand, the language list and the footer. Each reader still gets its own CSRF tokens, name and path, the page is the
same as rendered afresh, and a changed setting is not served from parts kept before."""
import re

import pytest
from django.test import override_settings
from django.urls import reverse

from portal.templatetags import portal_tags

pytestmark = pytest.mark.django_db
_TOKEN = re.compile(r'(csrfmiddlewaretoken" value="|"X-CSRFToken": ")[A-Za-z0-9]{64}')


@pytest.fixture(autouse=True)
def _empty():
    portal_tags._KEPT.clear()
    yield
    portal_tags._KEPT.clear()


def _page(client, user, language="en", **params):
    client.force_login(user)
    client.cookies["django_language"] = language
    response = client.get(reverse("dealers:dashboard"), params)
    assert response.status_code == 200
    return response.content.decode()


def test_the_kept_chrome_is_the_chrome_rendered_afresh_in_each_language(client, owner):
    for language in ("en", "tr"):
        fresh = _TOKEN.sub(r"\1-", _page(client, owner, language))
        kept = _TOKEN.sub(r"\1-", _page(client, owner, language))
        assert kept == fresh
        assert f'<html lang="{language}">' in kept
        assert f'<option value="{language}" selected>' in kept
    assert '<option value="en" selected>' not in _page(client, owner, "tr")


def test_each_reader_gets_its_own_tokens_name_and_path(client, owner, other_owner):
    first = _page(client, owner, a="1")
    second = _page(client, other_owner, b="2")
    for html, user, query in ((first, owner, "a=1"), (second, other_owner, "b=2")):
        tokens = set(re.findall(r'csrfmiddlewaretoken" value="([A-Za-z0-9]{64})', html))
        assert len(tokens) == 1 and tokens == set(re.findall(r'"X-CSRFToken": "([A-Za-z0-9]{64})"', html))
        assert f'<span class="user-name">{user}</span>' in html
        assert f'name="next" type="hidden" value="{reverse("dealers:dashboard")}?{query}"' in html
    assert re.findall(r'"X-CSRFToken": "(\w+)"', first) != re.findall(r'"X-CSRFToken": "(\w+)"', second)


def test_a_changed_setting_is_not_served_from_kept_parts(client, owner):
    _page(client, owner)
    with override_settings(PORTAL_NAME="Another Portal", COMPANY={**_company(), "email": "other@example.com"}):
        html = _page(client, owner)
    assert "· Another Portal</title>" in html and "mailto:other@example.com" in html
    assert "Another Portal" not in _page(client, owner)


def _company():
    from django.conf import settings

    return dict(settings.COMPANY)


def test_the_user_menu_is_each_readers_and_as_its_template_renders_it(client, owner, staff):
    from django.contrib.auth.models import AnonymousUser
    from django.template import Context
    from django.template.loader import render_to_string

    owner.first_name, owner.last_name = 'Ayşe <b>"&', "Kaya"
    owner.save()
    for user in (staff, owner, staff):  # the staff variant kept first, then the dealer user's, then again
        client.force_login(user)
        html = client.get("/", follow=True).content.decode()
        token = re.search(r'csrfmiddlewaretoken" value="([A-Za-z0-9]{64})', html).group(1)
        expected = render_to_string("includes/_user_menu.html", {"user": user, "csrf_token": token})
        assert expected in html
        assert (reverse("admin:index") in html) == user.is_staff
    assert '<span class="user-name">Ayşe &lt;b&gt;&quot;&amp; Kaya</span>' in _page(client, owner)
    anonymous = portal_tags.user_menu(Context({"user": AnonymousUser(), "csrf_token": "x" * 64}))
    assert anonymous == render_to_string("includes/_user_menu.html", {"user": AnonymousUser()})
    assert reverse("account_login") in anonymous and "csrfmiddlewaretoken" not in anonymous
    # No token (a page rendered without the CSRF context): as the template says, no hidden field.
    assert "csrfmiddlewaretoken" not in portal_tags.user_menu(Context({"user": owner, "csrf_token": "NOTPROVIDED"}))
