"""Users, roles, clinician profiles, licenses, board certifications, API tokens."""

from __future__ import annotations

import hashlib
import secrets
from typing import ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from cmeledger.lib.board_ids import board_id_problem
from cmeledger.lib.npi import is_valid_npi
from cmeledger.lib.states import USState


class Role(models.TextChoices):
    CLINICIAN = "clinician", "Clinician"
    ORGANIZATION = "organization", "Organization member"
    BOARD_STAFF = "board-staff", "Board staff"
    # An employer's credentialing office or a program director: sees the status of the
    # clinicians who joined their team, nothing more (cmeledger.teams).
    TEAM_MANAGER = "team-manager", "Team manager"
    SITE_ADMIN = "site-admin", "Site admin"


class Degree(models.TextChoices):
    MD = "MD", "MD"
    DO = "DO", "DO"
    PA = "PA", "PA"
    NP = "NP", "NP"
    RN = "RN", "RN"
    OTHER = "other", "Other"


class IdentifierState(models.TextChoices):
    """How far an identifier on a profile can be trusted (docs/identity.md)."""

    # Typed by the clinician; nobody has confirmed it yet.
    CLAIMED = "claimed", "Claimed"
    # Confirmed by the authority: a board or license roster, or site staff with a reason.
    VERIFIED = "verified", "Verified"
    # Contradicted by a roster or set aside by staff: it attaches nothing.
    DISPUTED = "disputed", "Disputed"


def _state_field() -> models.CharField:
    # A database default too: bulk inserts that skip the ORM leave the column out.
    return models.CharField(
        max_length=10,
        choices=IdentifierState.choices,
        default=IdentifierState.CLAIMED,
        db_default=IdentifierState.CLAIMED,
    )


def _note_field() -> models.CharField:
    return models.CharField(max_length=300, blank=True, default="", db_default="")


class VerifiedIdentifier(models.Model):
    """A model holding one identifier whose verification state must not outlive it:
    when the identifier's value changes, it is only claimed again."""

    IDENTIFIER_FIELDS: tuple[str, ...] = ()
    STATE_FIELD = ""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        loaded = getattr(self, "_loaded_identifier", None)
        if loaded is not None and loaded != self._identifier():
            setattr(self, self.STATE_FIELD, IdentifierState.CLAIMED)
            setattr(self, f"{self.STATE_FIELD}_note", "")
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {
                    *kwargs["update_fields"],
                    self.STATE_FIELD,
                    f"{self.STATE_FIELD}_note",
                }
        super().save(*args, **kwargs)
        self._loaded_identifier = self._identifier()

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded_identifier = instance._identifier()
        return instance

    def _identifier(self) -> tuple:
        return tuple(getattr(self, name) for name in self.IDENTIFIER_FIELDS)

    @property
    def identifier_state(self) -> str:
        return getattr(self, self.STATE_FIELD)

    @property
    def identifier_note(self) -> str:
        return getattr(self, f"{self.STATE_FIELD}_note")


class Profession(models.TextChoices):
    """Whom a certifying body certifies. The certification form offers a clinician the
    bodies of their own degree: a PA is never certified by ABIM, nor an MD by NCCPA."""

    PHYSICIAN = "physician", "Physicians"
    PA = "PA", "Physician assistants"
    NP = "NP", "Nurse practitioners"


# The profession of each degree that has certifying bodies of its own. RN and "other"
# are absent on purpose: they are offered every body rather than none.
DEGREE_PROFESSION: dict[str, str] = {
    Degree.MD: Profession.PHYSICIAN,
    Degree.DO: Profession.PHYSICIAN,
    Degree.PA: Profession.PA,
    Degree.NP: Profession.NP,
}


class BoardQuerySet(models.QuerySet["Board"]):
    def offered_to(self, degree: str | None) -> BoardQuerySet:
        """The bodies that certify clinicians of this degree; every body when the degree
        has none of its own (RN, other) or is not known yet."""
        profession = DEGREE_PROFESSION.get(degree or "")
        return self.filter(profession=profession) if profession else self.all()


class Board(models.Model):
    """A certifying body: an ABMS or AOA board for physicians, NCCPA for physician
    assistants, AANPCB or ANCC for nurse practitioners."""

    code = models.SlugField(max_length=32, unique=True)
    name = models.CharField(max_length=200)
    profession = models.CharField(
        max_length=10,
        choices=Profession.choices,
        default=Profession.PHYSICIAN,
        db_default=Profession.PHYSICIAN,
    )
    # What a certificant writes after their name ("PA-C"), for pages that speak the
    # profession's language; blank where the body's boards have no one word (ABMS).
    credential = models.CharField(max_length=20, blank=True, default="", db_default="")

    objects = BoardQuerySet.as_manager()

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code.upper()})"


class Organization(models.Model):
    """A reporting organization: a CME provider or society."""

    slug = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.name


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra) -> User:
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("role", Role.SITE_ADMIN)
        return self.create_user(email, password, **extra)


class User(AbstractUser):
    username = None  # type: ignore[assignment]
    email = models.EmailField("email address", unique=True)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.CLINICIAN)
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="members"
    )
    board = models.ForeignKey(
        Board, null=True, blank=True, on_delete=models.PROTECT, related_name="staff"
    )
    # Set when the owner follows the confirmation link sent to this address; nothing
    # an organization reports attaches to an account before it (docs/identity.md).
    email_confirmed_at = models.DateTimeField(null=True, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []
    # The stubs type AbstractUser's manager as Django's username-based one; ours keys on email.
    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    class Meta:
        # Partner records match on exact names, whatever their case.
        indexes = [models.Index(Lower("last_name"), name="user_last_name_lower")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role="organization") | models.Q(organization__isnull=False),
                name="organization_member_has_organization",
            ),
            models.CheckConstraint(
                condition=~models.Q(role="board-staff") | models.Q(board__isnull=False),
                name="board_staff_has_board",
            ),
        ]

    def __str__(self) -> str:
        return self.email

    @property
    def is_clinician(self) -> bool:
        return self.role == Role.CLINICIAN

    @property
    def is_site_admin(self) -> bool:
        """Runs the site: the site-admin role (createsuperuser gives it) or a superuser."""
        return self.role == Role.SITE_ADMIN or self.is_superuser

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.email


