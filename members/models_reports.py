"""Status reports: a member's report of its situation for one date (staff back at work, people under observation,
fever cases, checks done, capacity in use, days of stock, difficulties).

One report per organisation and date (a constraint); an edit the same day changes that row and its history keeps
the earlier figures; the next day's report is a new row. The rules about one report's numbers live in `clean()`,
so every door (web form, API, admin) gives the same field errors; the database checks back the ones that matter.
"""

from datetime import timedelta
from typing import Self

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from .models import Organisation

# Upper bounds keep every figure well inside a 32-bit integer (no 500 for a typo of twelve digits).
MAX_STAFF = 1_000_000
MAX_STOCK_DAYS = 3650
DIFFICULTY_TEXT_LENGTH = 500


class Difficulty(models.TextChoices):
    """What a member may need help with; also the type of an assistance case."""

    LOGISTICS = "logistics", pgettext_lazy("difficulty", "Logistics")
    STAFFING = "staffing", pgettext_lazy("difficulty", "Staffing")
    RAW_MATERIALS = "raw_materials", pgettext_lazy("difficulty", "Raw materials")
    PERMITS = "permits", pgettext_lazy("difficulty", "Permits")
    OTHER = "other", pgettext_lazy("difficulty", "Other")


class StatusReportQuerySet(models.QuerySet["StatusReport"]):
    def for_organisation(self, organisation_id: int | None) -> Self:
        return self.filter(organisation_id=organisation_id)

    def needing_help(self) -> Self:
        condition = Q()
        for kind in Difficulty.values:
            condition |= Q(**{f"{kind}_needs_help": True})
        return self.filter(condition)


