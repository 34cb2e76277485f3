from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from assistance.models import AssistanceCase

from ..members.factories_reports import StatusReportFactory
from .factories import AssistanceCaseFactory

pytestmark = pytest.mark.django_db


def test_a_report_opens_at_most_one_case_per_difficulty(org):
    report = StatusReportFactory(organisation=org)
    AssistanceCaseFactory(organisation=org, source_report=report, kind="logistics")
    AssistanceCaseFactory(organisation=org, source_report=report, kind="permits")
    with pytest.raises(IntegrityError), transaction.atomic():
        AssistanceCaseFactory(organisation=org, source_report=report, kind="logistics")


def test_cases_without_a_report_are_not_limited(org):
    AssistanceCaseFactory(organisation=org)
    AssistanceCaseFactory(organisation=org)
    assert AssistanceCase.objects.count() == 2


def test_an_active_case_without_a_note_for_the_set_days_is_stale(org, settings):
    settings.ASSISTANCE_STALE_DAYS = 3
    old = timezone.now() - timedelta(days=4)
    stale = AssistanceCaseFactory(organisation=org, created_at=old, last_activity_at=old)
    AssistanceCaseFactory(organisation=org)  # fresh
    AssistanceCaseFactory(organisation=org, created_at=old, last_activity_at=old, status="resolved")
    assert list(AssistanceCase.objects.stale()) == [stale]
    flags = dict(AssistanceCase.objects.with_stale_flag().values_list("pk", "is_stale"))
    assert flags[stale.pk] is True
    assert sum(flags.values()) == 1
