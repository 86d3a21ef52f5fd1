"""Settings of the dealer portal, read from the environment (defaults work on a developer machine)."""
import os
from pathlib import Path

import environ
from celery.schedules import crontab
from csp import constants as csp
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A local .env file is optional (`make` writes one with DEBUG=1 on a development machine); the process environment
# always wins. ENV_FILE names another file (tests point it elsewhere to see what a machine without .env does).
_env_file = Path(os.environ.get("ENV_FILE", BASE_DIR / ".env"))
if _env_file.is_file():
    environ.Env.read_env(_env_file, overwrite=False)

# Off unless the environment turns it on: `make run` and the test settings do (DEBUG=1); production needs nothing.
DEBUG = env.bool("DEBUG", default=False)
# Development gets a fixed key so sessions survive restarts; production must set its own.
SECRET_KEY = env("SECRET_KEY", default="" if not DEBUG else "dev-only-insecure-key-change-me-in-production-0123456789")
if not SECRET_KEY:
    raise environ.ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Links in mails and PDFs: the port the web server listens on (`PORT=8801 make run`) unless SITE_URL is set.
SITE_URL = env("SITE_URL", default=f"http://127.0.0.1:{env.int('PORT', default=8000)}").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "allauth",
    "allauth.account",
    "axes",
    # Live chat (issue 16): WebSockets through Django Channels (no daphne: gunicorn runs uvicorn workers).
    "channels",
    # The trade, in the order its stages depend on each other.
    "portal",
    "dealers",
    "catalog",
    "pricing",
    "orders",
    "payments",
    "shipping",
    "support",
    "feedback",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy on every response (CONTENT_SECURITY_POLICY below).
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # NUL and other control characters in the path, the query or a form/JSON body: 400 before any view.
    "portal.middleware.ControlCharacterMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "portal.middleware.UserLanguageMiddleware",
    "dealers.middleware.ActorMiddleware",
    "portal.middleware.BusyMiddleware",  # a deadlock on a page: 409 "try again", never 500
    # Axes last, as its documentation asks.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"
# The portal runs as one ASGI application (HTTP through Django, /ws/ through Channels): portal/asgi.py.
ASGI_APPLICATION = "portal.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "portal.context_processors.portal",
            ],
        },
    },
]

# PostgreSQL only: the portal relies on row locks, constraints and full-text search.
DATABASES = {"default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/portal")}
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise environ.ImproperlyConfigured("DATABASE_URL must point at PostgreSQL.")
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/0")
# The cache fails open (portal/cache.py): Redis down means misses, logged, never a 500. Short socket timeouts keep
# an unreachable Redis from holding a request; for CACHE_RETRY_AFTER_SECONDS after a failure it is not asked at all.
CACHES = {"default": {"BACKEND": "portal.cache.PortalRedisCache", "LOCATION": REDIS_URL,
                      "OPTIONS": {"socket_connect_timeout": env.float("CACHE_CONNECT_TIMEOUT", default=0.5),
                                  "socket_timeout": env.float("CACHE_SOCKET_TIMEOUT", default=1.0)}}}
CACHE_RETRY_AFTER_SECONDS = env.float("CACHE_RETRY_AFTER_SECONDS", default=5.0)
CACHE_OUTAGE_LOG_SECONDS = env.float("CACHE_OUTAGE_LOG_SECONDS", default=60.0)
# A worker gives its free memory back to the system after a request that took longer than this (portal/memory.py).
MALLOC_TRIM_AFTER_SECONDS = env.float("MALLOC_TRIM_AFTER_SECONDS", default=1.0)
# Sessions live in the database only: signed-in users stay signed in while Redis is down, and a sign-out during an
# outage cannot be undone by a cached copy coming back with Redis (which cached_db would allow). portal.sessions is
# Django's database store with its read built once per process.
SESSION_ENGINE = "portal.sessions"

