"""Reading a certificate's fields from its text, each with how sure we are.

Pure functions over the text of one page (from a PDF's text layer or from OCR). A field
is *sure* when it comes from a labelled line ("Date: ...") or from the wording a
certificate uses for it (the designation statement for credits, "is accredited by" for
the accreditor); *check* when only a weaker sign points to it (a date somewhere on the
page, a name-like line); *not found* otherwise. The clinician confirms every field in
the "Add New Credits" form before anything is saved.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import cast

from django.db import models

from cmeledger.ledger.vocabulary import CREDIT_STEP, MAX_CREDITS_PER_ENTRY, CreditType
from cmeledger.lib.states import USState


class Confidence(models.TextChoices):
    SURE = "sure", "Sure"
    CHECK = "check", "Check this"
    NOT_FOUND = "not-found", "Not found"


FIELDS = (
    "learner_name",
    "degree",
    "title",
    "provider",
    "accreditor",
    "start_date",
    "completed_on",
    "credits",
    "credit_type",
    "awarded_as",
    "activity_kind",
    "location",
    "topics",
)


@dataclass(frozen=True)
class Guess:
    value: object
    confidence: str

    @property
    def found(self) -> bool:
        return self.confidence != Confidence.NOT_FOUND


NOTHING = Guess(None, Confidence.NOT_FOUND)


@dataclass
class Draft:
    """What one certificate page says, field by field."""

    page: int
    fields: dict[str, Guess]
    warnings: list[str] = field(default_factory=list)
    # Other credits the same statement block awards, as (amount, credit type) guesses;
    # `each_credit` turns them into drafts of their own.
    also: list[tuple[Guess, Guess]] = field(default_factory=list)

    def value(self, name: str) -> object:
        return self.fields[name].value


# --- words certificates use -----------------------------------------------------------

MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}  # fmt: skip
_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?"  # noqa: E501
_NUMBER = r"(\d{1,3}(?:\.\d{1,2})?)"
DEGREES = (
    "MD", "DO", "MBBS", "PA-C", "PA", "NP", "APRN", "DNP", "RN", "BSN", "MSN", "CRNA",
    "PharmD", "PhD", "PT", "DPT", "OT", "MPH",
)  # fmt: skip
_DEGREE = "|".join(re.escape(d) for d in DEGREES)
_CANONICAL_DEGREE = {degree.upper(): degree for degree in DEGREES}
_STATES = "|".join(USState.values)

# A certificate of participation (or attendance) for an activity designated for AMA PRA
# Category 1 Credit™: what a PA or NP receives there. The draft keeps the designation as
# its credit type and says "participation" (ledger AwardedAs).
PARTICIPATION = "participation"
# Designation statements, as certificates of participation word them; after the
# certificate's heading, or before a sentence naming the certificate.
_DESIGNATED = (
    rf"designat\w+ (?:this [\w -]{{3,60}}? )?for (?:a maximum of )?{_NUMBER} AMA PRA Category 1"
)
_OF_PARTICIPATION = r"(?:certificate|statement) of (?:attendance|participation)"

# (pattern over the page's text with lines joined, credit type, confidence, received);
# the first that matches decides the draft's credit. Participation comes first: its
# statement names AMA PRA credit too. Other *sure* statements of other credit types (a
# jointly accredited activity's ANCC hours and MOC points) become drafts of their own.
CREDIT_PATTERNS: tuple[tuple[re.Pattern[str], str, str, str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), credit_type, confidence, received)
    for pattern, credit_type, confidence, received in (
        (
            rf"{_OF_PARTICIPATION}.*?{_DESIGNATED}",
            "ama-pra-1",
            Confidence.SURE,
            PARTICIPATION,
        ),
        (
            rf"{_DESIGNATED} Credits?\W*"
            r"(?:\w+\W+){0,16}?(?:(?:confirms|certif\w+) (?:of )?(?:attendance|participation)"
            r"|(?:certificate|statement) of (?:attendance|participation))",
            "ama-pra-1",
            Confidence.SURE,
            PARTICIPATION,
        ),
        (
            rf"maximum of {_NUMBER} AMA PRA Category 1 Credit",
            "ama-pra-1",
            Confidence.SURE,
            "credit",
        ),
        (
            rf"maximum of {_NUMBER} AMA PRA Category 2 Credit",
            "ama-pra-2",
            Confidence.SURE,
            "credit",
        ),
        (rf"{_NUMBER} AOA Category 1-?A", "aoa-1a", Confidence.SURE, "credit"),
        (rf"{_NUMBER} AOA Category 1-?B", "aoa-1b", Confidence.SURE, "credit"),
        (rf"{_NUMBER} AOA Category 2-?A", "aoa-2a", Confidence.SURE, "credit"),
        (rf"{_NUMBER} AOA Category 2-?B", "aoa-2b", Confidence.SURE, "credit"),
        (rf"{_NUMBER} Prescribed credit", "aafp-prescribed", Confidence.SURE, "credit"),
        (rf"{_NUMBER} Elective credit", "aafp-elective", Confidence.SURE, "credit"),
        (rf"{_NUMBER} AAPA Category 1", "aapa-1", Confidence.SURE, "credit"),
        (rf"{_NUMBER} SA-?CME", "sa-cme", Confidence.SURE, "credit"),
        (rf"{_NUMBER} MOC points?", "moc-points", Confidence.SURE, "credit"),
        (
            rf"contact hours?(?: awarded)?\s*:?\s*{_NUMBER}",
            "ancc-contact-hour",
            Confidence.SURE,
            "credit",
        ),
        (
            rf"{_NUMBER} (?:ANCC )?(?:nursing )?contact hours?",
            "ancc-contact-hour",
            Confidence.SURE,
            "credit",
        ),
        (rf"{_NUMBER} AMA PRA Category 1", "ama-pra-1", Confidence.CHECK, "credit"),
        # "Category 1 Credit" names a category, not an amount.
        (
            rf"(?<!Category )(?<![\d.]){_NUMBER} (?:CME )?credits?\b",
            "ama-pra-1",
            Confidence.CHECK,
            "credit",
        ),
    )
)

# (words naming the accrediting body, accreditor code); found after "accredited by".
ACCREDITORS = (
    (r"Accreditation Council for Continuing Medical Education|\bACCME\b", "accme"),
    (r"American Osteopathic Association|\bAOA\b", "aoa"),
    (r"American Nurses Credentialing Center|\bANCC\b", "ancc"),
    (r"American Academy of Family Physicians|\bAAFP\b", "aafp"),
    (
        r"American Academy of Physician Associates|American Academy of Physician Assistants|\bAAPA\b",
        "aapa",
    ),  # noqa: E501
    (r"Royal College of Physicians and Surgeons of Canada", "rcpsc"),
    (
        r"\b[A-Z][a-z]+(?: [A-Z][a-z]+)? (?:State )?Medical (?:Society|Association)\b",
        "state-society",
    ),  # noqa: E501
)

# The learning format named in a designation statement or a "Format:" line.
KINDS = (
    (r"internet enduring|on-?demand|online enduring", "internet-enduring"),
    (r"internet live|live webinar|webcast", "internet-live"),
    (r"internet point[- ]of[- ]care", "point-of-care"),
    (r"journal[- ]based", "journal"),
    (r"enduring material", "enduring"),
    (r"self-assessment", "self-assessment"),
    (r"performance improvement", "performance-improvement"),
    (r"test[- ]item writing", "test-item-writing"),
    (r"manuscript review", "manuscript-review"),
    (r"live activity|live course|live program|conference|symposium", "live"),
)

# Topics guessed from the title (DESIGN.md vocabulary).
TOPIC_WORDS = (
    (r"\bethic", "ethics"),
    (r"\bpain\b", "pain-management"),
    (r"\bopioid", "opioid-prescribing"),
    (r"controlled substance", "controlled-substances"),
    (r"\baddiction|substance use disorder", "addiction"),
    (r"end[- ]of[- ]life|palliative|hospice", "end-of-life-care"),
    (r"human trafficking", "human-trafficking"),
    (r"implicit bias", "implicit-bias"),
    (r"medical errors?", "medical-errors"),
    (r"patient safety", "patient-safety"),
    (r"risk management", "risk-management"),
    (r"domestic violence|intimate partner violence", "domestic-violence"),
    (r"child abuse", "child-abuse"),
    (r"infection control", "infection-control"),
    (r"\bgeriatric", "geriatrics"),
    (r"\bhiv\b|\baids\b", "hiv-aids"),
)

_LABEL_NAME = r"(?:participant|learner|attendee|name|physician|awarded to|presented to)"
_LABEL_TITLE = r"(?:activity title|activity|course title|course|program|title|session)"
_LABEL_DATE = (
    r"(?:date completed|completion date|date of completion|date\(s\)|dates?|completed on|completed)"  # noqa: E501
)
# A line that introduces the learner's name on the next line.
_BEFORE_NAME = re.compile(
    r"^(?:this is to certify that|this certifies that|this is to certify|awarded to|"
    r"presented to|attendee|is hereby awarded to|certifies that)$",
    re.IGNORECASE,
)
# A line that introduces the title on the next line.
_BEFORE_TITLE = re.compile(
    r"(?:titled|entitled|for completing|for successful completion of|attended|"
    r"completed the [a-z -]+|has participated in(?: the)?(?: [a-z -]+)?|"
    r"has successfully completed the [a-z -]+)\s*:?$",
    re.IGNORECASE,
)
_HEADING = re.compile(r"certificate|statement of credit|maintenance of certification", re.I)


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip(" \t:;,.-·|")


def _lines(text: str) -> list[str]:
    return [line for line in (_clean(raw) for raw in text.splitlines()) if line]


def _joined(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00a0", " "))


# --- dates ----------------------------------------------------------------------------


def _day(year: int, month: int, day_of_month: int) -> date | None:
    try:
        return date(year, month, day_of_month)
    except ValueError:
        return None


def _month(name: str) -> int:
    return MONTHS[name.lower().rstrip(".")]


_RANGE_SAME_MONTH = re.compile(rf"({_MONTH}) (\d{{1,2}})\s*[-–—]\s*(\d{{1,2}}),? (\d{{4}})")
_RANGE_TWO_MONTHS = re.compile(
    rf"({_MONTH}) (\d{{1,2}}),?(?: (\d{{4}}))?\s*[-–—]\s*({_MONTH}) (\d{{1,2}}),? (\d{{4}})"
)
_LONG = re.compile(rf"({_MONTH}) (\d{{1,2}})(?:st|nd|rd|th)?,? (\d{{4}})")
_DAY_FIRST = re.compile(rf"(\d{{1,2}}) ({_MONTH}),? (\d{{4}})")
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_US = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


def find_dates(text: str) -> tuple[date | None, date | None]:
    """(start, end) of the first date or date range in the text; start is None for a
    single day."""
    for match in _RANGE_TWO_MONTHS.finditer(text):
        first_year = int(match[3] or match[6])
        start = _day(first_year, _month(match[1]), int(match[2]))
        end = _day(int(match[6]), _month(match[4]), int(match[5]))
        if start and end and start > end and not match[3]:  # "December 30 - January 2, 2025"
            start = _day(first_year - 1, start.month, start.day)
        if start and end and start <= end:
            return start, end
    for match in _RANGE_SAME_MONTH.finditer(text):
        month, year = _month(match[1]), int(match[4])
        start, end = _day(year, month, int(match[2])), _day(year, month, int(match[3]))
        if start and end and start < end:
            return start, end
    candidates = []
    for pattern, parts in (
        (_LONG, lambda m: (int(m[3]), _month(m[1]), int(m[2]))),
        (_DAY_FIRST, lambda m: (int(m[3]), _month(m[2]), int(m[1]))),
        (_ISO, lambda m: (int(m[1]), int(m[2]), int(m[3]))),
        (_US, lambda m: (int(m[3]), int(m[1]), int(m[2]))),
    ):
        for match in pattern.finditer(text):
            found = _day(*parts(match))
            if found:
                candidates.append((match.start(), found))
    if not candidates:
        return None, None
    return None, min(candidates)[1]


# --- one field at a time --------------------------------------------------------------


def _labelled(lines: list[str], label: str) -> str | None:
    pattern = re.compile(rf"^{label}\s*:\s*(.+)$", re.IGNORECASE)
    for line in lines:
        match = pattern.match(line)
        if match:
            return _clean(match[1])
    return None


def _after(lines: list[str], introducer: re.Pattern[str]) -> str | None:
    for position, line in enumerate(lines[:-1]):
        if introducer.search(line):
            return lines[position + 1]
    return None


def split_name(text: str) -> tuple[str, str]:
    """ "Avery Okafor, MD" -> ("Avery Okafor", "MD")."""
    match = re.match(rf"^(.+?),\s*({_DEGREE})\.?$", text, re.IGNORECASE)
    if match:
        return _clean(match[1]), _CANONICAL_DEGREE[match[2].upper()]
    return _clean(text), ""


_NAME_WITH_DEGREE = re.compile(rf"^([A-Z][\w'’-]+(?: [A-Z][\w.'’-]*)+),\s*((?i:{_DEGREE}))\.?$")


def learner(lines: list[str]) -> tuple[Guess, Guess]:
    text = _labelled(lines, _LABEL_NAME) or _after(lines, _BEFORE_NAME)
    confidence = Confidence.SURE
    if text is None:
        text = next((line for line in lines if _NAME_WITH_DEGREE.match(line)), None)
        confidence = Confidence.CHECK
    if text is None:
        return NOTHING, NOTHING
    name, degree = split_name(text)
    if not degree:
        return Guess(name, Confidence.CHECK), NOTHING
    return Guess(name, confidence), Guess(degree, confidence)


def title(lines: list[str], joined: str, excluded: set[str]) -> Guess:
    labelled = _labelled(lines, _LABEL_TITLE)
    if labelled:
        return Guess(labelled.strip("“”\"'"), Confidence.SURE)
    after = _after(lines, _BEFORE_TITLE)
    if after:
        return Guess(after.strip("“”\"'"), Confidence.SURE)
    quoted = re.search(r"[“\"]([^”\"]{8,300})[”\"]", joined)
    if quoted:
        return Guess(_clean(quoted[1]), Confidence.CHECK)
    reviewed = re.search(r"has reviewed (.{8,300}?) and (?:deemed|found)", joined)
    if reviewed:
        return Guess(_clean(reviewed[1]), Confidence.CHECK)
    # The first title-like line that is not a heading, the learner or the provider.
    for line in lines:
        words = line.split()
        if (
            len(words) >= 3
            and line not in excluded
            and not _HEADING.search(line)
            and not re.search(r"\d{4}|accredited|designat|credit", line, re.I)
            and sum(word[:1].isupper() for word in words) >= len(words) / 2
        ):
            return Guess(line, Confidence.CHECK)
    return NOTHING


# The provider's name as the subject of its accreditation or designation statement.
_PROVIDER_SUBJECT = (
    r"([A-Z][\w&'’ -]{3,150}?)\s+(?:is\s+(?:jointly\s+)?accredited|designates\s+this|"
    r"is\s+an?\s+accredited|has\s+been\s+accredited)"
)
# After a comma or colon too: "In support of improving patient care, X is jointly
# accredited", "Physicians: X designates this ...".
_PROVIDER_BEFORE = re.compile(r"(?:^|[.!?,:]\s+|\n)" + _PROVIDER_SUBJECT)
_PROVIDER_AFTER = re.compile(
    r"(?:provided by|presented by|issued by|sponsored by|credits?™? by)\s+"
    r"([A-Z][\w&'’ -]{3,150}?)(?=[,.\n]|\s+which|\s+Online|$)",
    re.IGNORECASE,
)


# On the joined text only after a sentence: at its very start it would take in the
# lines above the statement.
_PROVIDER_BEFORE_JOINED = re.compile(r"[.!?]\s+" + _PROVIDER_SUBJECT)


def _continued(name: str, text: str, pattern: re.Pattern[str]) -> str:
    """The name as it reads when it is broken across two lines ("... for Medical" /
    "Education, which ..."): the longer reading wins if it stays name-sized."""
    for match in pattern.finditer(_joined(text)):
        longer = _clean(match[1])
        if (
            longer != name
            and len(longer) <= 80
            and (longer.startswith(name) or longer.endswith(name))
        ):
            return longer
    return name


def provider(text: str) -> Guess:
    before = [
        _continued(_clean(m[1]), text, _PROVIDER_BEFORE_JOINED)
        for m in _PROVIDER_BEFORE.finditer(text)
    ]
    before = [name for name in before if not name.lower().startswith(("this ", "the "))]
    after = [
        _continued(_clean(m[1]), text, _PROVIDER_AFTER) for m in _PROVIDER_AFTER.finditer(text)
    ]
    found = before + after
    if not found:
        return NOTHING
    best = max(set(found), key=found.count)
    return Guess(best, Confidence.SURE if found.count(best) > 1 or before else Confidence.CHECK)


def accreditor(joined: str) -> Guess:
    statement = re.search(r"accredit\w*(?: as a provider of [\w ]+?)? by (.{0,160})", joined, re.I)
    if statement:
        for words, code in ACCREDITORS:
            if re.search(words, statement[1]):
                return Guess(code, Confidence.SURE)
    for words, code in ACCREDITORS[:-1]:
        if re.search(words, joined):
            return Guess(code, Confidence.CHECK)
    return NOTHING


def _amount(text: str, confidence: str) -> Guess | None:
    try:
        amount = Decimal(text)
    except InvalidOperation:
        return None
    if not (0 < amount <= MAX_CREDITS_PER_ENTRY):
        return None
    sure = confidence == Confidence.SURE and (amount / CREDIT_STEP) % 1 == 0
    return Guess(amount.quantize(Decimal("0.01")), Confidence.SURE if sure else Confidence.CHECK)


def awarded_credits(joined: str) -> list[tuple[Guess, Guess, Guess]]:
    """Every credit the page awards, as (amount, credit type, what was received), the
    deciding one first: one per credit type, from statements that do not overlap (a
    participation statement quotes the AMA PRA designation it rests on). Weak signs
    count only when no statement was found, and then only the first."""
    found: list[tuple[Guess, Guess, Guess]] = []
    taken: list[tuple[int, int]] = []
    for pattern, credit_type, confidence, received in CREDIT_PATTERNS:
        if confidence != Confidence.SURE and found:
            break
        if any(credit_type == kind.value for _, kind, _ in found):
            continue
        for match in pattern.finditer(joined):
            start, end = match.span()
            if any(start < until and since < end for since, until in taken):
                continue
            amount = _amount(match[1], confidence)
            if amount is None:
                continue
            taken.append((start, end))
            found.append((amount, Guess(credit_type, confidence), Guess(received, confidence)))
            break
    # The deciding credit first, then the others as the certificate lists them.
    order = dict(zip((kind.value for _, kind, _ in found), taken, strict=True))
    return found[:1] + sorted(found[1:], key=lambda credit: order[credit[1].value])


# Degrees the AMA PRA credit system awards credit to: on their certificates, words about
# a certificate of participation speak to the other learners in the room.
PHYSICIAN_DEGREES = frozenset({"MD", "DO", "MBBS"})


def _received(found: Guess, degree: Guess) -> Guess:
    """Participation wording decides only for a learner who is not a physician; "Certificate
    of Participation" heads some physicians' certificates too."""
    if found.value != PARTICIPATION:
        return found
    if degree.value in PHYSICIAN_DEGREES:
        return Guess("credit", Confidence.CHECK)
    return found if degree.found else Guess(PARTICIPATION, Confidence.CHECK)


