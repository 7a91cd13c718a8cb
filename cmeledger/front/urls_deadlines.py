from django.urls import path

from cmeledger.front import deadline_views

urlpatterns = [
    path("reports/deadlines/", deadline_views.deadlines_page, name="deadlines"),
    path(
        "reports/deadlines/preferences/",
        deadline_views.deadline_preferences,
        name="deadline-preferences",
    ),
    path(
        "reports/deadlines/calendar-secret/",
        deadline_views.calendar_secret,
        name="deadline-calendar-secret",
    ),
    # token_urlsafe secrets are exactly the slug alphabet.
    path("calendar/<slug:secret>.ics", deadline_views.calendar_feed, name="calendar-feed"),
]
