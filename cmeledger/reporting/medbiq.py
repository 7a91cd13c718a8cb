"""MedBiquitous Activity Report XML (ANSI/MEDBIQ AR.10.1, v1 namespaces): reading and writing.

The standard carries CE/CME credit certificates; this is the reading of it we accept, one
`ActivityReport` per completion. Paths are relative to `ActivityReport`; elements without
a prefix are in the activity-report namespace. [ext] marks our own optional extensions
(v1.1 allows extension elements), for fields the standard has no place for.

Namespaces::

    (default) http://ns.medbiq.org/activityreport/v1/
    m         http://ns.medbiq.org/member/v1/
    n         http://ns.medbiq.org/name/v1/
    hx        http://ns.medbiq.org/lom/extend/v1/

Elements::

    ActivityReports                                the root
      DateTimeCreated, ReportingOrganization       written; not read
      ActivityReport                               one completion; row number = its ordinal
        Member
          m:UniqueID @domain="npi"                 npi
          m:UniqueID @domain="license:TX"          license_state (TX), license_number
          m:UniqueID @domain="email"               email
          m:UniqueID @domain="<board code>"        board (e.g. abpmr), board_id
          n:Name/n:GivenName, n:FamilyName         first_name, last_name (found anywhere
                                                   in Member, so m:Name works too)
          m:EmailAddress                           email
          m:BirthDate                              birth_date, MM/DD [ext]
        Activity
          ActivityID                               activity_id
          ActivityName                             activity_title
          ActivityType                             activity_kind, an activity kind code
          StartDate, EndDate                       activity_start, activity_end
          ProviderOrganization                     provider, when no hx:accreditedProvider
          Accreditor                               accreditor code [ext]; else from the
                                                   first hx:accreditingBody
          Topic (repeated)                         topics, one topic code each [ext]
          SpecialtyRelated                         specialty_related, yes/no [ext]
        Module (repeated)
          ModuleName                               written (the title); not read
          Component                                component [ext]
          Metadata                                 LOM; a keyword (any text in it) reading
                                                   "self assessment" -> self-assessment
        CreditCertificate
          CreditID                                 record_id
          CreditReceived (repeated)                one credit pair each
            hx:accreditingBody                     ACCME, AOA, AAFP, ANCC, AAPA or RCPSC:
                                                   the credit type and the accreditor
            hx:creditType                          a credit type code; overrides the
                                                   body's [ext]
            hx:accreditedProvider                  provider
            hx:nonAccreditedProvider               provider, when no accredited one
            hx:releaseDate                         completed_on (a dateTime is cut to
                                                   its date)
            hx:numberOfCredits                     the amount (none: no pair)
            CreditFocus/NumberOfCredits            self-assessment credit: sa-cme=N
          CreditFocus/NumberOfCredits              the same, for the whole certificate
          MOCPoints                                moc-points=N
        Status                                     active or withdrawn [ext]
        Consent                                    yes/no: permission to share [ext]

Unknown elements (ActivityInstanceID, LaunchAction, Results, ...) are ignored; where a
single element appears twice the first is read, except Member, Activity and
CreditCertificate, which make the row bad (one completion per ActivityReport).

The file is read in two streaming passes. First a syntax pass over the whole file with
expat and defusedxml's refusals, so a DTD, entity, external reference, malformed XML,
wrong root or a nesting or size bomb refuses the file before any row is imported; then
the rows, with defusedxml's iterparse, each `ActivityReport` cleared once read.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import IO, BinaryIO, NoReturn
from xml.etree.ElementTree import Element, ParseError
from xml.parsers import expat
from xml.parsers.expat import ExpatError
from xml.sax.saxutils import escape, quoteattr

from defusedxml import (
    DefusedXmlException,
    DTDForbidden,
    EntitiesForbidden,
    ExternalReferenceForbidden,
)
from defusedxml.ElementTree import iterparse

from cmeledger.reporting.formats import FileRejected
from cmeledger.reporting.records import EMPTY, INDEX, BadRow, Problem, RawRow

AR = "http://ns.medbiq.org/activityreport/v1/"
MEMBER = "http://ns.medbiq.org/member/v1/"
NAME = "http://ns.medbiq.org/name/v1/"
HX = "http://ns.medbiq.org/lom/extend/v1/"
LOM = "http://ltsc.ieee.org/xsd/LOM"

ROOT = f"{{{AR}}}ActivityReports"
REPORT = f"{{{AR}}}ActivityReport"
# The same names as expat reports them with namespace_separator="}".
_EXPAT_ROOT = ROOT[1:]
_EXPAT_REPORT = REPORT[1:]

# canonical field -> the element path shown in error messages
LABELS: dict[str, str] = {
    "record_id": "CreditCertificate/CreditID",
    "activity_id": "Activity/ActivityID",
    "activity_title": "Activity/ActivityName",
    "activity_kind": "Activity/ActivityType",
    "activity_start": "Activity/StartDate",
    "activity_end": "Activity/EndDate",
    "provider": "CreditReceived/hx:accreditedProvider",
    "accreditor": "Activity/Accreditor or CreditReceived/hx:accreditingBody",
    "completed_on": "CreditReceived/hx:releaseDate",
    "board": "Member/m:UniqueID/@domain",
    "board_id": "Member/m:UniqueID (board)",
    "npi": 'Member/m:UniqueID[@domain="npi"]',
    "license_state": 'Member/m:UniqueID[@domain="license:XX"]',
    "license_number": 'Member/m:UniqueID[@domain="license:XX"]',
    "first_name": "Member/n:Name/n:GivenName",
    "last_name": "Member/n:Name/n:FamilyName",
    "birth_date": "Member/m:BirthDate",
    "email": "Member/m:EmailAddress",
    "credits": "CreditReceived (hx:accreditingBody, hx:creditType, hx:numberOfCredits, "
    "CreditFocus/NumberOfCredits) or MOCPoints",
    "topics": "Activity/Topic",
    "component": "Module/Component or Module/Metadata",
    "specialty_related": "Activity/SpecialtyRelated",
    "status": "ActivityReport/Status",
    "consent": "ActivityReport/Consent",
    "learner": "Member",
    "row": "ActivityReport",
}

# hx:accreditingBody -> (credit type, accreditor): the credit each body designates.
BODIES = {
    "ACCME": ("ama-pra-1", "accme"),
    "AOA": ("aoa-1a", "aoa"),
    "AAFP": ("aafp-prescribed", "aafp"),
    "ANCC": ("ancc-contact-hour", "ancc"),
    "AAPA": ("aapa-1", "aapa"),
    "RCPSC": ("rcpsc-1", "rcpsc"),
}
# credit type prefix -> the body written for it
_TYPE_BODIES = {
    "ama": "ACCME",
    "aoa": "AOA",
    "aafp": "AAFP",
    "ancc": "ANCC",
    "aapa": "AAPA",
    "rcpsc": "RCPSC",
}
# A report never needs more; a limit keeps one hostile report from filling memory.
MAX_DEPTH = 32
MAX_ELEMENTS_PER_REPORT = 10_000


def _q(namespace: str, name: str) -> str:
    return f"{{{namespace}}}{name}"


# Qualified names, built once: ElementTree matches on "{namespace}name".
_MEMBER, _ACTIVITY, _MODULE, _CERTIFICATE = (
    _q(AR, "Member"),
    _q(AR, "Activity"),
    _q(AR, "Module"),
    _q(AR, "CreditCertificate"),
)
_UNIQUE_ID, _EMAIL, _BIRTH = (
    _q(MEMBER, "UniqueID"),
    _q(MEMBER, "EmailAddress"),
    _q(MEMBER, "BirthDate"),
)
_GIVEN, _FAMILY = _q(NAME, "GivenName"), _q(NAME, "FamilyName")
_ACTIVITY_TEXT = {
    _q(AR, "ActivityID"): "activity_id",
    _q(AR, "ActivityName"): "activity_title",
    _q(AR, "ActivityType"): "activity_kind",
    _q(AR, "StartDate"): "activity_start",
    _q(AR, "EndDate"): "activity_end",
    _q(AR, "Accreditor"): "accreditor",
    _q(AR, "SpecialtyRelated"): "specialty_related",
    _q(AR, "ProviderOrganization"): "organization",  # not a field: the provider fallback
}
_TOPIC = _q(AR, "Topic")
_COMPONENT, _METADATA = _q(AR, "Component"), _q(AR, "Metadata")
_CREDIT_ID, _RECEIVED, _MOC = _q(AR, "CreditID"), _q(AR, "CreditReceived"), _q(AR, "MOCPoints")
_FOCUS, _FOCUS_AMOUNT = _q(AR, "CreditFocus"), _q(AR, "NumberOfCredits")
_BODY, _TYPE, _AMOUNT = _q(HX, "accreditingBody"), _q(HX, "creditType"), _q(HX, "numberOfCredits")
_PROVIDER, _OTHER_PROVIDER = _q(HX, "accreditedProvider"), _q(HX, "nonAccreditedProvider")
_RELEASED = _q(HX, "releaseDate")
_STATUS, _CONSENT = _q(AR, "Status"), _q(AR, "Consent")
_SINGLE = {_MEMBER: "Member", _ACTIVITY: "Activity", _CERTIFICATE: "CreditCertificate"}


# --- reading one report ------------------------------------------------------------------


def _text(element: Element | None) -> str:
    if element is None or element.text is None:
        return ""
    return element.text.strip()


def _children(element: Element) -> dict[str, Element]:
    """The first child of each name: one scan instead of a path search per element."""
    found: dict[str, Element] = {}
    for child in element:
        found.setdefault(child.tag, child)
    return found


def _date(text: str) -> str:
    """xs:date or xs:dateTime (2025-03-01T10:00:00Z, 2025-03-01-05:00) -> 2025-03-01."""
    if len(text) > 10 and text[4:5] == "-" and text[7:8] == "-":
        return text[:10]
    return text


def _member(member: Element, values: list[str], problems: list[Problem]) -> None:
    for unique in member.iter(_UNIQUE_ID):
        domain = (unique.get("domain") or "").strip().lower()
        value = _text(unique)
        if not domain:
            problems.append(Problem("learner", "m:UniqueID needs a domain attribute"))
        elif domain == "npi":
            _set(values, problems, "npi", value, "npi")
        elif domain == "email":
            _set(values, problems, "email", value, "email")
        elif domain.startswith("license:"):
            _set(values, problems, "license_state", domain[8:].strip().upper(), "license")
            _set(values, problems, "license_number", value, "license")
        else:
            _set(values, problems, "board", domain, "board")
            _set(values, problems, "board_id", value, "board")
    values[INDEX["first_name"]] = _text(next(member.iter(_GIVEN), None))
    values[INDEX["last_name"]] = _text(next(member.iter(_FAMILY), None))
    children = _children(member)
    email = _text(children.get(_EMAIL))
    if email:
        _set(values, problems, "email", email, "email")
    values[INDEX["birth_date"]] = _text(children.get(_BIRTH))


def _set(values: list[str], problems: list[Problem], field: str, value: str, what: str) -> None:
    """Fill a learner field once: two different values for it is the reporter's mistake."""
    slot = INDEX[field]
    if values[slot] and values[slot] != value:
        problems.append(Problem(field, f"the learner has two {what} identifiers"))
    values[slot] = value


