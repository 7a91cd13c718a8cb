from django.urls import path

from cmeledger.front import program_views

urlpatterns = [
    path("board/program/", program_views.board_program, name="board-program"),
    path("board/program/<slug:set_id>/", program_views.program_set, name="board-program-set"),
    path(
        "board/program/<slug:set_id>/edit/",
        program_views.program_edit,
        name="board-program-edit",
    ),
    path(
        "board/program/<slug:set_id>/v<int:version>.toml",
        program_views.program_version_toml,
        name="board-program-toml",
    ),
]
