"""Production settings are secure by default: checked by running manage.py as a deployer would.

Each test starts a fresh Python process with the real settings module and an environment
cleared of everything the test settings (or the developer's shell) may have set.
"""

from __future__ import annotations

import os
import secrets
import string
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

MANAGE = Path(settings.BASE_DIR) / "manage.py"
# Variables that would make the settings less strict than a bare production environment.
CLEARED = {
    "DJANGO_SETTINGS_MODULE",
    "TESTING",
    "DEMO_MODE",
    "DEBUG",
    "REQUIRE_TWO_FACTOR",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    # Set by supervision/conftest.py for Playwright; never in a real deployment.
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}


def random_secret_key(length: int = 60) -> str:
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    return "".join(secrets.choice(alphabet) for _ in range(length))


@pytest.fixture
def base_env(tmp_path) -> dict[str, str]:
    """os.environ without anything that relaxes the settings; a throwaway SQLite database."""
    env = {key: value for key, value in os.environ.items() if key not in CLEARED}
    env["DJANGO_SETTINGS_MODULE"] = "supervision.settings"
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'settings-check.sqlite3'}"
    return env


@pytest.fixture
def production_env(base_env) -> dict[str, str]:
    return {
        **base_env,
        "SECRET_KEY": random_secret_key(),
        "ALLOWED_HOSTS": "supervision.example",
    }


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - fixed arguments, our own manage.py
        [sys.executable, str(MANAGE), *args],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def output(result: subprocess.CompletedProcess[str]) -> str:
    return result.stdout + result.stderr


def test_production_settings_pass_the_deployment_checklist(production_env):
    result = manage(production_env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, output(result)
    assert "WARNINGS" not in output(result)
    assert "ERRORS" not in output(result)


def test_the_deployment_check_would_notice_a_relaxed_setting(production_env):
    """The check above can fail: turning DEBUG on in production is reported."""
    result = manage(
        {**production_env, "DEBUG": "true"}, "check", "--deploy", "--fail-level", "WARNING"
    )
    assert result.returncode != 0
    assert "security.W018" in output(result)


def test_without_a_secret_key_and_outside_demo_mode_the_site_refuses_to_start(base_env):
    result = manage(base_env, "check")
    assert result.returncode != 0
    assert "SECRET_KEY" in output(result)
    assert "System check identified no issues" not in output(result)


def test_an_empty_secret_key_counts_as_none(base_env):
    result = manage({**base_env, "SECRET_KEY": ""}, "check")
    assert result.returncode != 0
    assert "SECRET_KEY" in output(result)


@pytest.mark.parametrize(
    ("debug", "expected"),
    [(None, "False"), ("false", "False"), ("true", "True")],
    ids=["unset", "false", "true"],
)
def test_debug_is_off_unless_set(production_env, debug, expected):
    env = dict(production_env)
    if debug is not None:
        env["DEBUG"] = debug
    result = manage(env, "shell", "-c", "from django.conf import settings; print(settings.DEBUG)")
    assert result.returncode == 0, output(result)
    assert result.stdout.strip().splitlines()[-1] == expected


def test_demo_mode_runs_without_a_secret_key(base_env):
    result = manage({**base_env, "DEMO_MODE": "true"}, "check")
    assert result.returncode == 0, output(result)
    assert "System check identified no issues" in output(result)


def test_production_cookies_are_secure_and_two_factor_is_required(production_env):
    code = (
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.REQUIRE_TWO_FACTOR, "
        "s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS > 0, s.ALLOWED_HOSTS)"
    )
    result = manage(production_env, "shell", "-c", code)
    assert result.returncode == 0, output(result)
    assert (
        result.stdout.strip().splitlines()[-1] == "True True True True True ['supervision.example']"
    )


def test_production_stores_passwords_with_argon2id_and_names_cookies_host_only(production_env):
    code = (
        "from django.conf import settings as s; "
        "from django.contrib.auth.hashers import make_password; "
        "print(make_password('a long fictional passphrase').split('$')[:2], "
        "s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.SESSION_COOKIE_HTTPONLY)"
    )
    result = manage(production_env, "shell", "-c", code)
    assert result.returncode == 0, output(result)
    assert result.stdout.strip().splitlines()[-1] == (
        "['argon2', 'argon2id'] __Host-sessionid __Host-csrftoken True"
    )
