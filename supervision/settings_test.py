"""Settings for the test suite: the real settings with test-only mechanics swapped in."""

import os

os.environ.setdefault("TESTING", "true")
os.environ.setdefault("REQUIRE_TWO_FACTOR", "true")

from supervision.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
AXES_ENABLED = True
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "database": {"BACKEND": "django_tasks_db.DatabaseBackend"},  # to test its admin pages
}
WHITENOISE_AUTOREFRESH = True  # serve from the finders: no collectstatic before tests
