from django.urls import path

from cmeledger.front import board_views as v

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
]
