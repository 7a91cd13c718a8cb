from django.urls import path

from cmeledger.front import award_views

urlpatterns = [
    path("reports/award/", award_views.award_page, name="award"),
    path("reports/award/summary.pdf", award_views.award_summary, name="award-summary"),
]
