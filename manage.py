#!/usr/bin/env python
"""Django's command-line utility for the dealer portal."""
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    from django.core.exceptions import ImproperlyConfigured

    try:
        from django.conf import settings

        settings.INSTALLED_APPS  # noqa: B018  (loads the settings: a missing SECRET_KEY is said here, plainly)
    except ImproperlyConfigured as exc:
        sys.exit(f"{exc}\nOn a development machine run `make run` or `make test` once (they write .env with "
                 "DEBUG=1), or set DEBUG=1; in production set SECRET_KEY.")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
