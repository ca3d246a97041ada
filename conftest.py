"""Repository-wide pytest set-up: a test-only secret key (production refuses to start without one)."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789")
