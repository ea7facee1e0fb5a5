#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "twinning.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        settings.INSTALLED_APPS  # noqa: B018 - reads the settings: a missing key fails here
    except ImproperlyConfigured as problem:
        # One line, not a traceback: the usual cause is a development shell without DEBUG.
        command = " ".join(["DEBUG=true", sys.executable, "manage.py", *sys.argv[1:]])
        sys.exit(f"{problem}\nIn development: {command}")
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