def _activity(activity: Element, values: list[str], problems: list[Problem]) -> None:
    texts: dict[str, str] = {}  # the first non-empty text per field
    topics = []
    for child in activity:
        tag = child.tag
        if tag == _TOPIC:
            topics.append(_text(child))
        elif tag in _ACTIVITY_TEXT and _text(child):
            texts.setdefault(_ACTIVITY_TEXT[tag], _text(child))
    organization = texts.pop("organization", "")
    for field, text in texts.items():  # an explicit Accreditor overrides the body's
        values[INDEX[field]] = text
    values[INDEX["activity_start"]] = _date(values[INDEX["activity_start"]])
    values[INDEX["activity_end"]] = _date(values[INDEX["activity_end"]])
    if not values[INDEX["provider"]]:  # the certificate's accredited provider comes first
        values[INDEX["provider"]] = organization
    if any(";" in topic for topic in topics):
        problems.append(Problem("topics", "a topic code cannot contain ';'"))
    values[INDEX["topics"]] = ";".join(topic for topic in topics if topic)


def _is_self_assessment(text: str) -> bool:
    return " ".join(text.lower().replace("-", " ").split()) == "self assessment"


def _component(modules: list[Element]) -> str:
    for module in modules:
        component = _text(module.find(_COMPONENT))
        if component:
            return component
    for module in modules:
        for metadata in module.iter(_METADATA):
            if any(_is_self_assessment(text) for text in metadata.itertext()):
                return "self-assessment"
    return ""