def activity_kind(lines: list[str], joined: str, credit_type: object) -> Guess:
    named = _labelled(lines, r"(?:format|activity type|learning format)")
    designation = re.search(r"designates this ([\w -]{3,60}?) for a maximum", joined, re.I)
    for source, confidence in (
        (named, Confidence.SURE),
        (designation[1] if designation else None, Confidence.SURE),
        (joined, Confidence.CHECK),
    ):
        if not source:
            continue
        for words, kind in KINDS:
            if re.search(words, source, re.IGNORECASE):
                return Guess(kind, confidence)
    if credit_type == "sa-cme":
        return Guess("self-assessment", Confidence.CHECK)
    if credit_type is None:
        return NOTHING
    return Guess("live", Confidence.CHECK)  # most certified activities are live


_PLACE = re.compile(rf"(?<![\w])([A-Z][a-z]+(?:[ .][A-Z][a-z]+)*), ({_STATES})(?![\w])")


def location(lines: list[str], excluded: set[str]) -> Guess:
    labelled = _labelled(lines, r"(?:location|venue|place|held in)")
    if labelled:
        return Guess(labelled, Confidence.SURE)
    for line in lines:
        if line in excluded:
            continue
        match = _PLACE.search(line)
        if match:
            return Guess(f"{match[1]}, {match[2]}", Confidence.CHECK)
    return NOTHING


