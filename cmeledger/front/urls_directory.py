from django.urls import path

from cmeledger.front import directory_views as views

urlpatterns = [
    path("providers/", views.directory, name="directory"),
    path("providers/<slug:slug>/", views.directory_provider, name="directory-provider"),
    path("board/providers/", views.board_directory, name="board-directory"),
    path("board/providers/new/", views.board_directory_new, name="board-directory-new"),
    path(
        "board/providers/accreditors/",
        views.board_directory_accreditor_add,
        name="board-directory-accreditor-add",
    ),
    path(
        "board/providers/accreditors/<int:pk>/remove/",
        views.board_directory_accreditor_remove,
        name="board-directory-accreditor-remove",
    ),
    path(
        "board/providers/<slug:slug>/edit/",
        views.board_directory_edit,
        name="board-directory-edit",
    ),
    path(
        "board/providers/<slug:slug>/reporting/",
        views.board_directory_reporting,
        name="board-directory-reporting",
    ),
    path(
        "board/providers/<slug:slug>/reporting/remove/",
        views.board_directory_reporting_remove,
        name="board-directory-reporting-remove",
    ),
]