def _focus(focus: Element | None) -> str:
    """CreditFocus/NumberOfCredits as an sa-cme pair, or "" when it has no amount."""
    amount = _text(focus.find(_FOCUS_AMOUNT)) if focus is not None else ""
    return f"sa-cme={amount}" if amount else ""


def _received(
    received: Element, values: list[str], pairs: list[str], problems: list[Problem]
) -> str:
    """Add one CreditReceived's credit pairs; returns its release date."""
    children = _children(received)
    body = _text(children.get(_BODY))
    designated = BODIES.get(body.upper())
    credit_type = _text(children.get(_TYPE)) or (designated[0] if designated else body)
    amount = _text(children.get(_AMOUNT))
    if ";" in credit_type + amount or "=" in credit_type + amount:
        problems.append(Problem("credits", "a credit type or amount cannot contain ';' or '='"))
    elif amount:  # no amount: the element only carries the focus, or nothing
        pairs.append(f"{credit_type}={amount}")
    pairs.append(_focus(children.get(_FOCUS)))
    provider = _text(children.get(_PROVIDER)) or _text(children.get(_OTHER_PROVIDER))
    if provider and not values[INDEX["provider"]]:
        values[INDEX["provider"]] = provider
    if designated and not values[INDEX["accreditor"]]:
        values[INDEX["accreditor"]] = designated[1]
    return _date(_text(children.get(_RELEASED)))


