"""Project-wide checks: production settings pass the deploy check, migrations match models, translations are complete."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

BASE = Path(settings.BASE_DIR)
LOCALES = ["tr", "bg", "vi", "zh_Hans"]


def _manage(*args, env=None):
    clean = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=BASE, capture_output=True, text=True,
                          env={**clean, **(env or {})}, timeout=120)


def test_production_settings_pass_check_deploy_without_warnings():
    env = {"DJANGO_SETTINGS_MODULE": "portal.settings", "DEBUG": "False",
           "SECRET_KEY": "x7#Kq9!vLp2@Zr5$Wm8^Nt3&Yb6*Hc4(Jd1)Gf0-Se+Ua=Ti_Ro~Pq", "ALLOWED_HOSTS": "portal.example.com"}
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {"DJANGO_SETTINGS_MODULE": "portal.settings", "DEBUG": "False", "SECRET_KEY": ""}
    result = _manage("check", env=env)
    assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr


def test_debug_is_off_unless_the_environment_turns_it_on(tmp_path):
    """No DEBUG in the environment is production: a secret key is required and DEBUG is off. `make run` (the
    Makefile's DEBUG=1) and the test settings turn it on."""
    # A machine without .env (production): the checkout's own .env, written by make, is not read.
    without = {**{k: v for k, v in os.environ.items() if k != "DEBUG"}, "ENV_FILE": str(tmp_path / "none.env")}
    script = "from django.conf import settings; print('DEBUG', settings.DEBUG)"
    base = [sys.executable, "-c", f"import django; django.setup(); {script}"]

    def run(env):
        return subprocess.run(base, cwd=BASE, capture_output=True, text=True, timeout=60, env=env)

    refused = run({**without, "DJANGO_SETTINGS_MODULE": "portal.settings", "SECRET_KEY": ""})
    assert refused.returncode != 0 and "SECRET_KEY must be set when DEBUG is off" in refused.stderr
    production = run({**without, "DJANGO_SETTINGS_MODULE": "portal.settings", "SECRET_KEY": "k" * 50})
    assert production.stdout.strip() == "DEBUG False", production.stderr
    development = run({**without, "DJANGO_SETTINGS_MODULE": "portal.settings", "DEBUG": "1"})
    assert development.stdout.strip() == "DEBUG True", development.stderr
    # A development checkout: make's .env turns it on for manage.py run by hand, too.
    dotenv = tmp_path / "dev.env"
    dotenv.write_text("DEBUG=1\n")
    checkout = run({**without, "DJANGO_SETTINGS_MODULE": "portal.settings", "ENV_FILE": str(dotenv)})
    assert checkout.stdout.strip() == "DEBUG True", checkout.stderr
    makefile = (BASE / "Makefile").read_text()
    assert "export DEBUG ?= 1" in makefile and "DEBUG=1\" >> $@" in makefile


def test_migrations_are_in_step_with_models():
    result = _manage("makemigrations", "--check", "--dry-run", env={"DJANGO_SETTINGS_MODULE": "portal.settings_test"})
    assert result.returncode == 0, result.stdout + result.stderr


def _parse_po(text):
    """(msgid, msgstr, fuzzy) per entry of a .po file; plural forms are joined."""
    entries, cur, key, fuzzy = [], {}, None, False
    for line in text.splitlines() + [""]:
        if not line.strip():
            if cur.get("msgid") is not None:
                entries.append((cur.get("msgid"), cur.get("msgstr", ""), fuzzy))
            cur, key, fuzzy = {}, None, False
            continue
        if line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
        elif line.startswith("#"):
            continue
        elif line.startswith("msgid_plural"):
            key = "msgid_plural"
        elif line.startswith("msgid "):
            key = "msgid"
            cur["msgid"] = line[6:].strip().strip('"')
        elif line.startswith("msgstr"):
            key = "msgstr"
            value = line.split(" ", 1)[1].strip().strip('"')
            cur["msgstr"] = (cur.get("msgstr", "") + value) if value else cur.get("msgstr", "")
        elif line.startswith('"') and key in ("msgid", "msgstr"):
            cur[key] = cur.get(key, "") + line.strip().strip('"')
    return entries


@pytest.mark.parametrize("locale", LOCALES)
def test_every_string_is_translated(locale):
    text = (BASE / "locale" / locale / "LC_MESSAGES" / "django.po").read_text()
    entries = [e for e in _parse_po(text) if e[0]]  # skip the header
    assert len(entries) > 50
    missing = [msgid for msgid, msgstr, fuzzy in entries if not msgstr or fuzzy]
    assert missing == [], f"{locale}: {len(missing)} untranslated, e.g. {missing[:5]}"


def test_po_files_hold_every_string_in_the_code(tmp_path):
    """makemessages over the code finds no msgid missing from the committed .po files."""
    import shutil

    work = tmp_path / "copy"
    shutil.copytree(BASE, work, ignore=shutil.ignore_patterns(".venv", "media", "var", "staticfiles", ".git",
                                                               "test-artifacts", "__pycache__"))
    result = subprocess.run([sys.executable, "manage.py", "makemessages", "--no-location", "-l", "tr",
                             "--ignore=bench"], cwd=work, capture_output=True, text=True, timeout=300,
                            env={**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings_test"})
    assert result.returncode == 0, result.stderr
    fresh = {e[0] for e in _parse_po((work / "locale/tr/LC_MESSAGES/django.po").read_text()) if e[0]}
    committed = {e[0] for e in _parse_po((BASE / "locale/tr/LC_MESSAGES/django.po").read_text()) if e[0]}
    assert sorted(fresh - committed) == []


@pytest.mark.django_db
def test_demo_data_loads_twice_without_duplicates(settings, tmp_path):
    from django.core.management import call_command

    from catalog.models import Product
    from dealers.models import Dealer, User
    from orders.models import Order
    from pricing.models import PriceListItem

    settings.MEDIA_ROOT = tmp_path
    call_command("load_demo_data", stdout=open(os.devnull, "w"))
    from pricing.models import Quote

    counts = (User.objects.count(), Dealer.objects.count(), Product.objects.count(), PriceListItem.objects.count(),
              Order.objects.count(), Quote.objects.count())
    call_command("load_demo_data", stdout=open(os.devnull, "w"))
    assert (User.objects.count(), Dealer.objects.count(), Product.objects.count(),
            PriceListItem.objects.count(), Order.objects.count(), Quote.objects.count()) == counts
    assert counts[4] >= 4 and Order.objects.filter(status="delivered").exists()
    # An installment plan on account and a card order waiting for its card.
    assert Order.objects.filter(payment_method="on_account", installments=3).exists()
    assert Order.objects.filter(payment_method="card", status="placed").exists()
    assert set(Quote.objects.values_list("status", flat=True)) == {"requested", "sent"}
    assert counts[2] >= 300 and set(Dealer.objects.values_list("status", flat=True)) == {
        "applied", "approved", "rejected", "suspended"}
    assert not Product.objects.filter(search_text="").exists()
