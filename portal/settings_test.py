"""Settings for the test suite: the real PostgreSQL and Redis, a dedicated Redis broker for Celery, local mail."""
import os
from pathlib import Path

os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/15")
os.environ.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6399/0")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
os.environ.setdefault("DEBUG", "True")
# The suite makes hundreds of API calls a minute from one address.
os.environ.setdefault("API_THROTTLE_ANON", "100000/min")
os.environ.setdefault("API_THROTTLE_USER", "100000/min")
os.environ.setdefault("API_THROTTLE_AUTH_FAILURES", "100000/min")
# Dealers made by factories may order on account; the credit tests set their own limits.
os.environ.setdefault("DEFAULT_CREDIT_LIMIT", "1000000")

from .settings import *  # noqa: E402,F401,F403

# Fast hashing keeps hundreds of logins in the suite quick; production keeps Django's default.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "var" / "test-media")))  # noqa: F405
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405  (whitenoise warns when it is missing)
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
# Playwright's sync API runs an event loop in the test thread; the ORM calls in the same tests are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