def _certificate(certificate: Element, values: list[str], problems: list[Problem]) -> None:
    pairs: list[str] = []
    released: set[str] = set()
    moc = ""
    for child in certificate:
        tag = child.tag
        if tag == _RECEIVED:
            released.add(_received(child, values, pairs, problems))
        elif tag == _CREDIT_ID and not values[0]:
            values[0] = _text(child)
        elif tag == _FOCUS:
            pairs.append(_focus(child))
        elif tag == _MOC and not moc:
            moc = _text(child)
    if moc:
        pairs.append(f"moc-points={moc}")
    released.discard("")
    if len(released) > 1:
        problems.append(Problem("completed_on", "the CreditReceived release dates differ"))
    values[INDEX["completed_on"]] = released.pop() if released else ""
    values[INDEX["credits"]] = ";".join(pair for pair in pairs if pair)


def _report(number: int, report: Element, end: int) -> RawRow | BadRow:
    """One ActivityReport as canonical strings (validate judges the values)."""
    values = list(EMPTY)
    problems: list[Problem] = []
    found: dict[str, Element] = {}
    modules = []
    for child in report:
        tag = child.tag
        if tag == _MODULE:
            modules.append(child)
        elif tag in found and tag in _SINGLE:
            problems.append(Problem("row", f"an ActivityReport holds one {_SINGLE[tag]}"))
        else:
            found.setdefault(tag, child)
    if _CERTIFICATE in found:
        _certificate(found[_CERTIFICATE], values, problems)
    if _MEMBER in found:
        _member(found[_MEMBER], values, problems)
    if _ACTIVITY in found:
        _activity(found[_ACTIVITY], values, problems)
    values[INDEX["component"]] = _component(modules)
    values[INDEX["status"]] = _text(found.get(_STATUS))
    values[INDEX["consent"]] = _text(found.get(_CONSENT))
    if problems:
        return BadRow(number, values[0][:100], tuple(problems), end)
    return RawRow(number, tuple(values), end)


