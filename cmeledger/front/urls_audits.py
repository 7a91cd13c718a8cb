from django.urls import path

from cmeledger.front import audit_views as v

urlpatterns = [
    path("board/audits/", v.audits, name="board-audits"),
    path("board/audits/<int:pk>/", v.audit_detail, name="board-audit"),
    path(
        "board/audits/<int:pk>/items/<int:item>/decide/", v.audit_decide, name="board-audit-decide"
    ),
    path("board/audits/<int:pk>/close/", v.audit_close, name="board-audit-close"),
    path("board/audits/<int:pk>/outcome.csv", v.audit_outcome_csv, name="board-audit-outcome"),
    path("audits/", v.my_audits, name="my-audits"),
    path("audits/items/<int:item>/proof/", v.my_audit_attach, name="my-audit-attach"),
]
