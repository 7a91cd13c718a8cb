from django.urls import path

from cmeledger.front import transcript_views

urlpatterns = [
    path("reports/", transcript_views.reports_page, name="reports"),
]