AUTH_USER_MODEL = "dealers.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # One backend checks the password (e-mail found case-insensitively by the user manager), so every failed login
    # hashes once, like a right password with a wrong dealer code (allauth's backend would hash a second time).
    # It reads a signed-in user with its dealer in one query (issue 18); a failed check stops there.
    "dealers.backends.DealerUserBackend",
    # Only for sessions signed in before DealerUserBackend (they name this one): never reached by a sign-in.
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# allauth: e-mail is the login name.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_ADAPTER = "portal.accounts.AccountAdapter"
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if not DEBUG else "http"
# Public sign-up is closed: dealers apply through /dealers/apply/.
ACCOUNT_SIGNUP_OPEN = False
ACCOUNT_FORMS = {"login": "dealers.forms.DealerLoginForm"}
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
# No mail to addresses without an account: it would only help someone probe who is a customer.
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
# Lockout after failed logins is django-axes' job (one mechanism, one message).
ACCOUNT_RATE_LIMITS = {"login_failed": None}

# django-axes: lock out repeated failed logins for a while.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "login"
AXES_USERNAME_CALLABLE = "portal.accounts.axes_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "account/lockout.html"

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("tr", _("Turkish")),
    ("bg", _("Bulgarian")),
    ("vi", _("Vietnamese")),
    ("zh-hans", _("Simplified Chinese")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("TIME_ZONE", default="Europe/Istanbul")
USE_I18N = True
# One date and one date-time format per language (portal/formats/<lang>/formats.py).
FORMAT_MODULE_PATH = ["portal.formats"]
USE_TZ = True
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
# Media (documents, PDFs) are never served as static files: views check who may read them.
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# E-mail: console in development unless an SMTP server is configured.
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", default=str(BASE_DIR / "var" / "mail"))
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Dealer Portal <portal@example.com>")
SERVER_EMAIL = env("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
# Staff who hear about new applications and other events that need a person.
STAFF_NOTIFY_EMAILS = env.list("STAFF_NOTIFY_EMAILS", default=["sales@example.com"])
# Finance staff hear of refused on-account orders and of dealers crossing CREDIT_THRESHOLD_PERCENT of their limit.
FINANCE_NOTIFY_EMAILS = env.list("FINANCE_NOTIFY_EMAILS", default=["finance@example.com"])
CREDIT_THRESHOLD_PERCENT = env.int("CREDIT_THRESHOLD_PERCENT", default=90)
# A dealer's credit account until finance sets it: no credit unless configured otherwise.
DEFAULT_CREDIT_LIMIT = env("DEFAULT_CREDIT_LIMIT", default="0")
DEFAULT_PAYMENT_TERMS_DAYS = env.int("DEFAULT_PAYMENT_TERMS_DAYS", default=30)
# What dealers are told about stock (catalog.availability): exact figures ("12 in stock", "Low: 3 left"), bands
# ("In stock", "Low stock") or none (only available / not available). Staff always see figures.
STOCK_DISPLAY = env("STOCK_DISPLAY", default="exact")

# The company that runs the portal, as printed on documents and mails.
COMPANY = {
    "name": env("COMPANY_NAME", default="Anadolu Industrial Supply A.Ş."),
    "address": env("COMPANY_ADDRESS", default="Organize Sanayi Bölgesi 1. Cad. No: 12, 34000 İstanbul, Türkiye"),
    "phone": env("COMPANY_PHONE", default="+90 212 555 00 00"),
    "email": env("COMPANY_EMAIL", default="sales@example.com"),
    "tax_id": env("COMPANY_TAX_ID", default="1234567890"),
    # The tax office, and the address in parts where the one-line address is not enough (the e-İrsaliye's
    # DespatchSupplierParty; empty parts are read from COMPANY_ADDRESS, shipping/services/waybill.py).
    "tax_office": env("COMPANY_TAX_OFFICE", default="Boğaziçi Kurumlar"),
    "district": env("COMPANY_DISTRICT", default=""),
    "logo": env("COMPANY_LOGO", default="img/logo.svg"),
}
# Where dealers send returned goods (several lines; empty: the company's address), and the carrier (a carrier's code)
# that picks returns up (empty: the carrier that brought the goods).
RETURN_ADDRESS = env("RETURN_ADDRESS", default="")
SHIPPING_RETURN_CARRIER = env("SHIPPING_RETURN_CARRIER", default="")
PORTAL_NAME = env("PORTAL_NAME", default="Dealer Portal")

# Support (issue 15): a dealer's reply to a resolved ticket within this many days reopens it; later (or to a closed
# ticket) it opens a new ticket that follows the old one. Ticket mails carry a Reply-To address
# support+<signed ticket token>@SUPPORT_REPLY_DOMAIN (the host of SITE_URL when empty) for mail intake to thread.
SUPPORT_REOPEN_DAYS = env.int("SUPPORT_REOPEN_DAYS", default=7)
SUPPORT_REPLY_DOMAIN = env("SUPPORT_REPLY_DOMAIN", default="")
# Feedback (issue 17): an NPS invitation goes out NPS_DELAY_DAYS after a delivery, at most once per dealer per
# NPS_WINDOW_DAYS, its link valid for NPS_LINK_DAYS; these are the defaults of the survey settings staff edit in the
# admin (feedback.SurveySettings).
NPS_DELAY_DAYS = env.int("NPS_DELAY_DAYS", default=7)
NPS_WINDOW_DAYS = env.int("NPS_WINDOW_DAYS", default=90)
NPS_LINK_DAYS = env.int("NPS_LINK_DAYS", default=14)
# The country of a phone number typed without its country code (dealers/phones.py: users' phones in E.164, which
# WhatsApp matches a sender by).
PHONE_REGION = env("PHONE_REGION", default="TR")
# Live chat (issue 16): the channel layer carries chat frames between the ASGI processes (Redis, REDIS_URL unless
# CHANNEL_LAYER_URL says otherwise). A frame not read within `expiry` seconds, or beyond `capacity` waiting for one
# socket, is dropped: the browser catches up by "resume" from the database, which holds every message.
CHANNEL_LAYERS = {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {
    "hosts": [env("CHANNEL_LAYER_URL", default=REDIS_URL)], "prefix": env("CHANNEL_LAYER_PREFIX", default="portal:ws"),
    "capacity": 200, "expiry": 30, "group_expiry": 86400}}}
# An agent on duty counts as present for live chat while the desk heard from them within this many seconds.
SUPPORT_CHAT_PRESENCE_SECONDS = env.int("SUPPORT_CHAT_PRESENCE_SECONDS", default=120)
# Chats a browser (session or address) may start within 10 minutes.
SUPPORT_CHAT_STARTS_PER_10_MIN = env.int("SUPPORT_CHAT_STARTS_PER_10_MIN", default=5)
# WhatsApp Business Cloud API (issue 16, support/channels/whatsapp.py, docs/channels.md): the app's secret signs the
# webhook's calls (X-Hub-Signature-256), the verify token answers Meta's subscription handshake, the system user's
# access token and the business number's id send replies. The channel is off (webhook 404, replies by mail) unless
# all four are set. WHATSAPP_CLIENT: the class that talks to the provider (the tests put a double there).
WHATSAPP_APP_SECRET = env("WHATSAPP_APP_SECRET", default="")
WHATSAPP_VERIFY_TOKEN = env("WHATSAPP_VERIFY_TOKEN", default="")
WHATSAPP_ACCESS_TOKEN = env("WHATSAPP_ACCESS_TOKEN", default="")
WHATSAPP_PHONE_NUMBER_ID = env("WHATSAPP_PHONE_NUMBER_ID", default="")
WHATSAPP_API_BASE = env("WHATSAPP_API_BASE", default="https://graph.facebook.com/v21.0")
WHATSAPP_CLIENT = env("WHATSAPP_CLIENT", default="support.channels.whatsapp_client.CloudApiClient")
# Mail intake (issue 16, support/services/mail_poll.py): the IMAP mailboxes beat polls every
# SUPPORT_MAIL_POLL_EVERY_SECONDS, one URL each, comma-separated: imap://user:password@host:143/INBOX (plain; add
# ?starttls=1 for STARTTLS) or imaps://user:password@host:993/INBOX (TLS); user and password URL-quoted; parameters
# name= (how /healthz/ and the admin call it; user@host/folder when absent) and category= (the TicketCategory of the
# tickets its mail opens). Each poll takes at most SUPPORT_MAIL_BATCH messages per mailbox; a message bigger than
# SUPPORT_MAIL_MAX_BYTES is not fetched but put in quarantine with its size; every IMAP call gives up after
# SUPPORT_MAIL_TIMEOUT_SECONDS.
SUPPORT_MAILBOXES = env.list("SUPPORT_MAILBOXES", default=[])
SUPPORT_MAIL_POLL_EVERY_SECONDS = env.float("SUPPORT_MAIL_POLL_EVERY_SECONDS", default=60.0)
SUPPORT_MAIL_TIMEOUT_SECONDS = env.int("SUPPORT_MAIL_TIMEOUT_SECONDS", default=20)
SUPPORT_MAIL_BATCH = env.int("SUPPORT_MAIL_BATCH", default=50)
SUPPORT_MAIL_MAX_BYTES = env.int("SUPPORT_MAIL_MAX_BYTES", default=25 * 1024 * 1024)

# Celery: Redis as broker; tasks acknowledge late and are safe to run twice.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A task whose worker was killed comes back after the visibility timeout; the rows (outbox lease, pending
# documents) are taken up again sooner by beat and by a restarted worker, so this only bounds lost messages.
# An unreachable (not just refusing) broker host holds a publishing request at most this long.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
                                   "socket_connect_timeout": env.float("BROKER_CONNECT_TIMEOUT", default=2.0)}
