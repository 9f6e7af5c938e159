"""Test overrides: fast hashing, a throwaway database when DATABASE_URL is unset."""

import os

os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "test-only-secret-key")
os.environ.setdefault("DATABASE_URL", "sqlite:///:memory:")

from .base import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["OPTIONS"].pop("init_command", None)  # noqa: F405

# Jobs run in the request: a worker cannot see the test's uncommitted transaction. The tests of the
# queue itself (icis/core/tests/test_jobs.py) switch this off and run a real worker.
ICIS_JOBS_SYNC = True
# Workers started by the tests (icis/core/tests/test_jobs.py) queue no daily job beside the test's own.
ICIS_DAILY_JOBS = False
