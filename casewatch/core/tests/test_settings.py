"""Settings read from the environment: production refuses to start without a SECRET_KEY."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
SETUP = "import django; django.setup(); from django.conf import settings; print('DEBUG', settings.DEBUG)"


def start(tmp_path, **env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "CASEWATCH_DEBUG", "CASEWATCH_DEMO", "DATABASE_URL"}
    }
    clean.update(DJANGO_SETTINGS_MODULE="casewatch.settings", CASEWATCH_VAR_DIR=str(tmp_path), **env)
    return subprocess.run(
        [sys.executable, "-c", SETUP], env=clean, cwd=REPO, capture_output=True, text=True, timeout=120
    )


@pytest.mark.slow
def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = start(tmp_path)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY is not set" in result.stderr
    assert "未设置 SECRET_KEY" in result.stderr


@pytest.mark.slow
@pytest.mark.parametrize(
    ("env", "debug"),
    [
        ({"SECRET_KEY": "a-real-production-secret-0123456789abcdef"}, "False"),
        ({"CASEWATCH_DEBUG": "1"}, "True"),
    ],
)
def test_starts_with_a_secret_key_or_in_development(tmp_path, env, debug):
    result = start(tmp_path, **env)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().endswith(f"DEBUG {debug}")


def test_security_settings(settings):
    assert settings.SESSION_COOKIE_HTTPONLY and settings.SESSION_SAVE_EVERY_REQUEST
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.LOCKOUT_THRESHOLD == 5 and settings.LOCKOUT_MINUTES == 15
    assert settings.X_FRAME_OPTIONS == "DENY"
    assert settings.LANGUAGE_CODE == "zh-hans" and settings.TIME_ZONE == "Asia/Shanghai"
    min_length = [
        v["OPTIONS"]["min_length"] for v in settings.AUTH_PASSWORD_VALIDATORS if "MinimumLength" in v["NAME"]
    ]
    assert min_length == [10]
