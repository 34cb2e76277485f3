"""The events assistance raises are registered, on the beat schedule where periodic, and reach their recipients as
readable emails in each reader's language."""

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from assistance import events, services
from members.rules import actor_for_user
from members.services_reports import status_report_file
from notices.alerts.registry import is_registered
from notices.models import Event

from ..members.factories import ContactFactory

pytestmark = pytest.mark.django_db


def test_every_event_is_registered():
    for name in (
        events.CASE_OPENED,
        events.CASE_ASSIGNED,
        events.CASE_NOTE,
        events.CASE_RESOLVED,
        events.REPORT_MISSING,
    ):
        assert is_registered(name)


def test_the_reminder_task_is_on_the_beat_schedule():
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "assistance.tasks.remind_missing_reports" in tasks


def test_a_case_opened_from_a_report_reaches_the_member_by_email_in_its_language(
    org, org_member, settings, django_capture_on_commit_callbacks
):
    settings.ALERT_SECRETARIAT_EMAILS = ["desk@alliance.example"]
    ContactFactory(organisation=org, email="zh@fab.example", language="zh-hans")
    ContactFactory(organisation=org, email="en@fab.example", language="en")
    with django_capture_on_commit_callbacks(execute=True):
        status_report_file(
            actor=actor_for_user(org_member),
            organisation=org,
            report_date=timezone.localdate(),
            staff_total=10,
            staff_returned=5,
            capacity_percent=50,
            permits_difficulty="区里复工许可尚未批复",
            permits_needs_help=True,
        )
    by_address = {message.to[0]: message for message in mail.outbox}
    assert {"zh@fab.example", "en@fab.example", "desk@alliance.example"} <= set(by_address)
    assert "Assistance case opened" in by_address["en@fab.example"].subject
    assert "Permits" in by_address["en@fab.example"].subject
    # The Chinese reader's subject names the type as the payload's Chinese label (审批许可 once the catalogue has it).
    zh_label = Event.objects.get(name=events.CASE_OPENED).payload["type_labels"]["zh"]
    assert zh_label in by_address["zh@fab.example"].subject
    assert by_address["zh@fab.example"].subject.startswith("【联盟门户】")
    assert "区里复工许可尚未批复" in by_address["zh@fab.example"].body


def test_a_missing_report_reminder_reaches_only_the_silent_member(
    org, other_org, settings, django_capture_on_commit_callbacks
):
    ContactFactory(organisation=other_org, email="silent@example.com", language="en")
    from ..members.factories_reports import StatusReportFactory

    StatusReportFactory(organisation=org)
    with django_capture_on_commit_callbacks(execute=True):
        services.missing_reports_remind()
    assert [m.to for m in mail.outbox] == [["silent@example.com"]]
    assert "status report is due" in mail.outbox[0].subject
