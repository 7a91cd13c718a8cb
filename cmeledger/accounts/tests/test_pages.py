"""allauth's pages in the site's layout, under the site's Content Security Policy."""

from __future__ import annotations

import re

import pytest
from pytest_django.asserts import assertContains

from cmeledger.conftest import make_clinician

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)

PUBLIC = [
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/accounts/password/reset/done/",
    "/accounts/confirm-email/",
    "/accounts/confirm-email/not-a-key/",
]
SIGNED_IN = [
    "/accounts/email/",
    "/accounts/password/change/",
    "/accounts/reauthenticate/",
    "/accounts/2fa/",
    "/accounts/logout/",
]


def _check(response) -> None:
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert (
        "script-src 'self'" in policy and "unsafe-inline" not in policy.split("style-src-attr")[0]
    )
    html = response.content.decode()
    assert not INLINE_SCRIPT.search(html), INLINE_SCRIPT.search(html).group(0)
    assertContains(response, '<link rel="stylesheet" href="/static/front/app.css">')


@pytest.mark.parametrize("url", PUBLIC)
def test_public_account_pages_use_the_site_layout_and_policy(client, db, url):
    _check(client.get(url))


@pytest.mark.parametrize("url", SIGNED_IN)
def test_signed_in_account_pages_use_the_site_layout_and_policy(client, db, url):
    client.force_login(make_clinician("zed@example.org", "Zed", "Zane", confirmed=False))
    _check(client.get(url))
