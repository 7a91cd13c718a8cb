"""Access helpers every HTML view uses, so the checks are written once."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cmeledger.accounts.models import Role


def clinician_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Logged in, and a clinician: the ledger pages belong to clinicians only."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.user.role != Role.CLINICIAN:
            return render(
                request,
                "front/not_for_role.html",
                {"role": request.user.get_role_display()},
                status=403,
            )
        return view(request, *args, **kwargs)

    return wrapper