# A worker or beat that lost the broker tries again at least this often (kombu's default grows to 30 s).
BROKER_RECONNECT_MAX_SECONDS = env.float("BROKER_RECONNECT_MAX_SECONDS", default=3.0)
# Workers write a heartbeat row (portal.Heartbeat); /healthz/ calls them away when none is fresher than this.
WORKER_HEARTBEAT_EVERY_SECONDS = env.float("WORKER_HEARTBEAT_EVERY_SECONDS", default=10.0)
WORKER_HEARTBEAT_STALE_SECONDS = env.int("WORKER_HEARTBEAT_STALE_SECONDS", default=60)
# Publishing gives up quickly when the broker is down: the outbox row stays pending and the
# beat job re-enqueues it, so a request never hangs on a dead broker.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "requeue-pending-notifications": {
        "task": "portal.tasks.requeue_pending_notifications_task",
        # Every 10 s, rows pending 15 s (their task was never published: a broker outage) are enqueued again, so
        # delivery resumes within about 25 s of the broker's return; rows whose sending worker died come back
        # after OUTBOX_LEASE_SECONDS.
        "schedule": env.float("OUTBOX_REQUEUE_EVERY_SECONDS", default=10.0),
        # How long a row may wait before it counts as lost: set here, where beat reads it.
        "kwargs": {"older_than_seconds": env.int("OUTBOX_REQUEUE_AFTER_SECONDS", default=15)},
    },
    "requeue-pending-documents": {
        "task": "portal.tasks.requeue_pending_documents_task",
        "schedule": env.float("DOCUMENT_REQUEUE_EVERY_SECONDS", default=15.0),
        "kwargs": {"older_than_seconds": env.int("DOCUMENT_REQUEUE_AFTER_SECONDS", default=40)},
    },
    # Proves the whole path (beat → broker → worker → database) for /healthz/.
    "worker-heartbeat": {
        "task": "portal.tasks.heartbeat_task",
        "schedule": env.float("WORKER_HEARTBEAT_EVERY_SECONDS", default=10.0),
    },
    "purge-old-notifications": {
        "task": "portal.tasks.purge_sent_notifications_task",
        "schedule": crontab(hour=3, minute=30),
    },
    "delete-expired-idempotency-keys": {
        "task": "portal.tasks.delete_expired_idempotency_keys_task",
        "schedule": crontab(hour=3, minute=40),
    },
    "delete-finished-import-uploads": {
        "task": "catalog.tasks.delete_finished_import_uploads_task",
        "schedule": crontab(hour=3, minute=45),
    },
    # A quote is valid through its valid_until day: expired just after midnight, reminded in the morning.
    "expire-quotes": {
        "task": "pricing.tasks.expire_quotes_task",
        "schedule": crontab(hour=0, minute=15),
    },
    "remind-expiring-quotes": {
        "task": "pricing.tasks.remind_expiring_quotes_task",
        "schedule": crontab(hour=9, minute=0),
    },
    # Invoices: overdue marks, reminders and automatic holds, once a day.
    "run-overdue-invoices": {
        "task": "payments.tasks.run_overdue_task",
        "schedule": crontab(hour=6, minute=30),
    },
    # Card payments: hosted pages a dealer never came back from, captures and releases a broker outage left behind.
    "settle-card-payments": {
        "task": "payments.tasks.settle_card_payments_task",
        "schedule": crontab(minute=40),
    },
    # Tracking events a broker outage left unapplied (their task was never published): applied within a minute.
    "apply-pending-tracking-events": {
        "task": "shipping.tasks.apply_pending_tracking_events_task",
        "schedule": env.float("TRACKING_REQUEUE_EVERY_SECONDS", default=30.0),
        "kwargs": {"older_than_seconds": env.int("TRACKING_REQUEUE_AFTER_SECONDS", default=30)},
    },
    # Support's SLA clocks: warn at 80 % of a target and escalate a breach, once each (due times are stored when a
    # ticket changes; this only announces them).
    "check-sla": {
        "task": "support.tasks.check_sla_task",
        "schedule": env.float("SUPPORT_SLA_CHECK_EVERY_SECONDS", default=180.0),
    },
    # WhatsApp (issue 16): staff replies whose send task a broker outage never published (still "Sending" after a
    # minute) are sent again; dealers' messages stored but not yet handled (a crash mid-way) are handled.
    "send-pending-whatsapp": {
        "task": "support.tasks.send_pending_whatsapp_task",
        "schedule": env.float("WHATSAPP_REQUEUE_EVERY_SECONDS", default=30.0),
        "kwargs": {"older_than_seconds": env.int("WHATSAPP_REQUEUE_AFTER_SECONDS", default=60)},
    },
    # Mail intake (issue 16): every configured support mailbox is polled; a second poller at once skips a mailbox
    # the first is working (an advisory lock per mailbox).
    "poll-support-mailboxes": {
        "task": "support.tasks.poll_mailboxes_task",
        "schedule": SUPPORT_MAIL_POLL_EVERY_SECONDS,
    },
    # Feedback (issue 17): NPS invitations due NPS_DELAY_DAYS after a delivery, checked every hour (idempotent: a
    # dealer invited within its window, or under another beat's lock, is skipped).
    "invite-nps": {
        "task": "feedback.tasks.invite_nps_task",
        "schedule": crontab(minute=20),
    },
}
CELERY_BEAT_SCHEDULE_FILENAME = env("CELERY_BEAT_SCHEDULE_FILENAME", default=str(BASE_DIR / "var" / "celerybeat-schedule"))

