from django.urls import path

from cmeledger.front import certificate_views, planner_views, requirement_views, views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("planner/", planner_views.planner_page, name="planner"),
    path("entries/add/", views.entry_add, name="entry-add"),
    path("entries/deleted/", views.entries_deleted, name="entries-deleted"),
    path("entries/<uuid:pk>/", views.entry_detail, name="entry-detail"),
    path("entries/<uuid:pk>/edit/", views.entry_edit, name="entry-edit"),
    path("entries/<uuid:pk>/delete/", views.entry_delete, name="entry-delete"),
    path("entries/<uuid:pk>/restore/", views.entry_restore, name="entry-restore"),
    path("entries/<uuid:pk>/attach/", views.entry_attach, name="entry-attach"),
    path(
        "entries/<uuid:pk>/detach/<uuid:certificate_pk>/",
        views.entry_detach,
        name="entry-detach",
    ),
    path("certificates/", certificate_views.certificates, name="certificates"),
    path(
        "certificates/<uuid:pk>/", certificate_views.certificate_detail, name="certificate-detail"
    ),
    path(
        "certificates/<uuid:pk>/attach/",
        certificate_views.certificate_attach,
        name="certificate-attach",
    ),
    path(
        "certificates/<uuid:pk>/delete/",
        certificate_views.certificate_delete,
        name="certificate-delete",
    ),
    path(
        "certificates/<uuid:pk>/preview.png",
        certificate_views.certificate_preview,
        name="certificate-preview",
    ),
    path(
        "certificates/<uuid:pk>/download/",
        certificate_views.certificate_download,
        name="certificate-download",
    ),
    path("requirements/", requirement_views.requirements_page, name="requirements"),
    path("requirements/add/", requirement_views.requirement_add, name="requirement-add"),
    path(
        "requirements/<int:pk>/drop/",
        requirement_views.requirement_drop,
        name="requirement-drop",
    ),
    path("requirements/sets/", requirement_views.sets_page, name="sets"),
    path("requirements/sets/new/", requirement_views.set_upload, name="set-upload"),
]
