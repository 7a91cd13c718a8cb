from allauth.account import views as allauth_views
from django.urls import include, path

from cmeledger.accounts import views

urlpatterns = [
    # The pages the site links to keep the names they always had; allauth's own names
    # (account_login, ...) come with allauth's URLs below, at the same addresses.
    path("signup/", views.SignupView.as_view(), name="signup"),
    path("login/", allauth_views.login, name="login"),
    path("logout/", allauth_views.logout, name="logout"),
    path("password/change/", allauth_views.password_change, name="password_change"),
    path("password/reset/", allauth_views.password_reset, name="password_reset"),
    path("email/resend/", views.resend_confirmation, name="email-resend"),
    path("profile/", views.profile, name="profile"),
    path("licenses/add/", views.license_add, name="license-add"),
    path("licenses/<int:pk>/", views.license_edit, name="license-edit"),
    path("licenses/<int:pk>/delete/", views.license_delete, name="license-delete"),
    path("certifications/add/", views.certification_add, name="certification-add"),
    path("certifications/<int:pk>/", views.certification_edit, name="certification-edit"),
    path(
        "certifications/<int:pk>/delete/",
        views.certification_delete,
        name="certification-delete",
    ),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token-revoke"),
    path("", include("allauth.urls")),
]