# Idempotency-Key (portal/idempotency.py): hours a key and its stored response are kept; seconds after which a claim
# whose request never answered (its process died) may be taken over by a retry.
IDEMPOTENCY_KEY_TTL_HOURS = env.int("IDEMPOTENCY_KEY_TTL_HOURS", default=24)
IDEMPOTENCY_LOCK_SECONDS = env.int("IDEMPOTENCY_LOCK_SECONDS", default=120)

# Outbox: how long a pending row waits before beat re-enqueues it, and how often it is tried.
OUTBOX_REQUEUE_AFTER_SECONDS = CELERY_BEAT_SCHEDULE["requeue-pending-notifications"]["kwargs"]["older_than_seconds"]
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=5)
# A row in `sending` whose worker died is taken again once its claim is this old (a send is bounded well below it
# by EMAIL_TIMEOUT and the task's time limit, so a live worker never loses its row).
OUTBOX_LEASE_SECONDS = env.int("OUTBOX_LEASE_SECONDS", default=120)

# ERP import: days an uploaded file is kept after its job finished (the report stays readable without it).
IMPORT_UPLOAD_RETENTION_DAYS = env.int("IMPORT_UPLOAD_RETENTION_DAYS", default=7)
# Bounds of an XLSX catalog import (portal/spreadsheets.py, the one guard for every spreadsheet read): unpacked size
# of the workbook and of its shared strings, rows and columns of the sheet. A bigger file is refused with a message.
IMPORT_XLSX_MAX_UNPACKED_MB = env.int("IMPORT_XLSX_MAX_UNPACKED_MB", default=200)
IMPORT_XLSX_MAX_SHARED_STRINGS_MB = env.int("IMPORT_XLSX_MAX_SHARED_STRINGS_MB", default=50)
IMPORT_XLSX_MAX_ROWS = env.int("IMPORT_XLSX_MAX_ROWS", default=200_000)
IMPORT_XLSX_MAX_COLUMNS = env.int("IMPORT_XLSX_MAX_COLUMNS", default=100)

