"""WSGI entry point (gunicorn config.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
application = get_wsgi_application()

# Load the Korean morphology model now: with `gunicorn --preload` the master loads it once and every
# forked worker shares it, instead of each worker stalling ~4 s on its first catalog search.
from sanhak.courses.search import morphemes  # noqa: E402

morphemes("준비")

# Likewise the URLconf, which imports every app's views and the API (pandas, OR-Tools, the PDF
# library): once, in the master, rather than on each worker's first request (a second and more).
from django.urls import get_resolver  # noqa: E402

get_resolver().url_patterns  # noqa: B018 - imports the URL modules

# Everything loaded so far lives as long as the process: move it out of the garbage collector's
# reach. Full collections then only walk what requests allocate, instead of pausing a request for
# tens of milliseconds now and then (and forked workers keep sharing these pages).
import gc  # noqa: E402

gc.freeze()
