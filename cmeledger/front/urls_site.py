"""The site-admin area under site/, and the invitation an invitee opens at welcome/<secret>/."""

from django.urls import path

from cmeledger.front import site_views as v

urlpatterns = [
    path("site/", v.site_admin, name="site-admin"),
    path("site/organizations/add/", v.organization_add, name="site-organization-add"),
    path("site/organizations/<int:pk>/", v.organization, name="site-organization"),
    path("site/boards/add/", v.board_add, name="site-board-add"),
    path("site/invitations/", v.invite, name="site-invite"),
    path(
        "site/invitations/<int:pk>/revoke/",
        v.invitation_revoke,
        name="site-invitation-revoke",
    ),
    path("welcome/<str:secret>/", v.invitation, name="invitation"),
]
