from django.urls import path

from cmeledger.front import transcript_views

urlpatterns = [
    path("reports/", transcript_views.reports_page, name="reports"),
    path(
        "reports/transcript.pdf", transcript_views.transcript_download, name="transcript-download"
    ),
    path("reports/share/", transcript_views.share_links, name="share-links"),
    path("reports/share/<int:pk>/", transcript_views.share_link_detail, name="share-link-detail"),
    path(
        "reports/share/<int:pk>/revoke/",
        transcript_views.share_link_revoke,
        name="share-link-revoke",
    ),
    path("s/<str:secret>/", transcript_views.shared_transcript, name="shared-transcript"),
    path(
        "s/<str:secret>/transcript.pdf",
        transcript_views.shared_transcript_pdf,
        name="shared-transcript-pdf",
    ),
    path("verify/", transcript_views.verify, name="verify"),
]
