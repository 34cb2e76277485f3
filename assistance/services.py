"""Every write of assistance cases and missing-report reminders, whichever door it comes through."""

import logging
from collections.abc import Callable
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from alliance_portal.errors import ConflictError
from members.models import Difficulty, Organisation, StatusReport
from members.rules import Actor, require_secretariat
from members.selectors_reports import organisations_missing_reports
from notices.alerts import emit

from . import events
from .models import DESCRIPTION_LENGTH, NOTE_LENGTH, AssistanceCase, CaseNote, MissingReportReminder

logger = logging.getLogger(__name__)
S = AssistanceCase.Status

# Where a case may go from each status. Resolving and closing say why (the resolution); a resolved case may be
# reopened (in progress) if the member's trouble comes back, a closed one is done.
TRANSITIONS: dict[str, set[str]] = {
    S.OPEN: {S.IN_PROGRESS, S.RESOLVED, S.CLOSED},
    S.IN_PROGRESS: {S.OPEN, S.RESOLVED, S.CLOSED},
    S.RESOLVED: {S.IN_PROGRESS, S.CLOSED},
    S.CLOSED: set(),
}


def _both(text_function: Callable[[], object]) -> dict[str, str]:
    labels = {}
    for language, code in (("zh-hans", "zh"), ("en", "en")):
        with translation.override(language):
            labels[code] = str(text_function())
    return labels


def _payload(case: AssistanceCase, **extra: Any) -> dict[str, Any]:
    organisation = case.organisation
    return {
        "case_id": case.pk,
        "type": case.kind,
        "type_labels": _both(lambda: Difficulty(case.kind).label),
        "organisation_id": organisation.pk,
        "organisation": organisation.slug,
        "organisation_name": organisation.name_zh or organisation.name_en,
        "description": case.description[:300],
        "status": case.status,
        **extra,
    }


def _person_name(user: User | None) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else ""


def _clean_text(value: str, field: str, max_length: int, *, required: bool = True) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ValidationError({field: _("This field is required.")})
    if len(text) > max_length:
        raise ValidationError(
            {field: _("Ensure this field has no more than %(max)d characters.") % {"max": max_length}}
        )
    return text


def _open(
    *,
    organisation: Organisation,
    kind: str,
    description: str,
    source_report: StatusReport | None = None,
    opened_by: User | None = None,
) -> AssistanceCase:
    now = timezone.now()
    case = AssistanceCase.objects.create(
        organisation=organisation,
        kind=kind,
        description=description,
        source_report=source_report,
        opened_by=opened_by,
        created_at=now,
        last_activity_at=now,
    )
    emit(events.CASE_OPENED, case, payload=_payload(case), organisation=organisation)
    return case


@transaction.atomic
def case_open(
    *, actor: Actor, organisation: Organisation, kind: str, description: str, assignee: User | None = None
) -> AssistanceCase:
    """The secretariat opens a case for a member (a difficulty heard by phone, say)."""
    require_secretariat(actor)
    if kind not in Difficulty.values:
        raise ValidationError({"kind": _("Choose a valid type.")})
    description = _clean_text(description, "description", DESCRIPTION_LENGTH)
    case = _open(organisation=organisation, kind=kind, description=description, opened_by=actor.person)
    if assignee is not None:
        case_assign(actor=actor, case=case, assignee=assignee)
    return case


def cases_open_from_report(*, report: StatusReport) -> list[AssistanceCase]:
    """A case for each difficulty the report asks the secretariat's help with, unless that report already opened
    one for it (an edit of the day's report) or the organisation has an active case of that type (a difficulty
    repeated day after day is one case). Runs in the transaction that saved the report."""
    wanted = [kind for kind, _label, text, needs_help in report.difficulties() if needs_help and text.strip()]
    if not wanted:
        return []
    already = set(
        AssistanceCase.objects.filter(source_report=report, kind__in=wanted).values_list("kind", flat=True)
    ) | set(
        AssistanceCase.objects.active()
        .filter(organisation_id=report.organisation_id, kind__in=wanted)
        .values_list("kind", flat=True)
    )
    opened = []
    for kind in wanted:
        if kind in already:
            continue
        description = getattr(report, f"{kind}_difficulty").strip()[:DESCRIPTION_LENGTH]
        try:
            with transaction.atomic():
                opened.append(
                    _open(
                        organisation=report.organisation,
                        kind=kind,
                        description=description,
                        source_report=report,
                        opened_by=report.filed_by,
                    )
                )
        except IntegrityError:
            # The same report saved twice at once: the other save opened it.
            continue
    return opened


