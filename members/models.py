import hashlib
import secrets
from typing import Self

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .regions import Province
from .validators import normalise_credit_code, validate_credit_code, validate_phone


def pick_language(zh: str, en: str) -> str:
    """The text in the active language, falling back to the other one when it is empty."""
    if (get_language() or "zh-hans").startswith("zh"):
        return zh or en
    return en or zh


class MaterialCategory(models.Model):
    class Group(models.TextChoices):
        MATERIAL = "material", _("IC material")
        EMERGENCY = "emergency", _("Emergency goods")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    group = models.CharField(_("group"), max_length=20, choices=Group.choices, default=Group.MATERIAL)
    hazardous = models.BooleanField(
        _("hazardous goods"), default=False, help_text=_("UN numbers apply (gases, many chemicals).")
    )
    cold_chain = models.BooleanField(_("may need cold chain"), default=False)
    default_unit = models.CharField(_("default unit"), max_length=20, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("material category")
        verbose_name_plural = _("material categories")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return pick_language(self.name_zh, self.name_en)


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def public(self) -> Self:
        """Organisations anyone signed in may see in the directory."""
        return self.filter(status=Organisation.Status.ACTIVE)


class Organisation(models.Model):
    class Kind(models.TextChoices):
        SUPPLIER = "supplier", _("Materials supplier")
        FAB = "fab", _("IC manufacturer (fab)")
        EQUIPMENT = "equipment", _("Equipment maker")
        RESEARCH = "research", _("Research institute")
        LOGISTICS = "logistics", _("Logistics")
        PARTNER = "partner", _("Partner")
        SECRETARIAT = "secretariat", _("Secretariat")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending approval")
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        unique=True,
        validators=[validate_credit_code],
        help_text=_("统一社会信用代码: 18 characters, as on the business licence."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    status = models.CharField(_("membership status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    province = models.CharField(_("province"), max_length=20, choices=Province.choices)
    city = models.CharField(_("city (Chinese)"), max_length=60)
    city_en = models.CharField(_("city (English)"), max_length=60, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    website = models.URLField(_("website"), blank=True)
    description_zh = models.TextField(
        _("description (Chinese)"), blank=True, max_length=5000, validators=[MaxLengthValidator(5000)]
    )
    description_en = models.TextField(
        _("description (English)"), blank=True, max_length=5000, validators=[MaxLengthValidator(5000)]
    )
    categories_supplied = models.ManyToManyField(
        MaterialCategory, blank=True, related_name="suppliers", verbose_name=_("categories supplied")
    )
    categories_consumed = models.ManyToManyField(
        MaterialCategory, blank=True, related_name="consumers", verbose_name=_("categories consumed")
    )
    priority_guarantee = models.BooleanField(
        _("priority guarantee"),
        default=False,
        help_text=_("Set by the secretariat for fabs the alliance must keep supplied first."),
    )
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])
    # Set before a save, django-simple-history writes it as the reason of the history row (declared, not assigned:
    # the attribute exists only when a service sets it).
    _change_reason: str
    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        indexes = [
            models.Index(fields=["status", "kind"]),
            models.Index(fields=["province", "city"]),
            # The API list: active organisations by English name.
            models.Index(fields=["status", "name_en"], name="organisation_list_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "active", "suspended", "withdrawn"]),
                name="organisation_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return pick_language(self.name_zh, self.name_en)

    @property
    def city_name(self) -> str:
        return pick_language(self.city, self.city_en)

    @property
    def description(self) -> str:
        return pick_language(self.description_zh, self.description_en)

    def clean(self) -> None:
        self.credit_code = normalise_credit_code(self.credit_code)


class RiskLevel(models.TextChoices):
    HIGH = "high", _("High risk")
    MEDIUM = "medium", _("Medium risk")
    LOW = "low", _("Low risk")


RISK_RANK = {RiskLevel.HIGH: 3, RiskLevel.MEDIUM: 2, RiskLevel.LOW: 1}


class Site(models.Model):
    class Kind(models.TextChoices):
        FAB = "fab", _("Fab")
        PLANT = "plant", _("Plant")
        WAREHOUSE = "warehouse", _("Warehouse")
        OFFICE = "office", _("Office")
        LAB = "lab", _("Laboratory")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="sites", verbose_name=_("organisation")
    )
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.PLANT)
    province = models.CharField(_("province"), max_length=20, choices=Province.choices)
    city = models.CharField(_("city (Chinese)"), max_length=60)
    city_en = models.CharField(_("city (English)"), max_length=60, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    is_active = models.BooleanField(_("in use"), default=True)
    # The level of the risk area of the site's city (low when the city is unlisted), kept here whenever either
    # changes (members.risk): a list of supply requests shows it on every row without looking the city up.
    risk_level = models.CharField(
        _("risk level"), max_length=10, choices=RiskLevel.choices, default=RiskLevel.LOW, editable=False
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at", "risk_level"])

    class Meta:
        ordering = ["organisation_id", "name_zh"]
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        indexes = [
            models.Index(fields=["province", "city"]),
            # An organisation's own sites by name (the API list).
            models.Index(fields=["organisation", "name_zh"], name="site_org_list_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return pick_language(self.name_zh, self.name_en)

    @property
    def city_name(self) -> str:
        return pick_language(self.city, self.city_en)


class RiskArea(models.Model):
    """The epidemic risk level of one city, as the authorities set it; one row per city, its history kept."""

    province = models.CharField(_("province"), max_length=20, choices=Province.choices)
    city = models.CharField(_("city (Chinese)"), max_length=60)
    city_en = models.CharField(_("city (English)"), max_length=60, blank=True)
    level = models.CharField(_("risk level"), max_length=10, choices=RiskLevel.choices)
    effective_date = models.DateField(_("in effect since"))
    note = models.CharField(_("note"), max_length=255, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["province", "city"]
        verbose_name = _("risk area")
        verbose_name_plural = _("risk areas")
        constraints = [
            models.UniqueConstraint(fields=["province", "city"], name="risk_area_one_row_per_city"),
            models.CheckConstraint(condition=Q(level__in=["high", "medium", "low"]), name="risk_area_level_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.city_name}: {self.get_level_display()}"

    @property
    def city_name(self) -> str:
        return pick_language(self.city, self.city_en)


class Contact(models.Model):
    class Language(models.TextChoices):
        ZH = "zh-hans", _("Chinese")
        EN = "en", _("English")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("organisation")
    )
    name = models.CharField(_("name"), max_length=100)
    title = models.CharField(pgettext_lazy("job title", "title"), max_length=100, blank=True)
    mobile = models.CharField(_("mobile"), max_length=30, blank=True, validators=[validate_phone])
    email = models.EmailField(_("email"), blank=True)
    language = models.CharField(_("language"), max_length=10, choices=Language.choices, default=Language.ZH)
    receives_alerts = models.BooleanField(_("receives alerts"), default=True)
    is_primary = models.BooleanField(_("primary contact"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["organisation_id", "-is_primary", "name"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        constraints = [
            models.CheckConstraint(condition=~Q(mobile="", email=""), name="contact_has_mobile_or_email"),
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A user's role in their organisation. One organisation per user: the portal acts for it."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("Administrator")
        MEMBER = "member", _("Member")
        VIEWER = "viewer", _("Viewer")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership", verbose_name=_("user")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("organisation")
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["organisation_id", "user_id"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation} ({self.get_role_display()})"

    # The rule is members.rules' (role and the organisation's good standing), asked for this membership.
    @property
    def can_edit(self) -> bool:
        return self._as_actor().can_edit

    @property
    def can_write(self) -> bool:
        return self._as_actor().can_write

    def _as_actor(self):
        from .rules import Actor  # noqa: PLC0415 - rules imports these models

        return Actor(organisation=self.organisation, role=self.role)


class Invitation(models.Model):
    """An organisation admin's invitation of a colleague; the link in the email carries its signed id."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("organisation")
    )
    email = models.EmailField(_("email"))
    role = models.CharField(_("role"), max_length=10, choices=Membership.Role.choices, default=Membership.Role.MEMBER)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("invited by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return self.email

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None


def hash_api_key(raw_key: str) -> str:
    # Keys are 256-bit random strings, so a plain SHA-256 is enough: there is nothing to brute-force.
    return hashlib.sha256(raw_key.encode()).hexdigest()


class ApiKeyQuerySet(models.QuerySet["ApiKey"]):
    def live(self) -> Self:
        return self.filter(revoked_at__isnull=True)


class ApiKey(models.Model):
    class Scope(models.TextChoices):
        READ = "read", _("Read")
        WRITE = "write", _("Read and write")

    PREFIX_LENGTH = 8

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="api_keys", verbose_name=_("organisation")
    )
    name = models.CharField(_("label"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=PREFIX_LENGTH, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices, default=Scope.READ)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["last_used_at"])
    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None

    @property
    def can_write(self) -> bool:
        return self.scope == self.Scope.WRITE

    @staticmethod
    def generate() -> tuple[str, str]:
        """A new (prefix, raw key) pair. The raw key is shown once and never stored."""
        prefix = secrets.token_hex(ApiKey.PREFIX_LENGTH // 2)
        return prefix, f"ap_{prefix}_{secrets.token_urlsafe(32)}"

    def revoke(self) -> None:
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])


class SecretariatContact(models.Model):
    """A person of the secretariat's coordination group, listed on the public contact page."""

    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    responsibility_zh = models.CharField(_("responsibility (Chinese)"), max_length=200, blank=True)
    responsibility_en = models.CharField(_("responsibility (English)"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[validate_phone])
    email = models.EmailField(_("email"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)
    is_active = models.BooleanField(_("shown"), default=True)

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = _("secretariat contact")
        verbose_name_plural = _("secretariat contacts")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return pick_language(self.name_zh, self.name_en)

    @property
    def responsibility(self) -> str:
        return pick_language(self.responsibility_zh, self.responsibility_en)


# Status reports live in their own module (members/models_reports.py); imported here so Django finds them.
from .models_reports import Difficulty, NonReportingOrganisation, StatusReport, StockLevel  # noqa: E402, F401
