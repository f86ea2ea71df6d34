"""The test suite: fast hashing, in-memory e-mail, no throttling surprises between tests."""

import os

from .base import *  # noqa: F403
from .base import DATABASE_URL, database_config

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# A file-backed SQLite test database so that live-server (browser) and threaded tests share it.
if DATABASE_URL.startswith("sqlite"):
    DATABASES = {"default": database_config(DATABASE_URL)}
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("SANHAK_TEST_SQLITE", "")}
# Static files come straight from the app folders (no collectstatic needed to run the tests).
STATIC_ROOT = None  # type: ignore[assignment]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Access-log rows inserted as they are written (the spool's own tests switch it on, and drain by hand).
ACCESS_LOG_SPOOL_DIR = None
ACCESS_LOG_DRAIN_SECONDS = 0
