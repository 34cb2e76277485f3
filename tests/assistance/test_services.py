"""assistance.services: cases opened from reports once, the secretariat's work on them, the events and who they
reach, and the missing-report reminder once a day."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from alliance_portal.errors import ConflictError
from assistance import services
from assistance.models import AssistanceCase, CaseNote, MissingReportReminder
from members.rules import actor_for_user
from members.services_reports import status_report_file
from notices.alerts.models import Alert
from notices.models import Event

from ..members.factories import UserFactory
from ..members.factories_reports import StatusReportFactory
from ..refusals import refused_by_service
from .factories import AssistanceCaseFactory

pytestmark = pytest.mark.django_db

REPORT = {
    "staff_total": 100,
    "staff_returned": 40,
    "capacity_percent": 35,
    "logistics_difficulty": "Trucks are stopped at the Wuhan ring road.",
    "logistics_needs_help": True,
    "permits_difficulty": "Waiting for the district's resumption permit.",
    "permits_needs_help": False,
}


def _file(user, org, **changes):
    return status_report_file(
        actor=actor_for_user(user), organisation=org, report_date=timezone.localdate(), **{**REPORT, **changes}
    )[0]


def _reached(event_name):
    """(organisation ids, secretariat reached) of the alerts of every event of that name."""
    alerts = Alert.objects.filter(event__name=event_name)
    return set(alerts.exclude(organisation=None).values_list("organisation_id", flat=True)), alerts.filter(
        organisation=None
    ).exists()


def test_a_report_asking_for_help_opens_one_case_per_difficulty(org, org_member, alert_contacts):
    report = _file(org_member, org, staffing_difficulty="Half the line crew is in Hubei.", staffing_needs_help=True)
    cases = AssistanceCase.objects.order_by("kind")
    assert [(c.kind, c.source_report_id, c.organisation_id) for c in cases] == [
        ("logistics", report.pk, org.pk),
        ("staffing", report.pk, org.pk),
    ]
    assert cases[0].description == REPORT["logistics_difficulty"]
    assert _reached("assistance_case.opened") == ({org.pk}, True)


def test_editing_the_days_report_opens_no_second_case(org, org_member):
    _file(org_member, org)
    _file(org_member, org, staff_returned=50)
    assert AssistanceCase.objects.count() == 1
    assert Event.objects.filter(name="assistance_case.opened").count() == 1


def test_a_difficulty_without_help_asked_opens_nothing(org, org_member):
    _file(org_member, org, logistics_needs_help=False)
    assert not AssistanceCase.objects.exists()


def test_the_next_days_report_repeating_the_difficulty_keeps_the_open_case(org, org_member):
    yesterday = timezone.localdate() - timedelta(days=1)
    status_report_file(actor=actor_for_user(org_member), organisation=org, report_date=yesterday, **REPORT)
    _file(org_member, org)
    assert AssistanceCase.objects.count() == 1


def test_once_resolved_the_same_difficulty_opens_a_new_case(org, org_member, secretariat):
    yesterday = timezone.localdate() - timedelta(days=1)
    status_report_file(actor=actor_for_user(org_member), organisation=org, report_date=yesterday, **REPORT)
    services.case_transition(
        actor=actor_for_user(secretariat), case=AssistanceCase.objects.get(), to_status="resolved", resolution="ok"
    )
    _file(org_member, org)
    assert AssistanceCase.objects.count() == 2


def test_the_secretariat_opens_a_case(org, secretariat, alert_contacts):
    case = services.case_open(
        actor=actor_for_user(secretariat), organisation=org, kind="permits", description="Permit for night shifts"
    )
    assert case.opened_by == secretariat and case.status == "open"
    assert _reached("assistance_case.opened") == ({org.pk}, True)


@pytest.mark.parametrize("role", ["org_admin", "org_member", "org_viewer", "other_user"])
def test_members_cannot_open_assign_note_or_resolve(request, org, role):
    actor = actor_for_user(request.getfixturevalue(role))
    case = AssistanceCaseFactory(organisation=org)
    with refused_by_service("secretariat_only"):
        services.case_open(actor=actor, organisation=org, kind="other", description="x")
    with refused_by_service("secretariat_only"):
        services.case_assign(actor=actor, case=case, assignee=UserFactory(is_staff=True))
    with refused_by_service("secretariat_only"):
        services.case_add_note(actor=actor, case=case, text="x", for_member=True)
    with refused_by_service("secretariat_only"):
        services.case_transition(actor=actor, case=case, to_status="resolved", resolution="x")
    assert not CaseNote.objects.exists()


def test_assigning_puts_an_open_case_in_progress_and_tells_the_secretariat(org, secretariat, alert_contacts):
    case = AssistanceCaseFactory(organisation=org)
    services.case_assign(actor=actor_for_user(secretariat), case=case, assignee=secretariat)
    case.refresh_from_db()
    assert (case.assignee, case.status) == (secretariat, "in_progress")
    assert _reached("assistance_case.assigned") == (set(), True)


def test_only_secretariat_staff_can_be_assigned(org, secretariat, org_admin):
    case = AssistanceCaseFactory(organisation=org)
    with pytest.raises(ValidationError) as caught:
        services.case_assign(actor=actor_for_user(secretariat), case=case, assignee=org_admin)
    assert "assignee" in caught.value.message_dict


def test_a_note_for_the_member_reaches_it_and_an_internal_one_does_not(org, secretariat, alert_contacts):
    old = timezone.now() - timedelta(days=10)
    case = AssistanceCaseFactory(organisation=org, created_at=old, last_activity_at=old)
    actor = actor_for_user(secretariat)
    services.case_add_note(actor=actor, case=case, text="Internal: chase the bureau", for_member=False)
    assert not Event.objects.filter(name="assistance_case.note").exists()
    services.case_add_note(actor=actor, case=case, text="We have a pass for your trucks.", for_member=True)
    assert _reached("assistance_case.note") == ({org.pk}, False)
    assert Event.objects.get(name="assistance_case.note").payload["note"] == "We have a pass for your trucks."
    case.refresh_from_db()
    assert case.last_activity_at > old
    assert not AssistanceCase.objects.stale().exists()


def test_a_note_needs_text_within_bounds(org, secretariat):
    case = AssistanceCaseFactory(organisation=org)
    for text in ("   ", "x" * 2001):
        with pytest.raises(ValidationError):
            services.case_add_note(actor=actor_for_user(secretariat), case=case, text=text)


def test_resolving_needs_a_resolution_and_tells_the_member(org, secretariat, alert_contacts):
    case = AssistanceCaseFactory(organisation=org)
    actor = actor_for_user(secretariat)
    with pytest.raises(ValidationError):
        services.case_transition(actor=actor, case=case, to_status="resolved")
    services.case_transition(actor=actor, case=case, to_status="resolved", resolution="Pass issued")
    case.refresh_from_db()
    assert case.status == "resolved" and case.resolved_at is not None
    assert _reached("assistance_case.resolved") == ({org.pk}, True)


def test_a_closed_case_cannot_move(org, secretariat):
    case = AssistanceCaseFactory(organisation=org, status="closed", resolution="Duplicate")
    with pytest.raises(ConflictError):
        services.case_transition(actor=actor_for_user(secretariat), case=case, to_status="open")


def test_missing_report_reminder_goes_once_a_day_to_the_silent_member(org, other_org, alert_contacts):
    StatusReportFactory(organisation=org)
    assert services.missing_reports_remind() == 1
    assert services.missing_reports_remind() == 0
    assert _reached("status_report.missing") == ({other_org.pk}, False)
    assert MissingReportReminder.objects.get().organisation == other_org
    tomorrow = timezone.localdate() + timedelta(days=1)
    assert services.missing_reports_remind(today=tomorrow) == 2


def test_the_task_calls_the_service(org, other_org):
    from assistance.tasks import remind_missing_reports

    assert remind_missing_reports.delay().get() == 2
    assert remind_missing_reports.delay().get() == 0
