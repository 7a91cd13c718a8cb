"""Playwright driving Debian's Chromium against the live test server."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import expect

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR", "ci-output/screenshots"))
AXE_REPORTS = Path(os.environ.get("AXE_REPORT_DIR", "ci-output/axe"))
AXE_SCRIPT = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
# The CSP (script-src 'self') blocks the inline <script> that add_script_tag(path=...)
# writes, so axe is served from a same-origin address the browser context answers itself.
AXE_URL_PATH = "/__browser-tests__/axe.min.js"
# Only these fail a test; every violation is still written to the JSON report.
AXE_FAILING_IMPACTS = {"serious", "critical"}
# Chromium reports a blocked script, style or connection on the console.
CSP_MARKERS = ("Content Security Policy", "Refused to")

# Playwright's sync API runs an event loop in this thread; the live server and the test's
# own ORM calls are synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    settings.TASKS = {
        "default": {
            **settings.TASKS["default"],
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        }
    }
    # The journeys sign in several people; a fast hasher keeps each log-in quick.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Staff journeys sign in with a password alone; test_two_factor_journey.py turns the
    # requirement on and sets up an authenticator app.
    settings.MFA_REQUIRED = False
    # Rate-limit counts live in the database cache, which the flush between these tests
    # leaves alone: each journey starts with none.
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}; install Debian's chromium package")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


@contextmanager
def open_page(browser, **context_options) -> Iterator:
    """A page in a fresh browser context (no cookies) that fails the test on leaving if
    the site's Content Security Policy blocked anything while it was open."""
    context = browser.new_context(**context_options)
    page = context.new_page()
    page.set_default_timeout(10_000)
    blocked: list[str] = []

    def watch(message) -> None:
        if any(marker in message.text for marker in CSP_MARKERS):
            blocked.append(f"{page.url}: {message.text}")

    page.on("console", watch)
    page.route(f"**{AXE_URL_PATH}", lambda route: route.fulfill(path=AXE_SCRIPT))
    try:
        yield page
    finally:
        context.close()
    if blocked:
        pytest.fail("Content Security Policy violations:\n" + "\n".join(blocked))


@pytest.fixture
def page(browser):
    with open_page(browser, viewport={"width": 1200, "height": 900}) as page:
        yield page


@pytest.fixture
def phone(browser):
    with open_page(browser, viewport={"width": 390, "height": 844}, is_mobile=True) as page:
        yield page


def log_in(page, base: str, email: str, password: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def assert_accessible(page, name: str) -> None:
    """Run axe-core on a page from open_page() (page, phone), write every violation to
    ci-output/axe/<name>.json and fail on the serious and critical ones."""
    if not AXE_SCRIPT.exists():
        pytest.fail(f"axe-core is missing ({AXE_SCRIPT}); run `npm ci --prefix tests/browser`")
    origin = page.evaluate("() => location.origin")
    page.add_script_tag(url=origin + AXE_URL_PATH)
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    violations = result["violations"]
    AXE_REPORTS.mkdir(parents=True, exist_ok=True)
    report = {"url": page.url, "violations": violations}
    (AXE_REPORTS / f"{name}.json").write_text(json.dumps(report, indent=2))
    failing = [
        f"- {v['id']} ({v['impact']}): {v['help']} at {', '.join(map(str, n['target']))}"
        for v in violations
        if v["impact"] in AXE_FAILING_IMPACTS
        for n in v["nodes"]
    ]
    if failing:
        pytest.fail(f"accessibility violations on {name} ({page.url}):\n" + "\n".join(failing))
