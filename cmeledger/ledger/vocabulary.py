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
