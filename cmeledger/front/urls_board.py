from django.urls import path

from cmeledger.front import board_views as v
from cmeledger.front import roster_views as r

urlpatterns = [
    path("board/diplomates/", v.diplomates, name="board-diplomates"),
    path("board/diplomates.csv", v.diplomates_csv, name="board-diplomates-csv"),
    path("board/diplomates/recompute/", v.recompute, name="board-recompute"),
    path("board/diplomates/<int:pk>/", v.diplomate, name="board-diplomate"),
    path(
        "board/diplomates/<int:pk>/certificates/<uuid:certificate>/",
        v.diplomate_certificate,
        name="board-diplomate-certificate",
    ),
    path("board/roster/", r.roster, name="board-roster"),
    path("board/roster/upload/", r.roster_upload, name="board-roster-upload"),
    path("board/roster/claims/", r.roster_claims, name="board-roster-claims"),
    path("board/roster/entries/<str:board_id>/", r.roster_entry, name="board-roster-entry"),
]