class ClinicianProfile(VerifiedIdentifier):
    IDENTIFIER_FIELDS = ("npi",)
    STATE_FIELD = "npi_state"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    middle_name = models.CharField(max_length=100, blank=True)
    degree = models.CharField(max_length=8, choices=Degree.choices, default=Degree.MD)
    npi = models.CharField("NPI", max_length=10, blank=True, db_index=True)
    npi_state = _state_field()
    npi_state_note = _note_field()
    # Month and day only: partner records match on them, and the year is not needed.
    birth_month = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    birth_day = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(31)]
    )
    specialty = models.CharField(max_length=120, blank=True)

    def __str__(self) -> str:
        return f"Profile of {self.user}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.npi and not is_valid_npi(self.npi):
            errors["npi"] = "Enter a 10-digit NPI starting with 1 or 2 whose check digit is right."
        if (self.birth_month is None) != (self.birth_day is None):
            errors["birth_day"] = "Enter both the month and the day of birth, or neither."
        elif self.birth_month and self.birth_day:
            days = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][self.birth_month - 1]
            if self.birth_day > days:
                errors["birth_day"] = f"Month {self.birth_month} has at most {days} days."
        if errors:
            raise ValidationError(errors)


class License(VerifiedIdentifier):
    IDENTIFIER_FIELDS = ("state", "number")
    STATE_FIELD = "number_state"

    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="licenses"
    )
    state = models.CharField(max_length=2, choices=USState.choices)
    profession = models.CharField(max_length=8, choices=Degree.choices, default=Degree.MD)
    number = models.CharField(max_length=40, db_index=True)
    number_state = _state_field()
    number_state_note = _note_field()
    issued_on = models.DateField(null=True, blank=True)
    expires_on = models.DateField(null=True, blank=True)
    dea_registrant = models.BooleanField("DEA registrant", default=False)
    direct_patient_care = models.BooleanField(default=True)
    first_licensed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["state", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["clinician", "state", "profession", "number"], name="unique_license"
            )
        ]

    def __str__(self) -> str:
        return f"{self.state} {self.profession} license {self.number}"

    def clean(self) -> None:
        if self.issued_on and self.expires_on and self.expires_on <= self.issued_on:
            raise ValidationError({"expires_on": "The expiry date must be after the issue date."})
        if self.first_licensed_on and self.issued_on and self.first_licensed_on > self.issued_on:
            raise ValidationError(
                {"first_licensed_on": "First licensed cannot be after this license was issued."}
            )


class Certification(VerifiedIdentifier):
    IDENTIFIER_FIELDS = ("board_id", "board_id_number")
    STATE_FIELD = "board_id_state"

    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="certifications"
    )
    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="certifications")
    board_id_number = models.CharField("board ID", max_length=40, blank=True, db_index=True)
    board_id_state = _state_field()
    board_id_state_note = _note_field()
    specialty = models.CharField(max_length=120, blank=True)
    cycle_start = models.DateField()
    cycle_end = models.DateField()

    class Meta:
        ordering = ["-cycle_start"]

    def __str__(self) -> str:
        return f"{self.board.code.upper()} {self.specialty} {self.cycle_start}–{self.cycle_end}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        problem = board_id_problem(self.board_id_number) if self.board_id_number else None
        if problem:
            errors["board_id_number"] = (
                f"Enter the ID as your certifying body prints it: {problem}."
            )
        if self.cycle_start and self.cycle_end and self.cycle_end <= self.cycle_start:
            errors["cycle_end"] = "The cycle must end after it starts."
        if errors:
            raise ValidationError(errors)


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def active(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """An API token; only its SHA-256 is stored, the secret is shown once. A token with an
    organization acts for that organization only (reporting), never for its creator."""

    PREFIX = "cme_"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    organization = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(max_length=100)
    hint = models.CharField(max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def issue(
        cls, user: User, name: str, organization: Organization | None = None
    ) -> tuple[ApiToken, str]:
        key = cls.PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user,
            organization=organization,
            name=name,
            hint=key[: len(cls.PREFIX) + 6],
            key_hash=cls.hash_key(key),
        )
        return token, key

    @classmethod
    def _find(cls, key: str) -> ApiToken | None:
        if not key.startswith(cls.PREFIX):
            return None
        token = (
            cls.objects.active()
            .select_related("user", "organization")
            .filter(key_hash=cls.hash_key(key), user__is_active=True)
            .first()
        )
        if token is not None:
            cls.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        return token

    @classmethod
    def authenticate(cls, key: str) -> User | None:
        """The user of a personal token; an organization's token is not one."""
        token = cls._find(key)
        if token is None or token.organization_id is not None:
            return None
        return token.user

    @classmethod
    def authenticate_organization(cls, key: str) -> ApiToken | None:
        """An organization's token, while its creator still belongs to that organization."""
        token = cls._find(key)
        if token is None or token.organization_id is None:
            return None
        if token.user.organization_id != token.organization_id:
            return None
        return token

    def revoke(self) -> None:
        self.revoked_at = timezone.now()
        self.save(update_fields=["revoked_at"])