def topics(title_text: object) -> Guess:
    if not isinstance(title_text, str):
        return NOTHING
    found = tuple(
        sorted({code for words, code in TOPIC_WORDS if re.search(words, title_text, re.I)})
    )
    return Guess(found, Confidence.CHECK)


def dates(lines: list[str], joined: str) -> tuple[Guess, Guess]:
    labelled = _labelled(lines, _LABEL_DATE)
    if labelled:
        start, end = find_dates(labelled)
        if end:
            return Guess(start, Confidence.SURE), Guess(end, Confidence.SURE)
    start, end = find_dates(joined)
    if end is None:
        return NOTHING, NOTHING
    level = Confidence.SURE if start else Confidence.CHECK
    return Guess(start, level), Guess(end, level)


# --- the whole page -------------------------------------------------------------------


def read_page(text: str, page: int = 1, clinician_name: str = "") -> Draft:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = _lines(text)
    joined = _joined(text)
    name, degree = learner(lines)
    learner_lines = {line for line in lines if name.found and line.startswith(str(name.value))}
    found_provider = provider(text)
    excluded = learner_lines | ({str(found_provider.value)} if found_provider.found else set())
    found_title = title(lines, joined, excluded)
    start, end = dates(lines, joined)
    awarded = awarded_credits(joined)
    amount, credit_type, received = awarded[0] if awarded else (NOTHING, NOTHING, NOTHING)
    fields = {
        "learner_name": name,
        "degree": degree,
        "title": found_title,
        "provider": found_provider,
        "accreditor": accreditor(joined),
        "start_date": start if start.value else Guess(None, Confidence.CHECK),
        "completed_on": end,
        "credits": amount,
        "credit_type": credit_type,
        "awarded_as": _received(received, degree),
        "activity_kind": activity_kind(lines, joined, credit_type.value),
        "location": location(lines, learner_lines),
        "topics": topics(found_title.value),
    }
    if not end.found:
        fields["start_date"] = NOTHING
    draft = Draft(page, fields, also=[(a, t) for a, t, _ in awarded[1:]])
    if clinician_name and name.found and not same_person(str(name.value), clinician_name):
        draft.warnings.append(
            f"The certificate is made out to {name.value}, not {clinician_name}: check that "
            "it is yours."
        )
    return draft


