"""A clinician's deadlines: the end of each followed set's current cycle, where they stand,
and what is still missing in words; and the preferences behind the calendar feed and the
reminder emails. Shared by the deadlines page, the API, the feed and the reminder job."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse

from cmeledger.accounts.models import User
from cmeledger.ledger.vocabulary import CreditType, Topic
from cmeledger.lib.credits import Unit, credit_text, day_text, unit_word
from cmeledger.reports.models import DEFAULT_REMINDER_DAYS, DeadlinePreferences
from cmeledger.requirements import choices, progress
from cmeledger.requirements.engine import Need, SetResult, Status

MAX_STEPS = 8
MAX_DAYS_BEFORE = 730  # two years: the longest lead time that still reads as a reminder


@dataclass(frozen=True)
class Deadline:
    set_id: str
    name: str
    short_name: str
    cycle_start: date
    deadline: date
    status: Status
    days_left: int
    missing: list[str] = field(default_factory=list)  # one phrase per need

    @property
    def has_gap(self) -> bool:
        return self.status != Status.MET and bool(self.missing)

    @property
    def gap(self) -> str:
        """ "12 AMA PRA Category 1 credits, 2 of them on ethics, by Dec 31, 2027"."""
        if not self.has_gap:
            return ""
        return ", ".join(self.missing) + f", by {day_text(self.deadline)}"


@dataclass(frozen=True)
class Problem:
    set_id: str
    message: str


@dataclass
class Deadlines:
    on: date
    items: list[Deadline] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def upcoming_gaps(self) -> list[Deadline]:
        """Deadlines still ahead (today counts) with something missing, soonest first."""
        return [d for d in self.items if d.has_gap and d.days_left >= 0]


def of(user: User, today: date) -> Deadlines:
    """Every followed set's current deadline, soonest first (one progress report)."""
    report = progress.report(user, today)
    out = Deadlines(today)
    for item in report.sets:
        if item.result is None:
            reason = item.problem or "No result could be worked out."
            out.problems.append(
                Problem(
                    item.set_id, f"{choices.set_name(item.set_id)}: no deadline shown. {reason}"
                )
            )
        else:
            out.items.append(_deadline(item.result, today))
    out.items.sort(key=lambda d: (d.deadline, d.set_id))
    return out


def _deadline(result: SetResult, today: date) -> Deadline:
    return Deadline(
        set_id=result.set_id,
        name=result.name,
        short_name=result.short_name,
        cycle_start=result.cycle_start,
        deadline=result.cycle_end,
        status=result.status,
        days_left=(result.cycle_end - today).days,
        missing=[] if result.status == Status.MET else missing_words(result.needed, result.unit),
    )


def missing_words(needs: list[Need], unit: str = Unit.CREDITS) -> list[str]:
    """The needs as phrases: the overall credit need first, then the narrower ones "of
    them" (they count toward it too), then components that are not credit. Amounts of no
    one credit type are in the set's `unit` ("5.25 contact hours")."""
    credit_needs = [n for n in needs if n.credits is not None and n.credits > 0]
    plain = [n for n in credit_needs if not n.topics]
    principal = next((n for n in plain if n.rule_id == "total"), None)
    if principal is None and plain:
        principal = max(plain, key=lambda n: n.credits or Decimal(0))
    phrases = []
    if principal is not None:
        phrases.append(
            f"{fmt(principal.credits)} {_unit(principal.credit_types, principal.credits, unit)}"
        )
    for need in credit_needs:
        if need is not principal:
            phrases.append(_narrower(need, of_them=principal is not None, unit=unit))
    phrases += [n.rule_name for n in needs if n.credits is None]
    return phrases


def _narrower(need: Need, of_them: bool, unit: str) -> str:
    amount, unit = fmt(need.credits), _unit(need.credit_types, need.credits, unit)
    if need.topics:
        what = f"on {_topics(need.topics)}"
    elif len(need.credit_types) == 1:
        what = "" if not of_them else unit  # "20 of them AMA PRA Category 1 credits"
    else:
        what = f"toward “{need.rule_name}”"
    if of_them:
        return f"{amount} of them {what}"
    return " ".join(part for part in (amount, unit, what) if part)


def fmt(value: Decimal | None) -> str:
    return credit_text(value or Decimal(0))


def _unit(credit_types: list[str], amount: Decimal | None, unit: str) -> str:
    one = amount == 1
    if len(credit_types) != 1 or credit_types[0] not in CreditType.values:
        return unit_word(amount, unit)
    label = str(CreditType(credit_types[0]).label).replace("™", "").removesuffix(" Credit")
    if label.endswith("hours"):
        return label[:-1] if one else label
    return f"{label} {'credit' if one else 'credits'}"


def _topics(topics: list[str]) -> str:
    words = []
    for code in topics:
        label = str(Topic(code).label) if code in Topic.values else code
        # "Ethics" reads as "ethics" mid-sentence; "HIV/AIDS" stays as it is.
        words.append(label[0].lower() + label[1:] if label[1:2].islower() else label)
    return " or ".join(words)


# Preferences ----------------------------------------------------------------------------


def preferences_of(user: User) -> DeadlinePreferences:
    prefs, _ = DeadlinePreferences.objects.get_or_create(clinician=user)
    return prefs


def check_days(values: object) -> list[int]:
    """The chosen reminder days, largest first; raises a ValidationError on
    `reminder_days` that says what is wrong. An empty list means the defaults."""
    if not isinstance(values, list | tuple):
        raise _bad_days("Give the days as a list of whole numbers.")
    for value in values:
        # JSON true is a Python int: reject it by name rather than read it as 1.
        if isinstance(value, bool) or not isinstance(value, int):
            raise _bad_days(f"{value!r} is not a whole number of days.")
        if not 1 <= value <= MAX_DAYS_BEFORE:
            raise _bad_days(f"{value} is out of range: choose from 1 to {MAX_DAYS_BEFORE} days.")
    if len(values) > MAX_STEPS:
        raise _bad_days(f"Choose at most {MAX_STEPS} days; {len(values)} were given.")
    repeated = sorted({v for v in values if list(values).count(v) > 1})
    if repeated:
        verb = "appears" if len(repeated) == 1 else "appear"
        raise _bad_days(f"Each day once only: {', '.join(map(str, repeated))} {verb} twice.")
    return sorted(values, reverse=True)


def _bad_days(message: str) -> ValidationError:
    return ValidationError({"reminder_days": [message]})


def save_preferences(user: User, *, enabled: bool, days: object) -> DeadlinePreferences:
    chosen = check_days(days)  # before any write: bad input leaves the row as it was
    prefs = preferences_of(user)
    prefs.reminders_enabled = enabled
    prefs.reminder_days = chosen
    prefs.save(update_fields=["reminders_enabled", "reminder_days", "updated_at"])
    return prefs


def uses_defaults(prefs: DeadlinePreferences) -> bool:
    return not prefs.reminder_days


def default_days() -> list[int]:
    return list(DEFAULT_REMINDER_DAYS)


def feed_url(prefs: DeadlinePreferences) -> str:
    path = reverse("calendar-feed", args=[prefs.calendar_secret])
    return settings.SITE_URL.rstrip("/") + path