class StatusReport(models.Model):
    organisation = models.ForeignKey(
        "members.Organisation", on_delete=models.PROTECT, related_name="status_reports", verbose_name=_("organisation")
    )
    report_date = models.DateField(_("report date"))
    staff_total = models.PositiveIntegerField(_("staff in total"), validators=[MaxValueValidator(MAX_STAFF)])
    staff_returned = models.PositiveIntegerField(_("staff back at work"), validators=[MaxValueValidator(MAX_STAFF)])
    returned_from_high_risk = models.PositiveIntegerField(
        _("returned from high-risk areas"),
        default=0,
        validators=[MaxValueValidator(MAX_STAFF)],
        help_text=_("Of the staff back at work, how many came back from a high-risk area."),
    )
    in_observation = models.PositiveIntegerField(
        _("in observation or quarantine"),
        default=0,
        validators=[MaxValueValidator(MAX_STAFF)],
        help_text=_("Of the staff back at work, how many are in medical observation or quarantine."),
    )
    fever_cases = models.PositiveIntegerField(_("fever cases"), default=0, validators=[MaxValueValidator(MAX_STAFF)])
    temperature_checks = models.BooleanField(_("temperature checks done"), default=False)
    disinfection_done = models.BooleanField(_("site disinfection done"), default=False)
    capacity_percent = models.PositiveSmallIntegerField(
        _("production capacity in use (%)"), validators=[MaxValueValidator(100)]
    )

    logistics_difficulty = models.CharField(_("difficulty: logistics"), max_length=DIFFICULTY_TEXT_LENGTH, blank=True)
    logistics_needs_help = models.BooleanField(_("logistics: needs the secretariat's help"), default=False)
    staffing_difficulty = models.CharField(_("difficulty: staffing"), max_length=DIFFICULTY_TEXT_LENGTH, blank=True)
    staffing_needs_help = models.BooleanField(_("staffing: needs the secretariat's help"), default=False)
    raw_materials_difficulty = models.CharField(
        _("difficulty: raw materials"), max_length=DIFFICULTY_TEXT_LENGTH, blank=True
    )
    raw_materials_needs_help = models.BooleanField(_("raw materials: needs the secretariat's help"), default=False)
    permits_difficulty = models.CharField(_("difficulty: permits"), max_length=DIFFICULTY_TEXT_LENGTH, blank=True)
    permits_needs_help = models.BooleanField(_("permits: needs the secretariat's help"), default=False)
    other_difficulty = models.CharField(_("difficulty: other"), max_length=DIFFICULTY_TEXT_LENGTH, blank=True)
    other_needs_help = models.BooleanField(_("other: needs the secretariat's help"), default=False)

    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("filed by"),
    )
    filed_by_key = models.ForeignKey(
        "members.ApiKey",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("filed with API key"),
    )
    on_behalf = models.BooleanField(
        _("filed by the secretariat"),
        default=False,
        help_text=_("The secretariat filed this report on the member's behalf."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])
    # Set before a save, django-simple-history writes it as the reason of the history row (declared, not assigned:
    # the attribute exists only when a service sets it).
    _change_reason: str
    objects = StatusReportQuerySet.as_manager()

    class Meta:
        ordering = ["-report_date", "organisation_id"]
        verbose_name = _("status report")
        verbose_name_plural = _("status reports")
        indexes = [models.Index(fields=["report_date", "organisation"]), models.Index(fields=["updated_at"])]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "report_date"], name="status_report_one_per_day"),
            models.CheckConstraint(
                condition=Q(staff_returned__lte=F("staff_total")), name="status_report_returned_le_total"
            ),
            models.CheckConstraint(
                condition=Q(in_observation__lte=F("staff_returned")), name="status_report_observation_le_returned"
            ),
            models.CheckConstraint(
                condition=Q(returned_from_high_risk__lte=F("staff_returned")),
                name="status_report_high_risk_le_returned",
            ),
            models.CheckConstraint(condition=Q(capacity_percent__lte=100), name="status_report_capacity_le_100"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.report_date:%Y-%m-%d}"

    @property
    def resumption_percent(self) -> int:
        return round(100 * self.staff_returned / self.staff_total) if self.staff_total else 0

    def difficulties(self) -> list[tuple[str, str, str, bool]]:
        """(kind, label, text, needs help) of each difficulty the report names."""
        found = []
        for kind, label in Difficulty.choices:
            text = getattr(self, f"{kind}_difficulty")
            needs_help = getattr(self, f"{kind}_needs_help")
            if text or needs_help:
                found.append((kind, str(label), text, needs_help))
        return found

    def get_constraints(self):
        # The check constraints back the rules of clean(), which name the field in words; validating them again
        # would only repeat each error as an anonymous "constraint violated".
        return [
            (model, [c for c in constraints if not isinstance(c, models.CheckConstraint)])
            for model, constraints in super().get_constraints()
        ]

    def clean(self) -> None:
        errors: dict[str, list] = {}

        def add(field, message):
            errors.setdefault(field, []).append(message)

        total, returned = self.staff_total, self.staff_returned
        if total is not None and returned is not None and returned > total:
            add("staff_returned", _("Staff back at work cannot be more than the staff in total."))
        if returned is not None:
            if self.in_observation is not None and self.in_observation > returned:
                add("in_observation", _("People in observation cannot be more than the staff back at work."))
            if self.returned_from_high_risk is not None and self.returned_from_high_risk > returned:
                add(
                    "returned_from_high_risk",
                    _("Returnees from high-risk areas cannot be more than the staff back at work."),
                )
        if self.report_date is not None:
            today = timezone.localdate()
            oldest = today - timedelta(days=settings.STATUS_REPORT_MAX_AGE_DAYS)
            if self.report_date > today:
                add("report_date", _("A report cannot be for a future date."))
            elif self.report_date < oldest:
                add(
                    "report_date",
                    _("A report can be filed or changed for the last %(days)s days only.")
                    % {"days": settings.STATUS_REPORT_MAX_AGE_DAYS},
                )
        for kind, _label in Difficulty.choices:
            if getattr(self, f"{kind}_needs_help") and not (getattr(self, f"{kind}_difficulty") or "").strip():
                add(f"{kind}_difficulty", _("Say what the difficulty is, so the secretariat can help."))
        if errors:
            raise ValidationError(errors)


class StockLevel(models.Model):
    """A fab's days of stock left of one key material category, as of its report's date."""

    report = models.ForeignKey(
        StatusReport, on_delete=models.CASCADE, related_name="stock_levels", verbose_name=_("status report")
    )
    category = models.ForeignKey(
        "members.MaterialCategory", on_delete=models.PROTECT, related_name="+", verbose_name=_("material category")
    )
    days = models.PositiveSmallIntegerField(_("days of stock"), validators=[MaxValueValidator(MAX_STOCK_DAYS)])

    history = HistoricalRecords()

    class Meta:
        ordering = ["report_id", "category__sort_order"]
        verbose_name = _("days of stock")
        verbose_name_plural = _("days of stock")
        constraints = [
            models.UniqueConstraint(fields=["report", "category"], name="stock_level_one_per_category"),
            models.CheckConstraint(condition=Q(days__lte=MAX_STOCK_DAYS), name="stock_level_days_bounded"),
        ]

    def __str__(self) -> str:
        return f"{self.category}: {self.days}"


class NonReportingOrganisation(Organisation):
    """Members that have not reported for the current period: the admin's list of them (a proxy, no table)."""

    class Meta:
        proxy = True
        verbose_name = _("member that has not reported")
        verbose_name_plural = _("members that have not reported")
