from django.urls import include, path

from cmeledger.front import (
    capture_views,
    certificate_views,
    correction_views,
    identity_views,
    organization_views,
    planner_views,
    requirement_views,
    views,
)

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("planner/", planner_views.planner_page, name="planner"),
    path("staff/identity/", identity_views.disputes, name="identity-disputes"),
    path(
        "staff/identity/<slug:kind>/<int:pk>/",
        identity_views.decide,
        name="identity-decide",
    ),
    path("entries/add/", views.entry_add, name="entry-add"),
    path("entries/deleted/", views.entries_deleted, name="entries-deleted"),
    path("entries/<uuid:pk>/", views.entry_detail, name="entry-detail"),
    path("entries/<uuid:pk>/edit/", views.entry_edit, name="entry-edit"),
    path(
        "entries/<uuid:pk>/correction/",
        correction_views.entry_correction,
        name="entry-correction",
    ),
    path("entries/<uuid:pk>/delete/", views.entry_delete, name="entry-delete"),
    path("entries/<uuid:pk>/restore/", views.entry_restore, name="entry-restore"),
    path("entries/<uuid:pk>/attach/", views.entry_attach, name="entry-attach"),
    path(
        "entries/<uuid:pk>/detach/<uuid:certificate_pk>/",
        views.entry_detach,
        name="entry-detach",
    ),
    path("certificates/", certificate_views.certificates, name="certificates"),
    path("certificates/queue/", capture_views.capture_queue, name="capture-queue"),
    path(
        "certificates/queue/progress/",
        capture_views.capture_queue_progress,
        name="capture-queue-progress",
    ),
    path(
        "certificates/<uuid:pk>/capture/",
        capture_views.certificate_capture,
        name="certificate-capture",
    ),
    path(
        "certificates/<uuid:pk>/capture/<int:number>/",
        capture_views.certificate_capture,
        name="certificate-capture-page",
    ),
    path(
        "certificates/<uuid:pk>/", certificate_views.certificate_detail, name="certificate-detail"
    ),
    path(
        "certificates/<uuid:pk>/attach/",
        certificate_views.certificate_attach,
        name="certificate-attach",
    ),
    path(
        "certificates/<uuid:pk>/share/",
        certificate_views.certificate_share,
        name="certificate-share",
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
    path("organization/", organization_views.overview, name="organization"),
    path(
        "organization/submissions/",
        organization_views.submissions,
        name="organization-submissions",
    ),
    path(
        "organization/submissions/new/",
        organization_views.submission_new,
        name="organization-submission-new",
    ),
    path(
        "organization/submissions/<int:pk>/",
        organization_views.submission_detail,
        name="organization-submission",
    ),
    path(
        "organization/submissions/<int:pk>/progress/",
        organization_views.submission_progress,
        name="organization-submission-progress",
    ),
    path(
        "organization/submissions/<int:pk>/errors.csv",
        organization_views.submission_errors,
        name="organization-submission-errors",
    ),
    path(
        "organization/submissions/<int:pk>/cancel/",
        organization_views.submission_cancel,
        name="organization-submission-cancel",
    ),
    path("organization/records/", organization_views.records, name="organization-records"),
    path(
        "organization/records/<int:pk>/",
        organization_views.record_detail,
        name="organization-record",
    ),
    path(
        "organization/records/<int:pk>/correct/",
        organization_views.record_correct,
        name="organization-record-correct",
    ),
    path(
        "organization/records/<int:pk>/withdraw/",
        organization_views.record_withdraw,
        name="organization-record-withdraw",
    ),
    path(
        "organization/corrections/",
        organization_views.corrections,
        name="organization-corrections",
    ),
    path(
        "organization/corrections/<int:pk>/decline/",
        organization_views.correction_decline,
        name="organization-correction-decline",
    ),
    path("organization/tokens/", organization_views.tokens, name="organization-tokens"),
    path(
        "organization/tokens/<int:pk>/revoke/",
        organization_views.token_revoke,
        name="organization-token-revoke",
    ),
    path("organization/members/", organization_views.members, name="organization-members"),
    path("", include("cmeledger.front.urls_transcripts")),
    path("", include("cmeledger.front.urls_packets")),
    path("", include("cmeledger.front.urls_deadlines")),
    path("", include("cmeledger.front.urls_award")),
    path("", include("cmeledger.front.urls_board")),
    path("", include("cmeledger.front.urls_audits")),
    path("", include("cmeledger.front.urls_direct_credit")),
    path("", include("cmeledger.front.urls_directory")),
    path("", include("cmeledger.front.urls_program")),
    path("", include("cmeledger.front.urls_teams")),
    path("", include("cmeledger.front.urls_site")),
]
