"""The home page in five languages, the language switch, the admin login and health check."""
import pytest
from django.urls import reverse

from dealers.testing import UserFactory

pytestmark = pytest.mark.django_db

HOME_TITLES = {
    "en": "The dealer portal of",
    "tr": "bayi portalı",
    "bg": "Дилърският портал на",
    "vi": "Cổng đại lý của",
    "zh-hans": "的经销商门户",
}


@pytest.mark.parametrize("code,title", HOME_TITLES.items())
def test_home_page_speaks_each_language(client, code, title):
    client.cookies["django_language"] = code
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert title in html
    assert f'<html lang="{code}">' in html
    assert reverse("dealers:apply") in html and reverse("account_login") in html


def test_home_page_follows_browser_language(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="tr-TR,tr;q=0.9")
    assert HOME_TITLES["tr"] in response.content.decode()


def test_language_switch_persists_in_cookie_and_on_the_user(client):
    user = UserFactory(language="en")
    client.force_login(user)
    response = client.post(reverse("set_language"), {"language": "vi", "next": "/"})
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "vi"
    user.refresh_from_db()
    assert user.language == "vi"
    assert HOME_TITLES["vi"] in client.get("/").content.decode()


def test_saved_language_follows_the_user_to_a_new_browser(client):
    user = UserFactory(language="bg")
    client.force_login(user)
    response = client.get("/")
    assert HOME_TITLES["bg"] in response.content.decode()
    assert response.cookies["django_language"].value == "bg"


def test_unknown_language_is_ignored(client):
    response = client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    assert response.status_code == 302
    assert "django_language" not in response.cookies


def test_admin_login_page_is_served(client):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    assert b"Dealer Portal administration" in response.content


def test_static_assets_are_local(client):
    html = client.get("/").content.decode()
    assert "/static/js/htmx.min.js" in html and "/static/css/portal.css" in html
    assert "https://" not in html.split("<body")[0]  # no CDN in the head


def test_health_check_answers_ok(client):
    response = client.get("/healthz/")
    assert response.status_code == 200 and response.json()["checks"]["database"]["status"] == "ok"


def test_home_page_query_count(client, django_assert_max_num_queries):
    user = UserFactory()
    client.force_login(user)
    with django_assert_max_num_queries(3):
        response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200 and user.get_full_name() in html and "Log out" in html  # who is logged in
    assert "How to become a dealer" in html


# --- Where "/" leads a signed-in user, the favicon ------------------------------------------------------------------

def test_home_sends_each_signed_in_user_to_its_work(client):
    from dealers.selectors import ACTING_SESSION_KEY
    from dealers.testing import AgentFactory, DealerFactory, DealerUserFactory, StaffFactory

    dealer = DealerFactory()
    expected = [
        (DealerUserFactory(dealer=dealer), reverse("dealers:dashboard")),
        (AgentFactory(dealers=[dealer]), reverse("dealers:agent_dealers")),
        (StaffFactory(), reverse("quotes:work")),
        (UserFactory(is_staff=True), reverse("admin:index")),  # staff with no quote work: the admin
    ]
    for user, url in expected:
        client.force_login(user)
        response = client.get("/")
        assert response.status_code == 302 and response["Location"] == url, user
    # An agent acting for a dealer lands on that dealer's dashboard.
    agent = expected[1][0]
    client.force_login(agent)
    session = client.session
    session[ACTING_SESSION_KEY] = dealer.pk
    session.save()
    assert client.get("/")["Location"] == reverse("dealers:dashboard")
    client.logout()
    assert client.get("/").status_code == 200


def test_favicon_answers_for_the_site_and_the_admin(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("/static/img/favicon.ico")
    assert 'href="/static/img/favicon.ico"' in client.get("/").content.decode()
    assert 'href="/static/img/favicon.ico"' in client.get("/admin/login/").content.decode()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert 'href="/static/img/favicon.ico"' in client.get("/admin/").content.decode()
