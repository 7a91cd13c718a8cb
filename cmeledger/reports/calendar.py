"""The calendar feed: one all-day event per cycle deadline, with an alarm per reminder
day while something is missing. Pure apart from reading the clinician's standing."""

from __future__ import annotations

import hashlib
import hmac
from datetime import date, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Alarm, Calendar, Event, vDuration

from cmeledger.accounts.models import User
from cmeledger.lib.credits import day_text
from cmeledger.reports import deadlines
from cmeledger.reports.deadlines import Deadline

PRODID = "-//CME Ledger//Deadlines//EN"
# Calendar apps poll a subscription on their own schedule; this asks for twice a day.
REFRESH = timedelta(hours=12)


def feed(user: User, today: date) -> bytes:
    prefs = deadlines.preferences_of(user)
    alarm_days = prefs.days if prefs.reminders_enabled else []
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    # The first name at most: the address may end up in a shared calendar.
    name = f"CME deadlines ({user.first_name})" if user.first_name else "CME deadlines"
    cal.add("x-wr-calname", name)
    cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", vDuration(REFRESH))
    stamp = timezone.now()
    for item in deadlines.of(user, today).items:
        cal.add_component(_event(user, item, stamp, alarm_days))
    return cal.to_ical()


def _event(user: User, item: Deadline, stamp, alarm_days: list[int]) -> Event:
    event = Event()
    event.add("uid", uid(user, item))
    event.add("dtstamp", stamp)
    event.add("dtstart", item.deadline)
    event.add("dtend", item.deadline + timedelta(days=1))
    event.add("summary", f"CME deadline: {item.name}")
    event.add("description", description(item))
    event.add("transp", "TRANSPARENT")  # a deadline is not a busy meeting
    event.add("url", settings.SITE_URL.rstrip("/") + reverse("deadlines"))
    if item.has_gap:
        for days in alarm_days:
            event.add_component(_alarm(item, days))
    return event


def _alarm(item: Deadline, days: int) -> Alarm:
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("trigger", timedelta(days=-days))
    alarm.add("description", f"{item.short_name} is due in {days} days: {item.gap}.")
    return alarm


def description(item: Deadline) -> str:
    status = str(item.status).replace("-", " ")
    lines = [
        f"{item.name}",
        f"Cycle {day_text(item.cycle_start)} to {day_text(item.deadline)}.",
        f"Status: {status}.",
    ]
    if item.has_gap:
        lines.append(f"Still missing: {item.gap}.")
    else:
        lines.append("Nothing is missing for this cycle.")
    return "\n".join(lines)


def uid(user: User, item: Deadline) -> str:
    """Stable per clinician, set and cycle, so a subscribed calendar updates the event in
    place; keyed with SECRET_KEY so it names no one and cannot be guessed."""
    message = f"{user.pk}:{item.set_id}:{item.cycle_start.isoformat()}".encode()
    digest = hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()
    host = urlsplit(settings.SITE_URL).hostname or "cmeledger"
    return f"deadline-{digest[:32]}@{host}"
