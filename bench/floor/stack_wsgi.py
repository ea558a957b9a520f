"""WSGI entry point of the floor's page behind IPT Clinic's stack: gunicorn bench.floor.stack_wsgi."""

import os

from django.core.wsgi import get_wsgi_application

os.environ["DJANGO_SETTINGS_MODULE"] = "bench.floor.stack_settings"
application = get_wsgi_application()
