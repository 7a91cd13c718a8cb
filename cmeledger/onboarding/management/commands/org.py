"""`cmeledger org create SLUG --name NAME [--kind K ...] [--board CODE ...] ...`: a
reporting organization and its data-sharing agreement; `cmeledger org list`."""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cmeledger.accounts.models import Organization
from cmeledger.onboarding import services
from cmeledger.onboarding.services import OnboardingError, Terms
from cmeledger.reporting.models import Agreement, CredentialKind


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"“{text}” is not a date; write it as YYYY-MM-DD.") from None


class Command(BaseCommand):
    help = "Create and list reporting organizations with their data-sharing agreements."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser(
            "create", help="create an organization and its data-sharing agreement"
        )
        create.add_argument("slug", help="short name in lowercase letters, digits and hyphens")
        create.add_argument("--name", required=True, help="the organization's full name")
        create.add_argument(
            "--kind",
            action="append",
            choices=CredentialKind.values,
            help="what it may report (repeat for both; default state-license)",
        )
        create.add_argument(
            "--board",
            action="append",
            default=[],
            help="a board code its board-certification credit is for (repeatable)",
        )
        create.add_argument(
            "--members-only", action="store_true", help="report only for listed members"
        )
        create.add_argument("--starts", help="first day of the agreement (YYYY-MM-DD; today)")
        create.add_argument("--ends", help="last day of the agreement (YYYY-MM-DD; open-ended)")
        actions.add_parser("list", help="list the organizations and their agreements")

    def handle(self, *args, action: str, **options) -> None:
        if action == "list":
            self._list()
            return
        try:
            terms = Terms(
                credential_kinds=tuple(options["kind"] or [CredentialKind.STATE_LICENSE]),
                boards=services.boards_from_codes(options["board"]),
                members_only=options["members_only"],
                starts_on=_day(options["starts"]) if options["starts"] else None,
                ends_on=_day(options["ends"]) if options["ends"] else None,
            )
            organization = services.create_organization(options["slug"], options["name"], terms)
        except OnboardingError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Created the organization {organization.name} ({organization.slug}).")
        self.stdout.write(f"Agreement: {_terms(organization.agreement)}.")
        self.stdout.write(
            f"Invite its first member: cmeledger invite EMAIL --role organization "
            f"--org {organization.slug}"
        )

    def _list(self) -> None:
        organizations = Organization.objects.select_related("agreement").order_by("slug")
        if not organizations:
            self.stdout.write("No organizations yet.")
        for organization in organizations:
            agreement = getattr(organization, "agreement", None)
            terms = _terms(agreement) if agreement else "no agreement"
            self.stdout.write(f"{organization.slug}\t{organization.name}\t{terms}")


def _terms(agreement: Agreement) -> str:
    kinds = ", ".join(CredentialKind(k).label for k in agreement.credential_kinds)
    boards = ", ".join(b.code.upper() for b in agreement.boards.all())
    until = agreement.ends_on.isoformat() if agreement.ends_on else "no end date"
    parts = [kinds]
    if boards:
        parts.append(f"boards {boards}")
    if agreement.members_only:
        parts.append("members only")
    parts.append(f"from {agreement.starts_on.isoformat()} to {until}")
    return "; ".join(parts)
