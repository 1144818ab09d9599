"""Test settings: the same shape as production, with a fixed key and fast password hashing."""

from __future__ import annotations

import os

os.environ.setdefault("SECRET_KEY", "test-only-key-7Qm2vX9pL4sR8tY1wZ6nB3cF5hJ0kD-not-for-production")
# A fixed test key (Fernet format); never used outside tests.
os.environ.setdefault("FIELD_ENCRYPTION_KEYS", "dGVzdC1vbmx5LWZpZWxkLWtleS0wMTIzNDU2Nzg5YWI=")
os.environ.setdefault("SOTONG_DATA_DIR", os.path.join(os.getcwd(), "var", "test"))

from config.settings.base import *  # noqa: F403
from config.settings.base import DATA_DIR, DATABASES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SECURE_SSL_REDIRECT = False
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]

# One test database per test run, so that runs side by side (SQLite and PostgreSQL passes, or two
# developers' sessions) never share one.
_RUN = os.environ.get("SOTONG_TEST_RUN_ID") or str(os.getpid())
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory, so that server processes started by a test can open it too.
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / f"test-db-{_RUN}.sqlite3")}
else:
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{_RUN}"}

# Pages are rendered on every request in tests, which change content and look at once; the kept pages have
# their own tests (sotong/pages/tests/test_page_cache.py).
PAGES_CACHE_SECONDS = 0
