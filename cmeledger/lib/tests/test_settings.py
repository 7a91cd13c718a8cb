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


S3_ENV = {
    "AWS_STORAGE_BUCKET_NAME": "certs",
    "AWS_S3_ENDPOINT_URL": "http://127.0.0.1:9000",
    "AWS_S3_REGION_NAME": "eu-1",
    "AWS_ACCESS_KEY_ID": "key",
    "AWS_SECRET_ACCESS_KEY": "secret",
}


def _storage_in_subprocess(**env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "STORAGE_URL"))}
    clean.update(SECRET_KEY="k", **env)
    code = (
        "import django; django.setup(); "
        "from django.core.files.storage import storages; s = storages['default']; "
        "names = 'bucket_name endpoint_url region_name access_key secret_key default_acl "
        "querystring_auth file_overwrite'.split(); "
        "print(type(s).__name__, *[getattr(s, name, '-') for name in names])"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, "DJANGO_SETTINGS_MODULE": "cmeledger.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_django_storages_settings_from_the_environment_select_the_bucket():
    result = _storage_in_subprocess(**S3_ENV)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "S3Storage", "certs", "http://127.0.0.1:9000", "eu-1", "key", "secret", "None", "True",
        "False",
    ]  # fmt: skip


def test_without_a_bucket_certificates_stay_on_local_disk():
    result = _storage_in_subprocess()
    assert result.stdout.split()[0] == "FileSystemStorage", result.stderr


def test_a_leftover_storage_url_is_refused_with_the_variables_to_set_instead():
    result = _storage_in_subprocess(STORAGE_URL="s3://key:secret@127.0.0.1:9000/certs")
    assert result.returncode != 0
    assert "STORAGE_URL is no longer read. Set AWS_STORAGE_BUCKET_NAME" in result.stderr


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


def _setting_in_subprocess(name: str, **env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if k not in {"SITE_URL", "PORT", "EMAIL_HOST"}}
    clean.update({"SECRET_KEY": "k"} | env)
    code = f"import cmeledger.settings as s; print(s.{name})"
    result = subprocess.run(
        [sys.executable, "-c", code], env=clean, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_site_url_follows_the_port_when_it_is_not_set():
    assert _setting_in_subprocess("SITE_URL", PORT="9000") == "http://127.0.0.1:9000"


def test_site_url_defaults_to_port_8000():
    assert _setting_in_subprocess("SITE_URL") == "http://127.0.0.1:8000"


def test_a_site_url_that_is_set_wins_over_the_port():
    site = _setting_in_subprocess("SITE_URL", PORT="9000", SITE_URL="https://cme.example")
    assert site == "https://cme.example"


def test_a_port_that_is_not_a_number_is_refused():
    clean = {k: v for k, v in os.environ.items() if k not in {"SITE_URL"}}
    clean.update({"SECRET_KEY": "k", "PORT": "eighty"})
    result = subprocess.run(
        [sys.executable, "-c", "import cmeledger.settings"],
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "PORT must be a whole number; got 'eighty'" in result.stderr


def test_without_an_smtp_server_e_mails_are_saved_to_files_not_printed():
    backend = _setting_in_subprocess("EMAIL_BACKEND")
    assert backend == "cmeledger.lib.mail.DevelopmentBackend"
