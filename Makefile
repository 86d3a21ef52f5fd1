# The two commands a new user needs: `make run` and `make test`. Everything else is a step of those.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PATH := $(CURDIR)/$(BIN):$(PATH)
# The Makefile is for development machines: DEBUG on (development key, test card provider, plain static files)
# unless the environment says otherwise. portal/settings.py defaults to off, so production (the image, gunicorn
# started by hand) is in production mode unless told otherwise.
export DEBUG ?= 1

.PHONY: run test lint bench setup system-deps deps deps-dev db messages static demo makemessages clean

# honcho gives each process its own PORT (web 8000, worker 8100, beat 8200): WEB_PORT keeps the web server's
# for all three, so SITE_URL (links in mails and PDFs the worker renders) follows PORT.
run: setup demo
	@echo ""
	@echo "  Dealer portal:  http://127.0.0.1:$(PORT)/      admin: http://127.0.0.1:$(PORT)/admin/"
	@echo "  Demo logins are listed above. Ctrl-C stops web, worker and beat."
	@echo "  A web, worker or beat process that dies is started again (bin/keep-running); health: /healthz/"
	@echo ""
	PORT=$(PORT) WEB_PORT=$(PORT) $(BIN)/honcho start -f Procfile

test: system-deps deps-dev db messages
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# ruff over the whole tree (rules in ruff.toml).
lint: deps-dev
	$(BIN)/ruff check .

bench: setup
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get install -y -qq wrk >/dev/null; } || { echo "Please install wrk"; exit 1; }
	$(BIN)/python bench/run.py $(BENCH)

setup: system-deps deps db messages static
	@mkdir -p var

# Debian packages the portal needs on this machine kind: fonts for PDFs in every language,
# gettext for translations, Chromium for the browser tests, dovecot (a real IMAP server) for the mail intake
# tests. Installed only when missing and root.
system-deps:
	@missing=""; \
	fc-list 2>/dev/null | grep -q "Noto Sans CJK" || missing="$$missing fonts-noto-cjk"; \
	fc-list 2>/dev/null | grep -q "DejaVu Sans" || missing="$$missing fonts-dejavu-core"; \
	command -v msgfmt >/dev/null || missing="$$missing gettext"; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v dovecot >/dev/null || missing="$$missing dovecot-imapd"; \
	ldconfig -p 2>/dev/null | grep -q libpango-1.0 || missing="$$missing libpango-1.0-0 libpangoft2-1.0-0"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing:$$missing"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "Please install these Debian packages:$$missing"; exit 1; fi; \
	fi

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# Exact versions: requirements*.txt say what we need, requirements.lock pins the whole tree CI tested.
$(VENV)/.deps: requirements.txt requirements.lock | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt -c requirements.lock
	touch $@

$(VENV)/.deps-dev: requirements.txt requirements-dev.txt requirements.lock $(VENV)/.deps
	$(BIN)/pip install -q -r requirements-dev.txt -c requirements.lock
	touch $@

deps: $(VENV)/.deps .env
deps-dev: $(VENV)/.deps-dev .env

# A development checkout keeps DEBUG on for `manage.py` run by hand too (settings read .env; the process environment
# wins). Written once, never over an existing .env; not copied into the image (.dockerignore) nor committed.
.env:
	@echo "# Development machine (written by make): portal/settings.py reads this; production has no .env." > $@
	@echo "DEBUG=1" >> $@

db: deps
	$(BIN)/python manage.py ensure_database
	$(BIN)/python manage.py migrate --noinput -v 0

messages: deps
	$(BIN)/python manage.py compilemessages -v 0 --ignore=.venv

# Refresh the .po files after changing user-facing strings (then translate the new entries).
makemessages: deps
	$(BIN)/python manage.py makemessages --no-location --no-obsolete --ignore=.venv --ignore=staticfiles \
	  --ignore=var -l en -l tr -l bg -l vi -l zh_Hans

static: deps
	$(BIN)/python manage.py collectstatic --noinput -v 0

demo: db
	$(BIN)/python manage.py load_demo_data

clean:
	rm -rf $(VENV) staticfiles var test-artifacts
