"""members.services_reports.status_report_file: the rules, one report per day, history, rights, the signal."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from members.models import MaterialCategory, Organisation, StatusReport
from members.rules import actor_for_key, actor_for_user
from members.selectors_reports import organisations_missing_reports, reported_days_of_stock
from members.services_reports import status_report_file
from members.signals import status_report_saved

from ..refusals import refused_by_service, suspended
from .factories import MembershipFactory, OrganisationFactory, make_api_key
from .factories_reports import StatusReportFactory

pytestmark = pytest.mark.django_db

GOOD = {
    "staff_total": 100,
    "staff_returned": 40,
    "returned_from_high_risk": 3,
    "in_observation": 2,
    "fever_cases": 0,
    "temperature_checks": True,
    "disinfection_done": True,
    "capacity_percent": 35,
}


def _file(user, org, **changes):
    fields = {**GOOD, **changes}
    report_date = fields.pop("report_date", timezone.localdate())
    stock = fields.pop("stock", None)
    return status_report_file(
        actor=actor_for_user(user), organisation=org, report_date=report_date, stock=stock, **fields
    )


def test_a_member_files_its_report(org, org_member):
    report, created = _file(org_member, org)
    assert created
    assert report.filed_by == org_member
    assert not report.on_behalf
    assert report.resumption_percent == 40


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"staff_returned": 101}, "staff_returned"),
        ({"in_observation": 41}, "in_observation"),
        ({"returned_from_high_risk": 41}, "returned_from_high_risk"),
        ({"capacity_percent": 101}, "capacity_percent"),
        ({"fever_cases": -1}, "fever_cases"),
        ({"report_date": timezone.localdate() + timedelta(days=1)}, "report_date"),
        ({"report_date": timezone.localdate() - timedelta(days=30)}, "report_date"),
        ({"staffing_needs_help": True}, "staffing_difficulty"),
    ],
)
def test_each_rule_refuses_with_its_field_and_saves_nothing(org, org_member, changes, field):
    with pytest.raises(ValidationError) as caught:
        _file(org_member, org, **changes)
    assert field in caught.value.message_dict
    assert not StatusReport.objects.exists()


def test_a_second_filing_the_same_day_changes_the_report_and_keeps_the_history(org, org_member):
    first, _ = _file(org_member, org, staff_returned=40)
    second, created = _file(org_member, org, staff_returned=60)
    assert not created
    assert second.pk == first.pk
    assert StatusReport.objects.count() == 1
    assert [h.staff_returned for h in first.history.order_by("history_date")] == [40, 60]


def test_the_next_day_is_a_new_report(org, org_member):
    _file(org_member, org, report_date=timezone.localdate() - timedelta(days=1))
    _file(org_member, org)
    assert StatusReport.objects.filter(organisation=org).count() == 2


def test_the_secretariat_files_on_behalf_and_it_is_recorded(org, secretariat):
    report, _ = _file(secretariat, org)
    assert report.on_behalf
    assert report.filed_by == secretariat


def test_a_write_key_files_and_is_recorded(org):
    api_key, _raw = make_api_key(org, scope="write")
    report, _ = status_report_file(
        actor=actor_for_key(api_key), organisation=org, report_date=timezone.localdate(), **GOOD
    )
    assert report.filed_by_key == api_key
    assert report.filed_by is None


@pytest.mark.parametrize("role", ["org_viewer", "other_user"])
def test_viewers_and_other_organisations_are_refused(request, org, role):
    with refused_by_service():
        _file(request.getfixturevalue(role), org)
    assert not StatusReport.objects.exists()


def test_a_suspended_organisations_admin_is_refused(org, org_admin):
    suspended(org)
    with refused_by_service("organisation_not_in_good_standing"):
        _file(org_admin, org)


def test_a_read_key_is_refused(org):
    api_key, _raw = make_api_key(org, scope="read")
    with refused_by_service("read_only"):
        status_report_file(actor=actor_for_key(api_key), organisation=org, report_date=timezone.localdate(), **GOOD)


def test_a_fab_reports_days_of_stock_and_edits_replace_them(org, org_member):
    gases, slurries = MaterialCategory.objects.filter(group="material").order_by("sort_order")[:2]
    report, _ = _file(org_member, org, stock={gases.pk: 5, slurries: 9})
    assert dict(report.stock_levels.values_list("category_id", "days")) == {gases.pk: 5, slurries.pk: 9}
    _file(org_member, org, stock={gases.pk: 4})
    assert dict(report.stock_levels.values_list("category_id", "days")) == {gases.pk: 4}


def test_only_fabs_report_days_of_stock(other_org, other_user):
    category = MaterialCategory.objects.filter(group="material").first()
    with pytest.raises(ValidationError) as caught:
        _file(other_user, other_org, stock={category.pk: 3})
    assert "stock" in caught.value.message_dict


def test_days_of_stock_are_bounded_and_for_materials_only(org, org_member):
    material = MaterialCategory.objects.filter(group="material").first()
    masks = MaterialCategory.objects.filter(group="emergency").first()
    for stock in ({material.pk: 5000}, {material.pk: -1}, {masks.pk: 3}):
        with pytest.raises(ValidationError):
            _file(org_member, org, stock=stock)


def test_the_signal_is_sent_with_the_report(org, org_member):
    heard = []

    def listener(sender, report, created, actor, **kwargs):
        heard.append((report.pk, created, actor.user))

    status_report_saved.connect(listener)
    try:
        report, _ = _file(org_member, org)
        _file(org_member, org)
    finally:
        status_report_saved.disconnect(listener)
    assert heard == [(report.pk, True, org_member), (report.pk, False, org_member)]


def test_reported_days_of_stock_come_from_the_latest_report_that_gave_them(org, org_member):
    category = MaterialCategory.objects.filter(group="material").first()
    yesterday = timezone.localdate() - timedelta(days=1)
    _file(org_member, org, report_date=yesterday - timedelta(days=1), stock={category.pk: 2})
    _file(org_member, org, report_date=yesterday, stock={category.pk: 6})
    _file(org_member, org)  # today, no stock figures
    assert reported_days_of_stock(org.pk) == {category.pk: (6, yesterday)}
    assert reported_days_of_stock(org.pk + 1000) == {}


def test_missing_reports_list_members_that_have_not_reported_today(org, other_org):
    OrganisationFactory(kind=Organisation.Kind.SECRETARIAT)
    OrganisationFactory(status=Organisation.Status.SUSPENDED)
    silent = OrganisationFactory()
    StatusReportFactory(organisation=org)
    StatusReportFactory(organisation=other_org, report_date=timezone.localdate() - timedelta(days=1))
    missing = list(organisations_missing_reports())
    assert set(missing) == {other_org, silent}
    assert missing[0] == silent  # never reported: first
    assert missing[1].last_report_date == timezone.localdate() - timedelta(days=1)


def test_a_longer_period_counts_recent_reports(org, settings):
    settings.STATUS_REPORT_PERIOD_DAYS = 7
    StatusReportFactory(organisation=org, report_date=timezone.localdate() - timedelta(days=6))
    assert org not in organisations_missing_reports()
    settings.STATUS_REPORT_PERIOD_DAYS = 1
    assert org in organisations_missing_reports()


def test_a_user_of_another_membership_cannot_file_for_org(org):
    outsider = MembershipFactory().user
    with refused_by_service("other_organisation"):
        _file(outsider, org)
