"""Stable codes used in files, the API and tests (DESIGN.md, Vocabulary)."""

from __future__ import annotations

from decimal import Decimal

from django.db import models


class CreditType(models.TextChoices):
    AMA_PRA_1 = "ama-pra-1", "AMA PRA Category 1 Credit™"
    AMA_PRA_2 = "ama-pra-2", "AMA PRA Category 2 Credit™"
    AOA_1A = "aoa-1a", "AOA Category 1-A"
    AOA_1B = "aoa-1b", "AOA Category 1-B"
    AOA_2A = "aoa-2a", "AOA Category 2-A"
    AOA_2B = "aoa-2b", "AOA Category 2-B"
    AAFP_PRESCRIBED = "aafp-prescribed", "AAFP Prescribed"
    AAFP_ELECTIVE = "aafp-elective", "AAFP Elective"
    RCPSC_1 = "rcpsc-1", "RCPSC Section 1"
    ANCC_CONTACT_HOUR = "ancc-contact-hour", "ANCC contact hours"
    AAPA_1 = "aapa-1", "AAPA Category 1 CME"
    SA_CME = "sa-cme", "Self-assessment CME (SA-CME)"
    MOC_POINTS = "moc-points", "MOC points"
    ATTENDANCE = "attendance", "Certificate of attendance"


class AwardedAs(models.TextChoices):
    """What the clinician received for an activity designated for the entry's credit type.

    A PA or NP at an activity designated for AMA PRA Category 1 Credit™ receives a
    certificate of participation, not the credit itself; the entry keeps the designation
    as its credit type and says so here, so each requirement set can decide whether it
    accepts it (a set's `accepted_participation`)."""

    CREDIT = "credit", "Credit"
    PARTICIPATION = "participation", "Certificate of participation"


# Credit types a provider designates an activity for, so a certificate of participation
# can name one. Self-claimed types (AMA PRA Category 2, AOA 1-B and 2) and a certificate
# of attendance designate nothing.
PARTICIPATION_TYPES = frozenset(
    {
        CreditType.AMA_PRA_1,
        CreditType.AOA_1A,
        CreditType.AAFP_PRESCRIBED,
        CreditType.AAFP_ELECTIVE,
        CreditType.RCPSC_1,
        CreditType.ANCC_CONTACT_HOUR,
        CreditType.AAPA_1,
    }
)


def credit_words(credit_type: str, awarded_as: str = AwardedAs.CREDIT) -> str:
    """The credit type in plain words, with "certificate of participation" when that is
    what the clinician received."""
    label = CreditType(credit_type).label if credit_type in CreditType.values else credit_type
    if awarded_as == AwardedAs.PARTICIPATION:
        return f"{label} — certificate of participation"
    return str(label)


class Topic(models.TextChoices):
    ETHICS = "ethics", "Ethics"
    PAIN_MANAGEMENT = "pain-management", "Pain management"
    OPIOID_PRESCRIBING = "opioid-prescribing", "Opioid prescribing"
    CONTROLLED_SUBSTANCES = "controlled-substances", "Controlled substances"
    ADDICTION = "addiction", "Addiction"
    END_OF_LIFE_CARE = "end-of-life-care", "End-of-life care"
    HUMAN_TRAFFICKING = "human-trafficking", "Human trafficking"
    IMPLICIT_BIAS = "implicit-bias", "Implicit bias"
    MEDICAL_ERRORS = "medical-errors", "Medical errors"
    PATIENT_SAFETY = "patient-safety", "Patient safety"
    RISK_MANAGEMENT = "risk-management", "Risk management"
    DOMESTIC_VIOLENCE = "domestic-violence", "Domestic violence"
    CHILD_ABUSE = "child-abuse", "Child abuse"
    INFECTION_CONTROL = "infection-control", "Infection control"
    GERIATRICS = "geriatrics", "Geriatrics"
    HIV_AIDS = "hiv-aids", "HIV/AIDS"
    SUICIDE_PREVENTION = "suicide-prevention", "Suicide prevention"
    CULTURAL_COMPETENCY = "cultural-competency", "Cultural competency"
    HEALTH_EQUITY = "health-equity", "Health equity"
    SEXUAL_HARASSMENT = "sexual-harassment", "Sexual harassment prevention"
    SEXUAL_ASSAULT = "sexual-assault", "Sexual assault"
    DEMENTIA = "dementia", "Alzheimer's disease and dementia"
    ELDER_ABUSE = "elder-abuse", "Elder and dependent adult abuse"
    ABUSIVE_HEAD_TRAUMA = "abusive-head-trauma", "Pediatric abusive head trauma"
    BIOTERRORISM = "bioterrorism", "Bioterrorism and emergency preparedness"
    PALLIATIVE_CARE = "palliative-care", "Palliative care"
    SUBSTANCE_USE = "substance-use", "Substance use disorders"
    PRESCRIPTION_MONITORING = "prescription-monitoring", "Prescription drug monitoring"
    PUBLIC_HEALTH = "public-health", "Public health priorities"
    # Nursing and PA boards count pharmacology hours apart (PA CRNP 16, OH APRN and PA 12).
    PHARMACOLOGY = "pharmacology", "Pharmacology"
    SPECIALTY = "specialty", "Specialty-related"


class ActivityKind(models.TextChoices):
    LIVE = "live", "Live activity"
    ENDURING = "enduring", "Enduring material"
    JOURNAL = "journal", "Journal-based CME"
    INTERNET_LIVE = "internet-live", "Internet live"
    INTERNET_ENDURING = "internet-enduring", "Internet enduring"
    POINT_OF_CARE = "point-of-care", "Internet point-of-care"
    TEST_ITEM_WRITING = "test-item-writing", "Test-item writing"
    MANUSCRIPT_REVIEW = "manuscript-review", "Manuscript review"
    PERFORMANCE_IMPROVEMENT = "performance-improvement", "Performance improvement CME"
    SELF_ASSESSMENT = "self-assessment", "Self-assessment"
    IMPROVEMENT_PROJECT = "improvement-project", "Improvement project (IHHC)"
    LONGITUDINAL_ASSESSMENT = "longitudinal-assessment", "Longitudinal assessment"
    TEACHING = "teaching", "Teaching"
    OTHER = "other", "Other"


class Source(models.TextChoices):
    SELF = "self", "Self-reported"
    CAPTURED = "captured", "Captured from a certificate"
    ORGANIZATION = "organization", "Reported by an organization"
    CC_ACTIVITY = "cc-activity", "Continuing certification activity"
    DIRECT_CREDIT = "direct-credit", "Direct credit"
    IMPORT = "import", "Imported"

    @classmethod
    def clinician_editable(cls) -> frozenset[str]:
        """Sources whose entries the clinician owns; the others belong to whoever reported them."""
        return frozenset({cls.SELF, cls.CAPTURED, cls.IMPORT})


class Accreditor(models.TextChoices):
    ACCME = "accme", "ACCME"
    STATE_SOCIETY = "state-society", "ACCME-recognized state medical society"
    AOA = "aoa", "AOA"
    AAFP = "aafp", "AAFP"
    ANCC = "ancc", "ANCC"
    AAPA = "aapa", "AAPA"
    RCPSC = "rcpsc", "RCPSC"
    OTHER = "other", "Other"


CREDIT_STEP = Decimal("0.25")
# One activity above this is almost certainly a typo (a residency year of direct credit
# is 20, recertification direct credit 60); larger claims are split into entries.
MAX_CREDITS_PER_ENTRY = Decimal("100")
