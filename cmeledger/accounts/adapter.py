"""How django-allauth fits the product: links from SITE_URL, the welcome after sign-up."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any
from urllib.parse import quote, urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import record_authentication
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from cmeledger.accounts import twofactor

WELCOME = (
    "Welcome, {name}. Add your NPI, licenses and certifications so your credits "
    "count toward each of them."
)


def site_url(path: str) -> str:
    """An absolute link built from SITE_URL, never from the request's Host header, so a
    forged Host cannot point an emailed link elsewhere."""
    return settings.SITE_URL.rstrip("/") + path


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "email_password_mismatch": "Incorrect email or password.",
        "too_many_login_attempts": (
            "Too many failed sign-ins. Try again in a few minutes or reset your password."
        ),
        "rate_limited": "Too many tries in a short time. Wait a few minutes and try again.",
    }

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        # allauth's own templates name the site through `current_site`; without the sites
        # framework that would come from the Host header.
        site = SimpleNamespace(name=settings.SITE_NAME, domain=urlsplit(settings.SITE_URL).netloc)
        context = {
            "email": email,
            **context,
            "current_site": site,
            "site_name": settings.SITE_NAME,
            "site_url": settings.SITE_URL.rstrip("/"),
            "password_reset_hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
            "confirmation_days": settings.ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS,
        }
        msg = self.render_mail(template_prefix, email, context)
        msg.send()

    def get_email_confirmation_url(self, request: HttpRequest, emailconfirmation: Any) -> str:
        return site_url(reverse("account_confirm_email", args=[emailconfirmation.key]))

    def get_reset_password_from_key_url(self, key: str) -> str:
        path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
        return site_url(path.replace("UID-KEY", quote(key)))

    def send_account_already_exists_mail(self, email: str) -> None:
        context = {
            "signup_url": site_url(reverse("account_signup")),
            "password_reset_url": site_url(reverse("account_reset_password")),
            "login_url": site_url(reverse("account_login")),
        }
        self.send_mail("account/email/account_already_exists", email, context)

    def get_signup_redirect_url(self, request: HttpRequest) -> str:
        return reverse("profile")

    def post_login(self, request: HttpRequest, user: Any, **kwargs: Any) -> HttpResponse:
        response = super().post_login(request, user, **kwargs)
        if twofactor.is_held(user) and not kwargs.get("signup"):
            # Someone who must set up two-factor authentication has typed their password
            # a moment ago; allauth would ask for it again before the set-up page.
            record_authentication(request, user, method="password", reauthenticated=True)
        if kwargs.get("signup"):
            # The first log-in comes from the confirmation link: point the newcomer at
            # what makes their credits count.
            messages.success(request, WELCOME.format(name=user.first_name))
        return response