def _locked(case: AssistanceCase) -> AssistanceCase:
    return AssistanceCase.objects.select_for_update().select_related("organisation").get(pk=case.pk)


@transaction.atomic
def case_assign(*, actor: Actor, case: AssistanceCase, assignee: User | None) -> AssistanceCase:
    """Gives the case to someone of the secretariat; an open case is then in progress."""
    require_secretariat(actor)
    case = _locked(case)
    if assignee is None or not (assignee.is_staff and assignee.is_active):
        raise ValidationError({"assignee": _("Choose someone of the secretariat.")})
    if case.status == S.CLOSED:
        raise ConflictError(_("This case is closed."), code="case_closed")
    if case.assignee_id == assignee.pk:
        return case
    case.assignee = assignee
    if case.status == S.OPEN:
        case.status = S.IN_PROGRESS
    case.save()
    emit(
        events.CASE_ASSIGNED,
        case,
        payload=_payload(case, assignee=_person_name(assignee)),
        organisation=case.organisation,
    )
    return case


@transaction.atomic
def case_add_note(*, actor: Actor, case: AssistanceCase, text: str, for_member: bool = False) -> CaseNote:
    """A note of the secretariat on the case: internal, or for the member (who is told of it)."""
    require_secretariat(actor)
    case = _locked(case)
    text = _clean_text(text, "text", NOTE_LENGTH)
    now = timezone.now()
    note = CaseNote.objects.create(case=case, author=actor.person, for_member=for_member, text=text, created_at=now)
    AssistanceCase.objects.filter(pk=case.pk).update(last_activity_at=now, updated_at=now)
    if for_member:
        emit(events.CASE_NOTE, case, payload=_payload(case, note=text[:500]), organisation=case.organisation)
    return note


def allowed_statuses(case: AssistanceCase, actor: Actor) -> list[str]:
    if not actor.is_secretariat:
        return []
    return [status for status in S.values if status in TRANSITIONS[case.status]]


@transaction.atomic
def case_transition(*, actor: Actor, case: AssistanceCase, to_status: str, resolution: str = "") -> AssistanceCase:
    """Moves the case on; resolving or closing needs the resolution (what was done, or why it is closed)."""
    require_secretariat(actor)
    case = _locked(case)
    if to_status not in S.values:
        raise ValidationError({"status": _("Choose a valid status.")})
    if to_status == case.status:
        return case
    if to_status not in TRANSITIONS[case.status]:
        raise ConflictError(
            _("A case that is %(current)s cannot become %(new)s.")
            % {"current": case.get_status_display(), "new": S(to_status).label},
            code="transition_not_allowed",
        )
    if to_status in (S.RESOLVED, S.CLOSED):
        resolution = _clean_text(resolution or case.resolution, "resolution", DESCRIPTION_LENGTH)
        case.resolution = resolution
        if case.resolved_at is None:
            case.resolved_at = timezone.now()
    else:
        case.resolved_at = None
    case.status = to_status
    case.save()
    if to_status == S.RESOLVED:
        emit(
            events.CASE_RESOLVED,
            case,
            payload=_payload(case, resolution=case.resolution[:500]),
            organisation=case.organisation,
        )
    return case


def missing_reports_remind(*, today: date | None = None) -> int:
    """Raises `status_report.missing` for each member that has not reported for the period: at most once a day per
    organisation, however often (and on however many workers) this runs, since the reminder's row is the claim."""
    today = today or timezone.localdate()
    sent = 0
    for organisation in organisations_missing_reports(today):
        # The selector annotates it; its return type (QuerySet[Organisation]) does not say so.
        last_report_date: date | None = organisation.last_report_date  # type: ignore[attr-defined]
        try:
            with transaction.atomic():
                MissingReportReminder.objects.create(
                    organisation=organisation, reminded_on=today, last_report_date=last_report_date
                )
                emit(
                    events.REPORT_MISSING,
                    organisation,
                    payload={
                        "organisation_id": organisation.pk,
                        "organisation": organisation.slug,
                        "organisation_names": {"zh": organisation.name_zh, "en": organisation.name_en},
                        "last_report_date": last_report_date.isoformat() if last_report_date else "",
                        "date": today.isoformat(),
                    },
                    organisation=organisation,
                )
        except IntegrityError:
            continue  # already reminded today
        sent += 1
    return sent


def secretariat_users() -> QuerySet[User]:
    return get_user_model().objects.filter(is_staff=True, is_active=True).order_by("first_name", "username")
