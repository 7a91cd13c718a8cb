"""Teams: managers under teams/, the invitation at teams/join/<secret>/, members under
my-teams/."""

from django.urls import path

from cmeledger.front import team_views as v

urlpatterns = [
    path("teams/", v.teams, name="teams"),
    path("teams/add/", v.team_add, name="team-add"),
    path("teams/join/<str:secret>/", v.team_join, name="team-join"),
    path("teams/join/<str:secret>/accept/", v.team_join_accept, name="team-join-accept"),
    path("teams/join/<str:secret>/decline/", v.team_join_decline, name="team-join-decline"),
    path("teams/<int:pk>/", v.team_detail, name="team-detail"),
    path("teams/<int:pk>/status.csv", v.team_csv, name="team-csv"),
    path("teams/<int:pk>/delete/", v.team_delete, name="team-delete"),
    path("teams/<int:pk>/invitations/", v.team_invite, name="team-invite"),
    path(
        "teams/<int:pk>/invitations/<int:invitation_pk>/revoke/",
        v.team_invitation_revoke,
        name="team-invitation-revoke",
    ),
    path("teams/<int:pk>/managers/", v.team_manager_add, name="team-manager-add"),
    path(
        "teams/<int:pk>/managers/<int:user_pk>/remove/",
        v.team_manager_remove,
        name="team-manager-remove",
    ),
    path(
        "teams/<int:pk>/members/<int:member_pk>/remove/",
        v.team_member_remove,
        name="team-member-remove",
    ),
    path(
        "teams/<int:pk>/members/<int:member_pk>/transcript/",
        v.team_member_transcript,
        name="team-member-transcript",
    ),
    path(
        "teams/<int:pk>/members/<int:member_pk>/transcript.pdf",
        v.team_member_transcript_pdf,
        name="team-member-transcript-pdf",
    ),
    path("my-teams/", v.my_teams, name="my-teams"),
    path("my-teams/<int:pk>/leave/", v.my_team_leave, name="my-team-leave"),
    path("my-teams/<int:pk>/sharing/", v.my_team_sharing, name="my-team-sharing"),
]
