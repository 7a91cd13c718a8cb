from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from cmeledger.lib.env import envbool, envint


def _settings_in_subprocess(**env: str) -> subprocess.CompletedProcess:
    clean = {
        k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "DATABASE_URL"}
    }
    clean.update(env)
    code = (
        "import cmeledger.settings as s; "
        "print(s.DATABASES['default']['ENGINE']); print(s.DATABASES['default'].get('OPTIONS', {}))"
    )
    return subprocess.run(
        [sys.executable, "-c", code], env=clean, capture_output=True, text=True, timeout=60
    )


def test_it_refuses_to_start_without_a_secret_key_when_debug_is_off():
    result = _settings_in_subprocess(DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_it_starts_without_a_secret_key_in_debug_mode():
    result = _settings_in_subprocess(DEBUG="1")
    assert result.returncode == 0, result.stderr


def test_sqlite_defaults_to_wal_with_immediate_transactions():
    result = _settings_in_subprocess(SECRET_KEY="k")
    assert "sqlite3" in result.stdout
    assert "'transaction_mode': 'IMMEDIATE'" in result.stdout
    assert "journal_mode=WAL" in result.stdout


def test_database_url_selects_postgresql():
    result = _settings_in_subprocess(
        SECRET_KEY="k", DATABASE_URL="postgres://u@db.example:5432/cme"
    )
    assert "django.db.backends.postgresql" in result.stdout


def test_s3_storage_url_selects_django_storages():
    code = "import cmeledger.settings as s; print(s.STORAGES['default'])"
    env = {k: v for k, v in os.environ.items() if k != "STORAGE_URL"}
    env.update(SECRET_KEY="k", STORAGE_URL="s3+http://key:secret@127.0.0.1:9000/certs?region=eu-1")
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert "storages.backends.s3.S3Storage" in result.stdout
    assert "'bucket_name': 'certs'" in result.stdout
    assert "'endpoint_url': 'http://127.0.0.1:9000'" in result.stdout


def test_a_bad_storage_url_is_named():
    env = {**os.environ, "SECRET_KEY": "k", "STORAGE_URL": "ftp://nowhere/bucket"}
    result = subprocess.run(
        [sys.executable, "-c", "import cmeledger.settings"], env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "STORAGE_URL must start with s3://" in result.stderr


def test_envbool_names_the_variable_with_a_bad_value(monkeypatch):
    monkeypatch.setenv("SOME_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="SOME_FLAG"):
        envbool("SOME_FLAG", False)


def test_envint_names_the_variable_with_a_bad_value(monkeypatch):
    monkeypatch.setenv("SOME_NUMBER", "ten")
    with pytest.raises(ImproperlyConfigured, match="SOME_NUMBER must be a whole number"):
        envint("SOME_NUMBER", 3)


def test_passwords_are_hashed_with_argon2_in_production_settings():
    code = "import cmeledger.settings as s; print(s.PASSWORD_HASHERS[0])"
    env = {**os.environ, "SECRET_KEY": "k"}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert result.stdout.strip() == "django.contrib.auth.hashers.Argon2PasswordHasher"