# --- reading the file ----------------------------------------------------------------------


def _refusal(error: Exception) -> FileRejected:
    """The reporter's reason, for each way defusedxml and expat refuse a document."""
    if isinstance(error, DTDForbidden):
        return FileRejected("The XML declares a DTD (<!DOCTYPE ...>); DTDs are not accepted.")
    if isinstance(error, EntitiesForbidden):
        return FileRejected("The XML declares entities (<!ENTITY ...>); they are not accepted.")
    if isinstance(error, ExternalReferenceForbidden):
        return FileRejected("The XML refers to an external resource; that is not accepted.")
    if isinstance(error, ExpatError):
        reason = expat.errors.messages[error.code]
        where = f"line {error.lineno}, column {error.offset + 1}"
        return FileRejected(f"The file is not well-formed XML: {reason} ({where}).")
    if isinstance(error, ParseError):
        line, column = getattr(error, "position", (0, 0))
        reason = str(error).split(":", 1)[0]
        where = f"line {line}, column {column + 1}"
        return FileRejected(f"The file is not well-formed XML: {reason} ({where}).")
    return FileRejected(f"The XML cannot be read: {str(error)[:200]}.")


def _refuse_dtd(name: str, *_: object) -> None:
    raise DTDForbidden(name, None, None)


def _refuse_entity(name: str, *_: object) -> None:
    raise EntitiesForbidden(name, None, None, None, None, None)


def _refuse_external(
    context: str, base: str | None, sysid: str | None, pubid: str | None
) -> NoReturn:
    raise ExternalReferenceForbidden(context, base, sysid, pubid)


class _Gate:
    """The syntax pass's expat callbacks: the root, nesting, and the size of each report.

    The limits bound what the row pass builds in memory before it clears a report.
    """

    def __init__(self) -> None:
        self.depth = 0
        self.reports = 0
        self.elements = 0  # since the last ActivityReport began

    def start(self, name: str, attributes: object) -> None:
        self.depth += 1
        if self.depth == 1:
            _check_root(name)
        elif self.depth > MAX_DEPTH:
            raise FileRejected(f"The XML is nested more than {MAX_DEPTH} levels deep.")
        elif name == _EXPAT_REPORT:
            if self.depth != 2:
                raise FileRejected("An ActivityReport must sit directly inside ActivityReports.")
            self.reports += 1
            self.elements = 0
        else:
            self.elements += 1
            if self.elements > MAX_ELEMENTS_PER_REPORT:
                raise FileRejected(
                    f"ActivityReport {self.reports} has more than "
                    f"{MAX_ELEMENTS_PER_REPORT:,} elements."
                )

    def end(self, name: str) -> None:
        self.depth -= 1


def _check(stream: BinaryIO) -> int:
    """The syntax pass over the whole file; returns the number of reports.

    Plain expat (C) with the same refusals defusedxml installs (a DTD, an entity or an
    external reference raises) and no tree: three times faster than an ElementTree pass,
    and nothing held in memory. The row pass then reads with defusedxml itself.
    """
    parser = expat.ParserCreate(namespace_separator="}")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_entity
    parser.UnparsedEntityDeclHandler = _refuse_entity
    parser.ExternalEntityRefHandler = _refuse_external
    gate = _Gate()
    parser.StartElementHandler = gate.start
    parser.EndElementHandler = gate.end
    stream.seek(0)
    parser.ParseFile(stream)
    return gate.reports


