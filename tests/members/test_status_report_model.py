"""The rules of one report's numbers, on the model (every door calls `full_clean`), and the database's backing."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from members.models import StatusReport

from .factories_reports import StatusReportFactory

pytestmark = pytest.mark.django_db


def _errors(report: StatusReport) -> dict:
    with pytest.raises(ValidationError) as caught:
        report.full_clean()
    return caught.value.message_dict


def test_a_sensible_report_is_valid(org):
    StatusReportFactory.build(organisation=org).full_clean()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        (
            {"staff_total": 10, "staff_returned": 11, "in_observation": 0, "returned_from_high_risk": 0},
            "staff_returned",
        ),
        ({"staff_returned": 5, "in_observation": 6, "returned_from_high_risk": 0}, "in_observation"),
        ({"staff_returned": 5, "returned_from_high_risk": 6, "in_observation": 0}, "returned_from_high_risk"),
        ({"capacity_percent": 101}, "capacity_percent"),
        ({"fever_cases": -1}, "fever_cases"),
        ({"staff_total": 10_000_000}, "staff_total"),
        ({"report_date": timezone.localdate() + timedelta(days=1)}, "report_date"),
        ({"report_date": timezone.localdate() - timedelta(days=60)}, "report_date"),
        ({"logistics_needs_help": True, "logistics_difficulty": "  "}, "logistics_difficulty"),
        ({"permits_difficulty": "x" * 501}, "permits_difficulty"),
    ],
)
def test_each_rule_names_its_field(org, changes, field):
    report = StatusReportFactory.build(organisation=org, **changes)
    assert field in _errors(report)


def test_one_report_per_organisation_and_date_in_the_database(org):
    StatusReportFactory(organisation=org)
    with pytest.raises(IntegrityError), transaction.atomic():
        StatusReportFactory(organisation=org)


def test_database_refuses_more_returned_than_total(org):
    with pytest.raises(IntegrityError), transaction.atomic():
        StatusReportFactory(
            organisation=org, staff_total=1, staff_returned=2, in_observation=0, returned_from_high_risk=0
        )
