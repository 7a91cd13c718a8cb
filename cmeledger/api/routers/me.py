from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from cmeledger.accounts.models import ClinicianProfile
from cmeledger.api.auth import anyone_signed_in
from cmeledger.api.schemas import ErrorOut, MeOut
from cmeledger.permissions import is_clinician

router = Router(tags=["me"], auth=anyone_signed_in())


@router.get("/me", response={200: MeOut, 401: ErrorOut})
def me(request: HttpRequest) -> dict:
    """The signed-in user; for clinicians also the profile, licenses and certifications."""
    user = request.auth
    data = {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "role": user.role,
    }
    if not is_clinician(user):
        return data
    profile = ClinicianProfile.objects.filter(user=user).first()
    certifications = user.certifications.select_related("board")
    return data | {
        "profile": profile,
        "licenses": list(user.licenses.all()),
        "certifications": [
            {
                "id": c.pk,
                "board": c.board.code,
                "board_name": c.board.name,
                "board_profession": c.board.profession,
                "credential": c.board.credential,
                "board_id_number": c.board_id_number,
                "board_id_state": c.board_id_state,
                "board_id_state_note": c.board_id_state_note,
                "specialty": c.specialty,
                "cycle_start": c.cycle_start,
                "cycle_end": c.cycle_end,
            }
            for c in certifications
        ],
    }