def _check_root(name: str) -> None:
    """`name` is expat's "namespace}local" (or just "local" without a namespace)."""
    if name == _EXPAT_ROOT:
        return
    namespace, _, local = name.rpartition("}")
    where = f"in namespace {namespace[:100]}" if namespace else "without a namespace"
    raise FileRejected(
        "This is not a MedBiquitous Activity Report: the root element is "
        f"{local[:60]} {where}; expected ActivityReports in namespace {AR}."
    )


def read_medbiq(stream: BinaryIO) -> Iterator[RawRow | BadRow]:
    """Each ActivityReport of the file, numbered from 1; FileRejected before any row if the
    document is unsafe, malformed, not an Activity Report, or holds no reports."""
    try:
        count = _check(stream)
    except (ExpatError, DefusedXmlException) as error:
        raise _refusal(error) from None
    except (LookupError, ValueError) as error:  # expat asks Python for a declared encoding
        raise FileRejected(
            "The XML declaration names an encoding that cannot be read "
            f"({str(error)[:100]}); declare UTF-8."
        ) from None
    if not count:
        raise FileRejected("The file holds no ActivityReport elements.")
    stream.seek(0)
    events = iterparse(
        stream,
        events=("start", "end"),
        forbid_dtd=True,
        forbid_entities=True,
        forbid_external=True,
    )
    try:
        yield from _rows(events, stream)
    except (ParseError, DefusedXmlException) as error:  # the file changed under us
        raise _refusal(error) from None


def _rows(events: Iterator[tuple[str, Element]], stream: BinaryIO) -> Iterator[RawRow | BadRow]:
    """Each report as it ends, then cleared from the root so memory stays flat."""
    root: Element | None = None
    number = 0
    for event, element in events:
        if root is None:
            root = element
        elif event == "end" and element.tag == REPORT:
            number += 1
            yield _report(number, element, stream.tell())
            root.clear()


# --- writing -------------------------------------------------------------------------------


