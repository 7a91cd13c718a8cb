from ninja import Router

router = Router(tags=["direct-credit"])
