#!/usr/bin/env python
"""Django's command-line utility for IPT Clinic."""

import os
import sys

# Serving pages in development mode says so, once: not again in runserver's reloaded child
# (which has RUN_MAIN set), nor from the background worker that `make run` starts beside it.
SERVING = {"runserver"}

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iptclinic.settings")
    if (
        not os.environ.get("IPTCLINIC_ENV")
        and not os.environ.get("RUN_MAIN")
        and len(sys.argv) > 1
        and sys.argv[1] in SERVING
    ):
        print(
            "IPT Clinic is in development mode (IPTCLINIC_ENV is not set): it answers only on "
            "this computer, with the development key and settings. Never use it for real "
            "people's data; see 'Running it for real' in README.md.",
            file=sys.stderr,
        )
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
