"""Settings for the test suite: the real settings plus a test-only secret and a fast hasher."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789")

from casewatch.settings import *  # noqa: E402,F403

# PBKDF2 with hundreds of thousands of rounds is right for production and slow for tests.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ALLOWED_HOSTS = ["*"]
