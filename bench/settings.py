"""Production settings for benchmarks: DEBUG off, full middleware, its own database, plain HTTP on loopback."""
import os

os.environ.setdefault("DEBUG", "False")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
os.environ.setdefault("SECURE_SSL_REDIRECT", "False")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_bench")
os.environ.setdefault("LOG_LEVEL", "WARNING")
# The checkout benchmark places thousands of on-account orders for its dealers.
os.environ.setdefault("DEFAULT_CREDIT_LIMIT", "1000000000")

from portal.settings import *  # noqa: E402,F401,F403

ROOT_URLCONF = "bench.urls"
# Each bench database has its own keys in the shared Redis: a benchmark that writes (the checkout takes stock, which
# bumps the catalog version) must not empty the catalog benchmark's cache while it runs, nor a demo's.
CACHES["default"]["KEY_PREFIX"] = f"bench-{DATABASES['default']['NAME']}"  # noqa: F405
