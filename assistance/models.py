"""Assistance cases: a difficulty a member needs the secretariat's help with, opened from a status report or by the
secretariat, assigned to someone of the secretariat, worked through notes (internal, or for the member), resolved.

And the missing-report reminders: one row per organisation and date, so a reminder is sent once a day whoever runs
the task and however often.
"""

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Self, TypedDict, TypeVar

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from members.models import Difficulty, Organisation, StatusReport

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

DESCRIPTION_LENGTH = 2000
NOTE_LENGTH = 2000


class StaleFlag(TypedDict):
    """What `CaseQuerySet.with_stale_flag` adds to each row."""

    is_stale: bool


# Generic so that a queryset can say which annotations its rows carry (`CaseQuerySet[WithAnnotations[...]]`).
_Case = TypeVar("_Case", bound="AssistanceCase")


class CaseQuerySet(models.QuerySet[_Case, _Case]):
    def for_organisation(self, organisation_id: int | None) -> Self:
        return self.filter(organisation_id=organisation_id)

    def active(self) -> Self:
        return self.filter(status__in=AssistanceCase.ACTIVE)

    def stale(self, now: datetime | None = None) -> Self:
        """Open or in-progress cases nobody has written a note on for ASSISTANCE_STALE_DAYS (counted from the last
        note, or from the opening when there is none): the ones the secretariat must look at first."""
        cutoff = (now or timezone.now()) - timedelta(days=settings.ASSISTANCE_STALE_DAYS)
        return self.active().filter(last_activity_at__lt=cutoff)

    def with_stale_flag(
        self, now: datetime | None = None
    ) -> "CaseQuerySet[WithAnnotations[AssistanceCase, StaleFlag]]":
        cutoff = (now or timezone.now()) - timedelta(days=settings.ASSISTANCE_STALE_DAYS)
        return self.annotate(
            is_stale=models.ExpressionWrapper(
                Q(status__in=AssistanceCase.ACTIVE, last_activity_at__lt=cutoff), output_field=models.BooleanField()
            )
        )


class AssistanceCase(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("assistance case", "Open")
        IN_PROGRESS = "in_progress", pgettext_lazy("assistance case", "In progress")
        RESOLVED = "resolved", pgettext_lazy("assistance case", "Resolved")
        CLOSED = "closed", pgettext_lazy("assistance case", "Closed")

    ACTIVE = (Status.OPEN, Status.IN_PROGRESS)

    kind = models.CharField(_("type"), max_length=20, choices=Difficulty.choices)
    description = models.TextField(
        pgettext_lazy("assistance case", "description"),
        max_length=DESCRIPTION_LENGTH,
        validators=[MaxLengthValidator(DESCRIPTION_LENGTH)],
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="assistance_cases", verbose_name=_("organisation")
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assistance_cases",
        limit_choices_to={"is_staff": True, "is_active": True},
        verbose_name=_("assigned to"),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    resolution = models.TextField(
        _("resolution"), max_length=DESCRIPTION_LENGTH, blank=True, validators=[MaxLengthValidator(DESCRIPTION_LENGTH)]
    )
    source_report = models.ForeignKey(
        StatusReport,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assistance_cases",
        verbose_name=_("opened from report"),
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("opened by"),
    )
    created_at = models.DateTimeField(_("opened at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    # The last note's time (the opening's until there is one): what "stale" is measured from, kept on the row so
    # the flag is one indexed filter.
    last_activity_at = models.DateTimeField(_("last note at"), default=timezone.now)

    history = HistoricalRecords(excluded_fields=["updated_at", "last_activity_at"])
    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("assistance case")
        verbose_name_plural = _("assistance cases")
        indexes = [
            models.Index(fields=["status", "last_activity_at"]),
            models.Index(fields=["organisation", "status"]),
            models.Index(fields=["updated_at"]),
        ]
        constraints = [
            # A report opens at most one case per difficulty, however often it is edited.
            models.UniqueConstraint(
                fields=["source_report", "kind"],
                condition=Q(source_report__isnull=False),
                name="assistance_case_one_per_report_difficulty",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["open", "in_progress", "resolved", "closed"]),
                name="assistance_case_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_kind_display()} — {self.organisation}"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE


class CaseNote(models.Model):
    """A note on a case: internal to the secretariat, or written for the member (who sees only those)."""

    case = models.ForeignKey(AssistanceCase, on_delete=models.CASCADE, related_name="notes", verbose_name=_("case"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    for_member = models.BooleanField(
        _("for the member"), default=False, help_text=_("Unticked, the note is internal to the secretariat.")
    )
    text = models.TextField(_("note"), max_length=NOTE_LENGTH, validators=[MaxLengthValidator(NOTE_LENGTH)])
    created_at = models.DateTimeField(_("written at"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("case note")
        verbose_name_plural = _("case notes")
        indexes = [models.Index(fields=["case", "for_member", "created_at"])]

    def __str__(self) -> str:
        return self.text[:60]


class MissingReportReminder(models.Model):
    """One row per organisation and date a reminder went out: the claim that keeps it to once a day."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    reminded_on = models.DateField(_("reminded on"))
    last_report_date = models.DateField(_("last report date"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-reminded_on", "organisation_id"]
        verbose_name = _("missing-report reminder")
        verbose_name_plural = _("missing-report reminders")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "reminded_on"], name="missing_report_reminded_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.reminded_on:%Y-%m-%d}"