# Quotes: the dealer is reminded once per revision when a sent quote is valid for at most this many more days.
QUOTE_REMINDER_DAYS = env.int("QUOTE_REMINDER_DAYS", default=3)

# Invoices: issued when an order ships ("shipped") or already when it is confirmed ("confirmed"); the bank account
# printed on invoices under "How to pay".
INVOICE_ON = env("INVOICE_ON", default="shipped")
INVOICE_BANK_ACCOUNT = env("INVOICE_BANK_ACCOUNT", default="Demo Bank A.Ş. · IBAN TR00 0000 0000 0000 0000 0000 00")

# Card payments: the provider class (a payments.cards.CardProvider) by dotted path; empty turns card payments off.
# The only provider shipped is the offline test provider (no bank, no money moves): the default while DEBUG is on,
# refused by a system check when DEBUG is off.
CARD_PAYMENT_PROVIDER = env("CARD_PAYMENT_PROVIDER",
                            default="payments.cards.offline.OfflineTestProvider" if DEBUG else "")

# Invoices: reminder days relative to the due date (negative: before), and days overdue after which the
# dealer's account goes on hold by itself (0: never).
INVOICE_REMINDER_DAYS = [int(day) for day in env.list("INVOICE_REMINDER_DAYS", default=["-3", "0", "7", "14"])]
AUTO_HOLD_AFTER_DAYS = env.int("AUTO_HOLD_AFTER_DAYS", default=30)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "portal.api_auth.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Bounds guessing of tokens and runaway integration scripts; Redis keeps the counters.
    "DEFAULT_THROTTLE_CLASSES": [
        # DRF's, failing open (logged) when the cache is down.
        "portal.api_auth.AnonRateThrottle",
        "portal.api_auth.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("API_THROTTLE_ANON", default="120/min"),
        "user": env("API_THROTTLE_USER", default="2000/min"),
        # Failed or missing authentications per client address (wrong tokens, anonymous calls): past it, 429.
        "auth_failure": env("API_THROTTLE_AUTH_FAILURES", default="30/min"),
    },
    # Proxies in front of the portal that append to X-Forwarded-For; 0: throttles count REMOTE_ADDR, so a made-up
    # X-Forwarded-For header cannot dodge them. Behind one reverse proxy set API_NUM_PROXIES=1.
    "NUM_PROXIES": env.int("API_NUM_PROXIES", default=0),
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # DRF's parsers; the JSON one answers a body nested too deep with a 400 (portal/api_parsers.py).
    "DEFAULT_PARSER_CLASSES": ["portal.api_parsers.JSONParser", "rest_framework.parsers.FormParser",
                               "rest_framework.parsers.MultiPartParser"],
    "DEFAULT_SCHEMA_CLASS": "portal.api_schema.PortalAutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "EXCEPTION_HANDLER": "portal.errors.api_exception_handler",
}
# Content-Security-Policy (django-csp), the same with DEBUG on and off: scripts, styles, images, fonts, fetches and
# form posts only from the portal itself (no inline script or style, no eval), never inside a frame, no plugins.
# Inline scripts that cannot move to static/js get `nonce="{{ request.csp_nonce }}"`. The Swagger UI page
# (/api/docs/) alone also allows inline styles (portal/urls.py). CSP_FORM_ACTION_EXTRA: origins a card provider's
# payment page posts back from, if it is not on this site (the offline test provider is).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp.SELF],
        "script-src": [csp.SELF, csp.NONCE],
        "style-src": [csp.SELF],
        "img-src": [csp.SELF, "data:"],
        "font-src": [csp.SELF],
        "connect-src": [csp.SELF],
        "frame-ancestors": [csp.NONE],
        "form-action": [csp.SELF, *env.list("CSP_FORM_ACTION_EXTRA", default=[])],
        "object-src": [csp.NONE],
        "base-uri": [csp.SELF],
    },
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Dealer Portal API",
    "DESCRIPTION": "Products, prices, stock, dealers, quotes, orders, credit, invoices, payments and statements.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several apps have a `status` and a `payment_method`: each choice set gets its own name in the schema.
    "ENUM_NAME_OVERRIDES": {
        "DealerStatusEnum": "dealers.models.Dealer.Status",
        "OrderStatusEnum": "orders.models.order.OrderStatus",
        "ReturnStatusEnum": "orders.models.order.ReturnStatus",
        "PaymentMethodEnum": "pricing.models.PaymentAdjustment.Method",
    },
    # The one error body of portal.errors on every operation and error status (the document says what the API does).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "portal.api_schema.document_errors",
    ],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}

# The health check answers over plain HTTP too (load balancers and container health checks ask it directly).
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]

# Production: everything `manage.py check --deploy` asks for.
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
    X_FRAME_OPTIONS = "DENY"
