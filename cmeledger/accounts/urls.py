from django.contrib.auth import views as auth_views
from django.urls import path

from cmeledger.accounts import views
from cmeledger.accounts.forms import LoginForm

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="accounts/login.html",
            authentication_form=LoginForm,
            redirect_authenticated_user=True,
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/",
        auth_views.PasswordChangeView.as_view(template_name="accounts/password_change_form.html"),
        name="password_change",
    ),
    path(
        "password/changed/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="accounts/password_change_done.html"
        ),
        name="password_change_done",
    ),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
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
]
