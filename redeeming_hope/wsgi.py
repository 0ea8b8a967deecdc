"""WSGI entry point (gunicorn redeeming_hope.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "redeeming_hope.settings")

application = get_wsgi_application()
