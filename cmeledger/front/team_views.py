"""Team pages: managers' teams and invitations, the invitation a clinician answers, and a
member's "My teams". What a team sees is built in teams/services.py, never here."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from cmeledger.accounts.models import User
from cmeledger.permissions import (
    clinician_required,
    is_clinician,
    not_for_role,
    team_manager_required,
)
from cmeledger.reports import sharing
from cmeledger.reports.models import ShareAccessKind, ShareLink
from cmeledger.reports.transcript import TranscriptError, default_filename, issue
from cmeledger.teams import services
from cmeledger.teams.models import MAX_MEMBERS, Invitation, Membership, Team, TeamKind
from cmeledger.teams.services import InvitationGone, TeamError


def _private(response: HttpResponse) -> HttpResponse:
    """Pages behind a secret or showing a member's status: never cached or indexed, and
    the secret never leaks on as a referrer."""
    response["Cache-Control"] = "private, no-store"
    # same-origin, not no-referrer: no other site ever sees the address, and Chromium
    # still sends an Origin with this page's forms (under no-referrer it sends "null",
    # which Django's CSRF check refuses).
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _pdf(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _team_or_404(request: HttpRequest, pk: int) -> Team:
    return get_object_or_404(Team.objects.managed_by(request.user), pk=pk)


def _member_or_404(team: Team, pk: int) -> Membership:
    return get_object_or_404(team.memberships.select_related("clinician", "share_link"), pk=pk)


class TeamForm(forms.Form):
    name = forms.CharField(max_length=200, help_text="For example “Hospitalists, St. Elsewhere”.")
    kind = forms.ChoiceField(choices=TeamKind.choices)


class InviteForm(forms.Form):
    email = forms.EmailField(label="Clinician's email address", max_length=254)


class ManagerForm(forms.Form):
    email = forms.EmailField(label="Another team manager's email address", max_length=254)


# Managers -------------------------------------------------------------------------------------


def _teams_page(request: HttpRequest, form: TeamForm, status: int = 200) -> HttpResponse:
    teams = Team.objects.managed_by(request.user).prefetch_related("memberships", "managers")
    context = {"teams": teams, "form": form, "max_members": MAX_MEMBERS}
    return render(request, "front/teams/teams.html", context, status=status)


@require_GET
@team_manager_required
def teams(request: HttpRequest) -> HttpResponse:
    return _teams_page(request, TeamForm())


@require_POST
@team_manager_required
def team_add(request: HttpRequest) -> HttpResponse:
    form = TeamForm(request.POST)
    if form.is_valid():
        try:
            team = services.create_team(request.user, **form.cleaned_data)
        except TeamError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Created the team “{team.name}”. Invite its clinicians.")
            return redirect("team-detail", team.pk)
    return _teams_page(request, form, status=400)


def _detail(
    request: HttpRequest,
    team: Team,
    *,
    invite_form: InviteForm | None = None,
    manager_form: ManagerForm | None = None,
    created_url: str | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "team": team,
        "status": services.team_status(team),
        "managers": team.managers.order_by("last_name", "first_name", "email"),
        "invitations": team.invitations.pending().select_related("invited_by"),
        "invite_form": invite_form or InviteForm(),
        "manager_form": manager_form or ManagerForm(),
        "created_url": created_url,
        "max_members": MAX_MEMBERS,
    }
    return _private(render(request, "front/teams/team_detail.html", context, status=status))


@require_GET
@team_manager_required
def team_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _team_or_404(request, pk))


@require_GET
@team_manager_required
def team_csv(request: HttpRequest, pk: int) -> HttpResponse:
    team = _team_or_404(request, pk)
    status = services.team_status(team)
    response = HttpResponse(services.status_csv(status), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="team-{team.pk}-{status.on}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@team_manager_required
def team_invite(request: HttpRequest, pk: int) -> HttpResponse:
    team = _team_or_404(request, pk)
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            invitation, secret = services.invite(team, form.cleaned_data["email"], request.user)
        except TeamError as error:
            form.add_error("email", str(error).removeprefix("email: "))
        else:
            if services.send_invitation(invitation, secret):
                messages.success(request, f"Sent an invitation to {invitation.email}.")
            else:
                messages.warning(
                    request,
                    f"The email to {invitation.email} could not be sent; give them the link below.",
                )
            return _detail(request, team, created_url=services.join_url(secret))
    return _detail(request, team, invite_form=form, status=400)


@require_POST
@team_manager_required
def team_invitation_revoke(request: HttpRequest, pk: int, invitation_pk: int) -> HttpResponse:
    team = _team_or_404(request, pk)
    invitation = get_object_or_404(Invitation, team=team, pk=invitation_pk)
    services.revoke_invitation(invitation)
    messages.success(request, f"Revoked the invitation to {invitation.email}.")
    return redirect("team-detail", team.pk)


@require_POST
@team_manager_required
def team_manager_add(request: HttpRequest, pk: int) -> HttpResponse:
    team = _team_or_404(request, pk)
    form = ManagerForm(request.POST)
    if form.is_valid():
        try:
            user = services.add_manager(team, form.cleaned_data["email"])
        except TeamError as error:
            form.add_error("email", str(error).removeprefix("email: "))
        else:
            messages.success(request, f"{user.display_name} now manages this team too.")
            return redirect("team-detail", team.pk)
    return _detail(request, team, manager_form=form, status=400)


@require_POST
@team_manager_required
def team_manager_remove(request: HttpRequest, pk: int, user_pk: int) -> HttpResponse:
    team = _team_or_404(request, pk)
    user = get_object_or_404(team.managers.all(), pk=user_pk)
    try:
        services.remove_manager(team, user)
    except TeamError as error:
        messages.error(request, str(error))
        return redirect("team-detail", team.pk)
    messages.success(request, f"{user.display_name} no longer manages this team.")
    if user == request.user:
        return redirect("teams")
    return redirect("team-detail", team.pk)


@require_POST
@team_manager_required
def team_member_remove(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    team = _team_or_404(request, pk)
    membership = _member_or_404(team, member_pk)
    name = membership.clinician.display_name
    services.leave(membership)
    messages.success(request, f"Removed {name} from the team.")
    return redirect("team-detail", team.pk)


@require_POST
@team_manager_required
def team_delete(request: HttpRequest, pk: int) -> HttpResponse:
    team = _team_or_404(request, pk)
    name = team.name
    team.delete()
    messages.success(request, f"Deleted the team “{name}”; its members' rows are gone.")
    return redirect("teams")


def _shared_or_404(request: HttpRequest, pk: int, member_pk: int) -> ShareLink | HttpResponse:
    """The transcript link a member chose to share; a revoked or expired one is a 410."""
    membership = _member_or_404(_team_or_404(request, pk), member_pk)
    link = membership.share_link
    if link is None:
        raise Http404("This member shares no transcript.")
    if not link.is_usable:
        sharing.log_access(link, ShareAccessKind.REFUSED, request)
        context = {"state": link.state}
        return _private(render(request, "front/reports/shared_gone.html", context, status=410))
    return link


@require_GET
@team_manager_required
def team_member_transcript(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    link = _shared_or_404(request, pk, member_pk)
    if isinstance(link, HttpResponse):
        return link
    try:
        data = sharing.transcript_of(link)
    except TranscriptError:
        context = {"state": "unavailable"}
        return _private(render(request, "front/reports/shared_gone.html", context, status=410))
    sharing.log_access(link, ShareAccessKind.PAGE, request)
    context = {"data": data, "link": link, "team_pk": pk, "member_pk": member_pk}
    return _private(render(request, "front/teams/member_transcript.html", context))


@require_GET
@team_manager_required
def team_member_transcript_pdf(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    link = _shared_or_404(request, pk, member_pk)
    if isinstance(link, HttpResponse):
        return link
    try:
        pdf, issued = issue(link.clinician, share_link=link, **sharing.issue_kwargs(link))
    except TranscriptError:
        context = {"state": "unavailable"}
        return _private(render(request, "front/reports/shared_gone.html", context, status=410))
    sharing.log_access(link, ShareAccessKind.PDF, request)
    return _private(_pdf(pdf, default_filename(issued)))


# The invitation --------------------------------------------------------------------------------


def _invitation_or_refusal(request: HttpRequest, secret: str) -> Invitation | HttpResponse:
    if not is_clinician(request.user):
        return not_for_role(
            request,
            "Team invitations are for clinicians: sign out and sign in with the clinician "
            "account the invitation is for.",
        )
    try:
        invitation = services.usable_invitation(secret)
    except InvitationGone as gone:
        context = {"message": str(gone)}
        return _private(render(request, "front/teams/join_gone.html", context, status=410))
    if invitation is None:
        raise Http404("No such invitation.")
    return invitation


@require_GET
@login_required
def team_join(request: HttpRequest, secret: str) -> HttpResponse:
    invitation = _invitation_or_refusal(request, secret)
    if isinstance(invitation, HttpResponse):
        return invitation
    team = invitation.team
    context = {
        "invitation": invitation,
        "team": team,
        "secret": secret,
        "managers": services.manager_names(team),
        "rows": services.status_rows(request.user, timezone.localdate()),
        "already_member": team.memberships.filter(clinician=request.user).exists(),
        "other_email": invitation.email != request.user.email,
    }
    return _private(render(request, "front/teams/join.html", context))


@require_POST
@login_required
def team_join_accept(request: HttpRequest, secret: str) -> HttpResponse:
    invitation = _invitation_or_refusal(request, secret)
    if isinstance(invitation, HttpResponse):
        return invitation
    try:
        services.accept(invitation, request.user)
    except InvitationGone as gone:
        return _private(
            render(request, "front/teams/join_gone.html", {"message": str(gone)}, status=410)
        )
    except TeamError as error:
        messages.error(request, str(error))
        return redirect("team-join", secret)
    messages.success(request, f"You joined {invitation.team.name}. This is what it sees.")
    return redirect("my-teams")


@require_POST
@login_required
def team_join_decline(request: HttpRequest, secret: str) -> HttpResponse:
    invitation = _invitation_or_refusal(request, secret)
    if isinstance(invitation, HttpResponse):
        return invitation
    try:
        services.decline(invitation, request.user)
    except InvitationGone as gone:
        return _private(
            render(request, "front/teams/join_gone.html", {"message": str(gone)}, status=410)
        )
    messages.success(request, f"You declined to join {invitation.team.name}. Nothing was shared.")
    return redirect("my-teams")


# Members ----------------------------------------------------------------------------------------


def _own_membership(request: HttpRequest, pk: int) -> Membership:
    return get_object_or_404(
        Membership.objects.filter(clinician=request.user).select_related("team", "share_link"),
        pk=pk,
    )


class SharingForm(forms.Form):
    share_link = forms.ModelChoiceField(
        queryset=ShareLink.objects.none(),
        required=False,
        empty_label="Share no transcript",
        label="Transcript this team may open",
    )

    def __init__(self, user: User, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["share_link"].queryset = ShareLink.objects.owned_by(user).usable()


@require_GET
@clinician_required
def my_teams(request: HttpRequest) -> HttpResponse:
    memberships = list(
        Membership.objects.filter(clinician=request.user)
        .select_related("team", "share_link")
        .prefetch_related("team__managers")
        .order_by("team__name", "id")
    )
    rows = services.status_rows(request.user, timezone.localdate()) if memberships else []
    items = [
        {
            "membership": m,
            "managers": [u.display_name for u in m.team.managers.all()],
            "shared": services.shared_link(m),
            "form": SharingForm(
                request.user, initial={"share_link": m.share_link_id}, auto_id=f"share-{m.pk}-%s"
            ),
        }
        for m in memberships
    ]
    context = {"items": items, "rows": rows}
    return render(request, "front/teams/my_teams.html", context)


@require_POST
@clinician_required
def my_team_leave(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _own_membership(request, pk)
    name = membership.team.name
    services.leave(membership)
    messages.success(request, f"You left {name}. It no longer sees anything of yours.")
    return redirect("my-teams")


@require_POST
@clinician_required
def my_team_sharing(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _own_membership(request, pk)
    form = SharingForm(request.user, request.POST)
    if not form.is_valid():
        messages.error(
            request,
            "Choose one of your share links that is still active (Reports → Share links).",
        )
        return redirect("my-teams")
    link = form.cleaned_data["share_link"]
    services.set_shared_link(membership, link.pk if link else None)
    if link:
        messages.success(
            request,
            f"{membership.team.name} may now open the transcript of your link for "
            f"“{link.recipient}” until it expires or you revoke it.",
        )
    else:
        messages.success(request, f"{membership.team.name} no longer sees a transcript of yours.")
    return redirect("my-teams")
