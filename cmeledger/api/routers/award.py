from __future__ import annotations

from ninja import Router

from cmeledger.api.auth import clinicians

router = Router(tags=["award"], auth=clinicians())