def _credit_words(amount: Guess, credit_type: Guess) -> str:
    return f"{amount.value} {CreditType(cast(str, credit_type.value)).label}"


def each_credit(draft: Draft) -> list[Draft]:
    """The draft, and one more for each other credit its certificate awards (AMA PRA
    credits and MOC points for the same activity): an entry has one credit type, so each
    becomes an entry of its own, as a reported record with several credits does."""
    if not draft.also:
        return [draft]
    every = [(draft.fields["credits"], draft.fields["credit_type"]), *draft.also]
    named = ", ".join(_credit_words(*credit) for credit in every)
    drafts = []
    for amount, credit_type in every:
        fields = {**draft.fields, "credits": amount, "credit_type": credit_type}
        if credit_type is not draft.fields["credit_type"]:
            # Only the deciding statement can be a participation one; the others award credit.
            fields["awarded_as"] = Guess("credit", credit_type.confidence)
        note = (
            f"This certificate awards {named} for the same activity: each is offered as an "
            f"entry of its own; this one is the {_credit_words(amount, credit_type)}."
        )
        drafts.append(Draft(draft.page, fields, [*draft.warnings, note]))
    return drafts


def same_person(on_certificate: str, clinician: str) -> bool:
    """First and last names agree, case and middle names aside."""

    def ends(name: str) -> tuple[str, str]:
        parts = re.findall(r"[\w'’-]+", name.casefold())
        return (parts[0], parts[-1]) if parts else ("", "")

    return ends(on_certificate) == ends(clinician)


def as_json(draft: Draft) -> dict[str, object]:
    """The documented draft shape (docs/formats/capture.md)."""
    fields = {}
    for name in FIELDS:
        guess = draft.fields[name]
        value = guess.value
        if isinstance(value, date):
            value = value.isoformat()
        elif isinstance(value, Decimal):
            value = str(value)
        elif isinstance(value, tuple):
            value = list(value)
        fields[name] = {"value": value, "confidence": str(guess.confidence)}
    return {"page": draft.page, "fields": fields, "warnings": list(draft.warnings)}
