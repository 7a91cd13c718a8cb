"""The dashboard's sections built on the progress report (where you stand, charts, your
cycles), rendered once and kept per clinician until anything they are built from changes.

The report, the charts and the cycle totals were four fifths of a large ledger's dashboard
(make bench: BENCH=dashboard), yet they change only when the clinician's ledger, profile,
licenses, certifications, sets or the catalog change, or the day turns. The key holds the
digest of all of those (progress.inputs_stamp, one short query each), so a kept section is
never stale: any change makes a new key, and the old one is culled. The cache is each
process's own memory ("pages" in settings), so a deploy, which restarts the processes,
never shows sections rendered by older code.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.cache import caches
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from cmeledger.accounts.credentials import degree_of
from cmeledger.accounts.models import Certification, License
from cmeledger.front import glance
from cmeledger.ledger.dashboard import cycles_for, timeline
from cmeledger.ledger.models import CreditEntry
from cmeledger.reports import charts
from cmeledger.requirements import planner, progress

KEPT_SECONDS = 24 * 3600
NEXT_SHOWN = 3  # "What is next": the planner's first activities; the planner has the rest


@dataclass(frozen=True)
class Sections:
    standing: SafeString
    charts: SafeString
    cycles: SafeString
    uses: dict[str, list[str]]  # entry id -> the sets and rules it counted toward
    sets: int = 0  # how many sets the clinician follows
    # What the first-run checklist asks (front/first_run.py), all inside the key.
    has_license: bool = False
    has_certification: bool = False
    has_credits: bool = False


def dashboard_sections(request: HttpRequest, today: date) -> Sections:
    """The clinician's sections for `today`, rendered now or kept from an earlier request."""
    user = request.user
    key = f"dashboard:{user.pk}:{today.isoformat()}:{progress.inputs_stamp(user)}"
    pages = caches["pages"]
    found = pages.get(key)
    if found is None:
        found = _render(request, today)
        pages.set(key, found, KEPT_SECONDS)
    return found


def _render(request: HttpRequest, today: date) -> Sections:
    user = request.user
    # The dashboard shows each entry's sets and rules, never the words of why.
    standing = progress.report(user, today, explain=False)
    cycles = cycles_for(user)
    results = [item.result for item in standing.sets if item.result]
    context = {
        "today": today,
        "standing": standing.sets,
        "glances": glance.glances(standing.sets, today),
        "suggestions": planner.plan(results, degree_of(user))[:NEXT_SHOWN],
        "charts": charts.for_dashboard(user, standing, today),
        "cycles": cycles,
        "timeline": timeline(cycles, today),
    }

    def section(name: str) -> SafeString:
        return render_to_string(f"front/_dashboard_{name}.html", context, request=request)

    return Sections(
        section("standing"),
        section("charts"),
        section("cycles"),
        progress.counted_toward(standing),
        len(standing.sets),
        # Asked apart from the cycles: a license with no dates yet has no cycle.
        has_license=License.objects.filter(clinician=user).exists(),
        has_certification=Certification.objects.filter(clinician=user).exists(),
        has_credits=CreditEntry.objects.owned_by(user).live().exists(),
    )
