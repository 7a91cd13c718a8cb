"""Every page of every role in Chromium, at a phone's width (390×844) and a laptop's
(1366×900): no page is wider than the screen, axe finds no serious or critical
violation, and a screenshot of each is saved in ci-output/screenshots/every-page/.

The pages are the URL routes themselves: every route the authorization matrix
(tests/quality/test_authorization_matrix.py) lists is visited by the person the matrix
names as its owner, with the matrix's own objects filling the address. A route the matrix
does not know fails here too, by name, so the list of pages cannot fall behind.
"""

from __future__ import annotations

import re
import time
from importlib import import_module

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from cmeledger.capture.extract import as_json
from cmeledger.capture.models import Reading, ReadingStatus
from cmeledger.capture.reading import capture
from cmeledger.conftest import (  # noqa: F401 - fixtures the matrix's world is built from
    PASSWORD,
    alice,
    board,
    board_staff,
    bob,
    make_clinician,
    org_member,
    organization,
    other_board,
    team_manager,
)
from tests.browser.conftest import assert_accessible, log_in, open_page, screenshot
from tests.quality.test_authorization_matrix import (  # noqa: F401 - `world` is a fixture
    OK,
    ROUTES,
    Row,
    every_route,
    owner_args,
    world,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _seeds(transactional_db) -> None:
    """The boards and providers the migrations seed, which the matrix's world uses and
    the flush after each transactional test removes. (serialized_rollback would restore
    them, but clashes with the content types the flush recreates.)"""
    for module, function in SEEDS:
        getattr(import_module(module), function)(apps, None)


SEEDS = (
    ("cmeledger.accounts.migrations.0002_seed_boards", "seed_boards"),
    ("cmeledger.directory.migrations.0002_seed_providers", "seed"),
)

# Routes that answer with a file, a fragment for htmx to swap in, or nothing to look at:
# not pages. Every other GET route is visited.
NOT_PAGES = {
    "healthz",
    "calendar-feed",
    "capture-queue-progress",
    "organization-submission-progress",
    "organization-submission-errors",
    "certificate-preview",
    "certificate-download",
    "transcript-download",
    "shared-transcript-pdf",
    "packet-download",
    "export-csv",
    "export-json",
    "award-summary",
    "board-diplomates-csv",
    "board-diplomate-certificate",
    "board-audit-outcome",
    "board-direct-credit-evidence",
    "board-program-toml",
    "team-csv",
    "team-member-transcript-pdf",
    "mfa_download_recovery_codes",
    # The same page as certificate-capture, for the certificate's next draft; reading a
    # certificate takes seconds, so it is looked at once.
    "certificate-capture-page",
}
# Each role's home: the dashboard sends every signed-in person to their own workspace,
# so each role's navigation is looked at at least once.
HOMES = ("alice", "org", "staff", "manager", "admin")
WIDTHS = {"phone": (390, 844), "laptop": (1366, 900)}


def visitor(name: str, entry: Row) -> str | None:
    """Who looks at the page: its owner; a public page is looked at signed out, and a
    page anybody may use but that needs a session, by the clinician."""
    if entry.owner == "anyone":
        return None if entry.anonymous == OK or entry.args.endswith("secret") else "alice"
    return entry.owner


def page_args(kind: str, w: dict) -> list:
    """The matrix's owner arguments; a capability URL carries the world's real secret."""
    if kind.endswith("secret") and kind in w:
        return [w[kind]]
    return owner_args(kind, w)


def pages(w: dict) -> dict[str | None, list[tuple[str, str]]]:
    """(name, path) of every page, grouped by who visits it (None: signed out)."""
    unknown = sorted(name for name in every_route() if name not in ROUTES and name not in NOT_PAGES)
    if unknown:
        pytest.fail(
            f"pages nobody has said how to visit: {unknown}; give each a row in "
            "tests/quality/test_authorization_matrix.py ROUTES (or add a file route to "
            "NOT_PAGES here)"
        )
    by_visitor: dict[str | None, list[tuple[str, str]]] = {}
    for name, entry in sorted(ROUTES.items()):
        if entry.method != "get" or name in NOT_PAGES or entry.owner == "nobody":
            continue
        who = visitor(name, entry)
        if who is not None and who not in w:
            pytest.fail(f"{name}: the world has no {who!r} to visit it as")
        path = reverse(name, args=page_args(entry.args, w))
        seen = by_visitor.setdefault(who, [])
        if path not in (known for _, known in seen):  # login and account_login: one page
            seen.append((name, path))
    for role in HOMES:
        by_visitor.setdefault(role, []).append(("home", reverse("dashboard")))
    return by_visitor


# The innermost elements that reach past the right edge, to say what to fix.
OVERFLOW = """(width) => {
  const wide = [...document.querySelectorAll('body *')].filter(
    (el) => el.getBoundingClientRect().right > width + 1 && el.offsetParent !== null);
  const inner = wide.filter((el) => !wide.some((other) => other !== el && el.contains(other)));
  const describe = (el) => el.tagName.toLowerCase() + (el.className && typeof el.className ===
    'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '') + ' "' +
    (el.textContent || '').trim().slice(0, 40) + '" ' + Math.round(el.getBoundingClientRect().right);
  return {width: document.documentElement.scrollWidth, culprits: inner.slice(0, 5).map(describe)};
}"""


def look(page, base: str, device: str, label: str, path: str) -> list[str]:
    """Open one page on one device: what is wrong with it, if anything."""
    width = WIDTHS[device][0]
    problems = []
    started = time.monotonic()
    response = page.goto(base + path)
    if response is None or response.status >= 400:
        problems.append(f"{label} ({path}): answered {response.status if response else 'nothing'}")
    seen = page.evaluate(OVERFLOW, width)
    if seen["width"] > width:
        problems.append(
            f"{label} ({page.url}) is {seen['width']} px wide at {width}: "
            + "; ".join(seen["culprits"])
        )
    screenshot(page, f"every-page/{width}/{label}")
    try:
        assert_accessible(page, f"every-page-{width}-{label}")
    except pytest.fail.Exception as failure:
        problems.append(str(failure))
    TIMES.append((time.monotonic() - started, f"{width} {label}"))
    return problems


TIMES: list[tuple[float, str]] = []


def read_once(certificate) -> None:
    """Keep the certificate's reading, as the background worker does for photos, so its
    capture page is not read again (seconds each time) on every visit."""
    with certificate.file.open("rb") as handle:
        drafts = capture(handle.read(), certificate.clinician.get_full_name()).drafts
    Reading.objects.create(
        certificate=certificate,
        status=ReadingStatus.DONE,
        drafts=[as_json(draft) for draft in drafts],
        finished_at=timezone.now(),
    )


def test_every_page_of_every_role_fits_a_phone_and_a_laptop_and_passes_axe(
    live_server,
    browser,
    world,  # noqa: F811 - the fixture imported above
):
    read_once(world["certificate"])
    problems: list[str] = []
    for who, visits in pages(world).items():
        for device, (width, height) in WIDTHS.items():
            options: dict = {"viewport": {"width": width, "height": height}}
            if device == "phone":
                options |= {"is_mobile": True, "has_touch": True}
            with open_page(browser, **options) as page:
                page.set_default_navigation_timeout(30_000)  # a busy machine in CI
                if who is not None:
                    log_in(page, live_server.url, world[who].email, PASSWORD)
                for name, path in visits:
                    label = f"{who or 'anonymous'}-{name}"
                    problems += look(page, live_server.url, device, label, path)
    slowest = sorted(TIMES, reverse=True)[:5]
    print("slowest pages:", ", ".join(f"{label} {seconds:.1f} s" for seconds, label in slowest))
    assert not problems, "\n".join(problems)


def test_on_a_phone_the_links_fold_behind_a_menu_button_and_on_a_laptop_they_show(
    live_server, browser
):
    make_clinician("robin@example.net", "Robin", "Reyes")
    with open_page(browser, viewport={"width": 390, "height": 844}, is_mobile=True) as phone:
        log_in(phone, live_server.url, "robin@example.net", PASSWORD)
        menu = phone.get_by_role("button", name="Menu")
        planner = phone.get_by_role("link", name="Planner", exact=True)
        expect(menu).to_have_attribute("aria-expanded", "false")
        expect(planner).to_be_hidden()
        menu.click()
        expect(menu).to_have_attribute("aria-expanded", "true")
        planner.click()
        expect(phone).to_have_url(re.compile(r"/planner/$"))
        expect(phone.get_by_role("link", name="Planner", exact=True)).to_be_hidden()
    with open_page(browser, viewport={"width": 1366, "height": 900}) as laptop:
        log_in(laptop, live_server.url, "robin@example.net", PASSWORD)
        expect(laptop.get_by_role("button", name="Menu")).to_be_hidden()
        expect(laptop.get_by_role("link", name="Planner", exact=True)).to_be_visible()
