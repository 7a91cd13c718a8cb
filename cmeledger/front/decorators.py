"""Access helpers every HTML view uses, so the checks are written once."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cmeledger.accounts.models import Role
from cmeledger.requirements.custom import may_add_sets


def not_for_role(request: HttpRequest, reason: str = "") -> HttpResponse:
    context = {"role": request.user.get_role_display(), "reason": reason}
    return render(request, "front/not_for_role.html", context, status=403)


def clinician_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Logged in, and a clinician: the ledger pages belong to clinicians only."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.user.role != Role.CLINICIAN:
            return not_for_role(request)
        return view(request, *args, **kwargs)

    return wrapper


def set_editor_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Logged in, and a site admin or board staff: they add requirement-set versions."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not may_add_sets(request.user):
            return not_for_role(
                request, "Adding a requirement set is for site admins and board staff."
            )
        return view(request, *args, **kwargs)

    return wrapper


def board_staff_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Logged in, and staff of a certifying board: they see their own board's diplomates."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.user.role != Role.BOARD_STAFF or request.user.board_id is None:
            return not_for_role(request, "The board workspace is for a certifying board's staff.")
        return view(request, *args, **kwargs)

    return wrapper