def _plain(value: object) -> str:
    """A record value as element text (None -> "", True -> "yes", Decimal as written)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value).strip()


def _element(name: str, value: object, attributes: str = "") -> str:
    text = _plain(value)
    return f"<{name}{attributes}>{escape(text)}</{name}>" if text else ""


def _member_xml(learner: dict) -> str:
    parts = []
    if learner.get("npi"):
        parts.append(_element("m:UniqueID", learner["npi"], ' domain="npi"'))
    if learner.get("board"):
        domain = quoteattr(_plain(learner["board"]))
        parts.append(_element("m:UniqueID", learner.get("board_id"), f" domain={domain}"))
    if learner.get("license_state"):
        domain = quoteattr("license:" + _plain(learner["license_state"]))
        parts.append(_element("m:UniqueID", learner.get("license_number"), f" domain={domain}"))
    name = _element("n:GivenName", learner.get("first_name")) + _element(
        "n:FamilyName", learner.get("last_name")
    )
    if name:
        parts.append(f"<n:Name>{name}</n:Name>")
    parts.append(_element("m:EmailAddress", learner.get("email")))
    parts.append(_element("m:BirthDate", learner.get("birth_date")))
    return "<Member>" + "".join(parts) + "</Member>"


def _body(credit_type: str, accreditor: str) -> str:
    return _TYPE_BODIES.get(credit_type.split("-", 1)[0]) or accreditor.upper() or "OTHER"


def _activity_xml(activity: dict, record: dict, first_body: str) -> str:
    accreditor = _plain(activity.get("accreditor"))
    implied = BODIES.get(first_body, ("", ""))[1]
    parts = [
        _element("ActivityName", activity.get("title")),
        _element("ProviderOrganization", activity.get("provider")),
        _element("ActivityID", activity.get("id")),
        _element("ActivityType", activity.get("kind")),
        _element("StartDate", activity.get("start")),
        _element("EndDate", activity.get("end")),
        _element("Accreditor", accreditor) if accreditor != implied else "",
        *(_element("Topic", topic) for topic in record.get("topics") or ()),
        _element("SpecialtyRelated", record.get("specialty_related")),
    ]
    return "<Activity>" + "".join(parts) + "</Activity>"


def _module_xml(title: object, component: str) -> str:
    if component == "self-assessment":
        keyword = (
            f'<lom:lom xmlns:lom="{LOM}"><lom:general><lom:keyword>'
            '<lom:string language="en">self assessment</lom:string>'
            "</lom:keyword></lom:general></lom:lom>"
        )
        extra = f"<Metadata>{keyword}</Metadata>"
    else:
        extra = _element("Component", component)
    return f"<Module>{_element('ModuleName', title)}{extra}</Module>"


def _received_xml(
    credit_type: str, amount: object, accreditor: str, common: str, focus: object
) -> str:
    body = _body(credit_type, accreditor) if credit_type else accreditor.upper() or "OTHER"
    parts = [_element("hx:accreditingBody", body)]
    if credit_type and BODIES.get(body, ("",))[0] != credit_type:
        parts.append(_element("hx:creditType", credit_type))
    parts.append(common)
    parts.append(_element("hx:numberOfCredits", amount))
    if focus is not None:
        parts.append(f"<CreditFocus>{_element('NumberOfCredits', focus)}</CreditFocus>")
    return "<CreditReceived>" + "".join(parts) + "</CreditReceived>"


def _certificate_xml(record: dict, activity: dict) -> tuple[str, str]:
    """The CreditCertificate element, and the first accrediting body it names."""
    credits = dict(record.get("credits") or {})
    moc = credits.pop("moc-points", None)
    focus = credits.pop("sa-cme", None)
    accreditor = _plain(activity.get("accreditor"))
    common = _element("hx:accreditedProvider", activity.get("provider")) + _element(
        "hx:releaseDate", record.get("completed_on")
    )
    pairs = list(credits.items()) or [("", None)]  # sa-cme or MOC alone still needs one
    received = [
        _received_xml(credit_type, amount, accreditor, common, focus if i == 0 else None)
        for i, (credit_type, amount) in enumerate(pairs)
    ]
    first = pairs[0][0]
    first_body = _body(first, accreditor) if first else accreditor.upper() or "OTHER"
    body = (
        _element("CreditID", record.get("record_id"))
        + "".join(received)
        + _element("MOCPoints", moc)
    )
    return f"<CreditCertificate>{body}</CreditCertificate>", first_body


def _report_xml(record: dict) -> str:
    activity = record.get("activity") or {}
    learner = record.get("learner") or {}
    certificate, first_body = _certificate_xml(record, activity)
    status = record.get("status")
    return (
        "<ActivityReport>"
        + _member_xml(learner)
        + _activity_xml(activity, record, first_body)
        + _module_xml(activity.get("title"), _plain(record.get("component")))
        + certificate
        + _element("Status", status)
        + _element("Consent", record.get("consent"))
        + "</ActivityReport>\n"
    )


def write_medbiq(records: Iterable[dict], out: IO, organization: str) -> None:
    """An Activity Report document from records in the JSON record shape, one
    ActivityReport per record, written as the records come (UTF-8 for binary output)."""
    binary = not isinstance(out, io.TextIOBase)

    def write(text: str) -> None:
        out.write(text.encode("utf-8") if binary else text)

    created = datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    write(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<ActivityReports xmlns="{AR}" xmlns:m="{MEMBER}" xmlns:n="{NAME}" xmlns:hx="{HX}">\n'
        f"<DateTimeCreated>{created}</DateTimeCreated>\n"
        f"{_element('ReportingOrganization', organization)}\n"
    )
    for record in records:
        write(_report_xml(record))
    write("</ActivityReports>\n")
