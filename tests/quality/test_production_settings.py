"""Production settings: Django's deploy check passes with production-like settings, and
every answer carries the security headers (CSP, frame denial, HSTS behind TLS)."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db

PRODUCTION = {
    "SECRET_KEY": secrets.token_urlsafe(60),
    "BEHIND_TLS_PROXY": "1",
    "ALLOWED_HOSTS": "cme.example.org",
    "DEBUG": "0",
}


def _deploy_check(**env: str) -> subprocess.CompletedProcess:
    # The browser tests' DJANGO_ALLOW_ASYNC_UNSAFE is the test run's, not production's.
    test_only = {"SECURE_COOKIES", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in test_only}
    return subprocess.run(
        [sys.executable, "-m", "cmeledger", "check", "--deploy", "--fail-level", "WARNING"],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_deploy_check_is_clean_with_production_settings():
    result = _deploy_check(**PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_the_deploy_check_fails_when_the_site_is_not_behind_tls():
    result = _deploy_check(**{**PRODUCTION, "BEHIND_TLS_PROXY": "0"})
    assert result.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in result.stderr


def _csp(response) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())


@pytest.mark.parametrize("url", ["/accounts/login/", "/api/v1/docs", "/healthz"])
def test_every_answer_forbids_inline_script_framing_and_sniffing(client, url):
    response = client.get(url)
    assert response.status_code == 200
    policy = _csp(response)
    assert policy["script-src"] == "'self'"
    assert policy["default-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'"
    assert policy["form-action"] == "'self'"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_the_pages_have_no_inline_script_or_event_handler(alice_client, alice_entry):
    import re

    for url in ["/", f"/entries/{alice_entry.pk}/", "/accounts/profile/", "/accounts/tokens/"]:
        html = alice_client.get(url).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", html), url
        assert not re.search(r"\son[a-z]+=\"", html), url


def test_plain_http_gets_no_hsts(client):
    assert "Strict-Transport-Security" not in client.get("/accounts/login/")


@override_settings(
    SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"),
    SECURE_SSL_REDIRECT=True,
    SECURE_HSTS_SECONDS=31_536_000,
    SECURE_HSTS_INCLUDE_SUBDOMAINS=True,
)
def test_behind_tls_answers_carry_hsts_and_plain_http_is_redirected(client):
    secure = client.get("/accounts/login/", headers={"X-Forwarded-Proto": "https"})
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"

    plain = client.get("/accounts/login/")
    assert plain.status_code == 301
    assert plain["Location"].startswith("https://")
    # The load balancer's health check is answered over plain HTTP.
    assert client.get("/healthz").status_code == 200


def test_the_health_check_says_ok_and_refuses_writes(client):
    response = client.get("/healthz")
    assert response.content == b"ok\n"
    assert response["Cache-Control"].startswith("max-age=0")
    assert client.post("/healthz").status_code == 405


def test_the_health_check_is_503_when_the_database_is_gone(client, monkeypatch):
    from django.db import DatabaseError, connection

    def broken(*args, **kwargs):
        raise DatabaseError("server closed the connection")

    monkeypatch.setattr(connection, "cursor", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert b"database unavailable" in response.content
