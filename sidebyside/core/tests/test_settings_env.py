"""Settings from the environment: typed readers, and production refusing unsafe configuration."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_choice, env_int, env_list, env_str

SETUP = "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings'; django.setup()"
# Variables that change what the settings module does; each test sets what it needs.
SETTINGS_VARIABLES = (
    "SIDEBYSIDE_ENV",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "SITE_URL",
    "SERVICE_CONTACT_EMAIL",
    "DEBUG",
    "DATABASE_URL",
    "DATABASE_PREPARE",
    "HSTS_PRELOAD",
    "HSTS_SECONDS",
    "HTTPS",
    "DJANGO_SETTINGS_MODULE",
    "FIELD_ENCRYPTION_KEYS",
    "NOTIFY_SENDER",
    "NOTIFY_API_KEY",
    "NOTIFY_TEMPLATE_INVITATION",
    "NOTIFY_TEMPLATE_REMINDER",
    "NOTIFY_TEMPLATE_THANK_YOU",
    "NOTIFY_TEMPLATE_SAFEGUARDING",
    "NOTIFY_TEMPLATE_DIGEST",
    "NOTIFY_TEMPLATE_LEADER_MESSAGE",
    "NOTIFY_TEMPLATE_ACTION_REMINDER",
)


# --- Readers ------------------------------------------------------------------------------


def test_env_readers_read_well_formed_values(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SBS_T_BOOL", " Yes ")
    monkeypatch.setenv("SBS_T_INT", "42")
    monkeypatch.setenv("SBS_T_CHOICE", "b")
    monkeypatch.setenv("SBS_T_LIST", "a.example, b.example,,")
    monkeypatch.setenv("SBS_T_STR", "  hello ")

    assert env_bool("SBS_T_BOOL", False) is True
    assert env_int("SBS_T_INT", 1, minimum=10) == 42
    assert env_choice("SBS_T_CHOICE", "a", ("a", "b")) == "b"
    assert env_list("SBS_T_LIST", []) == ["a.example", "b.example"]
    assert env_str("SBS_T_STR") == "hello"


def test_env_readers_use_defaults_when_unset_or_blank(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SBS_T_UNSET", raising=False)
    monkeypatch.setenv("SBS_T_BLANK", "   ")

    assert env_bool("SBS_T_UNSET", True) is True
    assert env_bool("SBS_T_BLANK", False) is False
    assert env_int("SBS_T_UNSET", 7) == 7
    assert env_choice("SBS_T_BLANK", "a", ("a", "b")) == "a"
    assert env_list("SBS_T_UNSET", ["x"]) == ["x"]
    assert env_str("SBS_T_UNSET", "d") == "d"


@pytest.mark.parametrize("value", ["maybe", "2", "tru"])
def test_env_bool_rejects_other_words_naming_the_variable(
    value: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SBS_T_FLAG", value)

    with pytest.raises(ImproperlyConfigured, match="SBS_T_FLAG") as raised:
        env_bool("SBS_T_FLAG", False)

    assert repr(value) in str(raised.value)


def test_env_int_rejects_words(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SBS_T_NUMBER", "ten")

    with pytest.raises(ImproperlyConfigured, match=r"SBS_T_NUMBER must be a whole number, not 'ten'"):
        env_int("SBS_T_NUMBER", 10)


def test_env_int_rejects_values_below_the_minimum(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SBS_T_NUMBER", "4")

    with pytest.raises(ImproperlyConfigured, match=r"SBS_T_NUMBER must be at least 5, not 4"):
        env_int("SBS_T_NUMBER", 10, minimum=5)
    monkeypatch.setenv("SBS_T_NUMBER", "5")
    assert env_int("SBS_T_NUMBER", 10, minimum=5) == 5


def test_env_choice_rejects_unknown_values(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SBS_T_MODE", "staging")

    with pytest.raises(ImproperlyConfigured, match="SBS_T_MODE must be one of production, test"):
        env_choice("SBS_T_MODE", "test", ("production", "test"))


def test_env_str_required_names_the_missing_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SBS_T_SECRET", raising=False)

    with pytest.raises(ImproperlyConfigured, match="SBS_T_SECRET must be set"):
        env_str("SBS_T_SECRET", "default", required=True)


# --- Production start-up ----------------------------------------------------------------------


def production_env(**overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    env.update(
        SIDEBYSIDE_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(45),  # 60 characters
        ALLOWED_HOSTS="sidebyside.example.org",
        SITE_URL="https://sidebyside.example.org",
        SERVICE_CONTACT_EMAIL="help@example.org",
        FIELD_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
        NOTIFY_API_KEY="trial-" + secrets.token_hex(16),
        NOTIFY_TEMPLATE_INVITATION="8c1f7f9e-2d4a-4a49-9d55-1b1f0c7d2e01",
        NOTIFY_TEMPLATE_REMINDER="8c1f7f9e-2d4a-4a49-9d55-1b1f0c7d2e02",
        NOTIFY_TEMPLATE_THANK_YOU="8c1f7f9e-2d4a-4a49-9d55-1b1f0c7d2e03",
        NOTIFY_TEMPLATE_SAFEGUARDING="8c1f7f9e-2d4a-4a49-9d55-1b1f0c7d2e04",
        NOTIFY_TEMPLATE_DIGEST="8c1f7f9e-2d4a-4a49-9d55-1b1f0c7d2e05",
        NOTIFY_TEMPLATE_LEADER_MESSAGE="8c1f7f9e-2d4a-4a49-9d55-1b1f0c7d2e06",
        NOTIFY_TEMPLATE_ACTION_REMINDER="8c1f7f9e-2d4a-4a49-9d55-1b1f0c7d2e07",
    )
    env.update(overrides)
    return {k: v for k, v in env.items() if v is not None}


def start_django(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "-c", SETUP],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def database_options(**overrides: str) -> str:
    show = (
        SETUP + "; from django.conf import settings; print(sorted(settings.DATABASES['default']['OPTIONS']))"
    )
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "-c", show],
        cwd=settings.BASE_DIR,
        env=production_env(**overrides),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_the_database_address_options_are_kept_beside_the_pool() -> None:
    """``?sslmode=require`` in DATABASE_URL must reach PostgreSQL with the pool on, as without it."""
    address = "postgres://u:p@db.internal:5432/sbs?sslmode=require&keepalives_idle=60"
    assert (
        database_options(DATABASE_URL=address)
        == "['keepalives_idle', 'pool', 'prepare_threshold', 'sslmode']"
    )


def test_prepared_statements_can_be_turned_off_for_a_pooler_that_cannot_keep_them() -> None:
    address = "postgres://u:p@db.internal:5432/sbs"
    assert database_options(DATABASE_URL=address, DATABASE_PREPARE="false") == "['pool']"


def without(env: dict[str, str], name: str) -> dict[str, str]:
    return {k: v for k, v in env.items() if k != name}


def test_production_settings_start_when_complete() -> None:
    result = start_django(production_env())

    assert result.returncode == 0, result.stderr


def test_production_settings_refuse_to_start_without_secret_key() -> None:
    result = start_django(without(production_env(), "SECRET_KEY"))

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr


def test_production_settings_refuse_a_short_secret_key() -> None:
    result = start_django(production_env(SECRET_KEY="too-short"))

    assert result.returncode != 0
    assert "SECRET_KEY must be at least 50 characters" in result.stderr


def test_production_settings_refuse_to_start_without_allowed_hosts() -> None:
    result = start_django(without(production_env(), "ALLOWED_HOSTS"))

    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_production_settings_refuse_a_malformed_debug() -> None:
    result = start_django(production_env(DEBUG="maybe"))

    assert result.returncode != 0
    assert "DEBUG must be one of" in result.stderr


def test_production_settings_refuse_debug_on() -> None:
    result = start_django(production_env(DEBUG="true"))

    assert result.returncode != 0
    assert "DEBUG must not be true" in result.stderr


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SERVICE_CONTACT_EMAIL", "not an address"),
        ("SERVICE_CONTACT_EMAIL", ""),
        ("SITE_URL", "https://"),
        ("SITE_URL", "http://sidebyside.example.org"),
        ("SIGN_IN_FAILURE_LIMIT", "five"),
        ("DATABASE_URL", "mysql://x@localhost/db"),
        ("FIELD_ENCRYPTION_KEYS", ""),
        ("FIELD_ENCRYPTION_KEYS", "not-a-key"),
        ("NOTIFY_API_KEY", ""),
        ("NOTIFY_SENDER", "carrier-pigeon"),
        ("NOTIFY_TEMPLATE_REMINDER", ""),
    ],
)
def test_production_settings_refuse_a_malformed_value_naming_it(name: str, value: str) -> None:
    result = start_django(production_env(**{name: value}))

    assert result.returncode != 0
    assert name in result.stderr


# --- Django's deployment checklist ---------------------------------------------------------


def check_deploy(tmp_path: Path, **overrides: str) -> subprocess.CompletedProcess[str]:
    env = production_env(
        SECRET_KEY=secrets.token_urlsafe(48),  # 64 characters
        DATABASE_URL=f"sqlite:///{tmp_path / 'check.sqlite3'}",
        **overrides,
    )
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_deploy_checks_pass_with_production_settings(tmp_path: Path) -> None:
    result = check_deploy(tmp_path)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout + result.stderr


def test_deploy_checks_pass_with_hsts_preload_on(tmp_path: Path) -> None:
    """With W021 out of the way nothing else is reported: any new finding shows up here."""
    result = check_deploy(tmp_path, HSTS_PRELOAD="true")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout + result.stderr


def test_check_deploy_subprocess_environment_is_production(tmp_path: Any) -> None:
    """A guard for the two tests above: the subprocess really runs with production settings."""
    result = check_deploy(tmp_path, ALLOWED_HOSTS="")

    assert result.returncode != 0
    assert "ALLOWED_HOSTS must list" in result.stderr
