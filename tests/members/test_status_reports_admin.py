"""Status reports in the admin: the same rules as every door (field errors), saved through the service (history,
on behalf, the signal), no deletion; the list of members that have not reported; staff only."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assistance.models import AssistanceCase
from members.models import StatusReport

from .factories_reports import StatusReportFactory

pytestmark = pytest.mark.django_db

ADD = reverse("admin:members_statusreport_add")
CHANGELIST = reverse("admin:members_statusreport_changelist")
MISSING = reverse("admin:members_nonreportingorganisation_changelist")


@pytest.fixture
def admin_client(client_for, secretariat):
    client = client_for(secretariat)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def admin_data(org, **changes) -> dict:
    data = {
        "organisation": org.pk,
        "report_date": timezone.localdate().isoformat(),
        "staff_total": "100",
        "staff_returned": "60",
        "returned_from_high_risk": "2",
        "in_observation": "1",
        "fever_cases": "0",
        "capacity_percent": "55",
        "stock_levels-TOTAL_FORMS": "0",
        "stock_levels-INITIAL_FORMS": "0",
        "stock_levels-MIN_NUM_FORMS": "0",
        "stock_levels-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return data


def test_the_secretariat_files_a_report_in_the_admin_on_behalf(admin_client, org, secretariat):
    response = admin_client.post(ADD, admin_data(org, logistics_difficulty="No trucks", logistics_needs_help="on"))
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    report = StatusReport.objects.get()
    assert report.on_behalf and report.filed_by == secretariat
    assert AssistanceCase.objects.get().source_report == report  # the signal went out


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"staff_returned": "101"}, "staff_returned"),
        ({"in_observation": "61"}, "in_observation"),
        ({"returned_from_high_risk": "61"}, "returned_from_high_risk"),
        ({"capacity_percent": "101"}, "capacity_percent"),
        ({"fever_cases": "-1"}, "fever_cases"),
        ({"report_date": (timezone.localdate() + timedelta(days=1)).isoformat()}, "report_date"),
        ({"report_date": (timezone.localdate() - timedelta(days=90)).isoformat()}, "report_date"),
        ({"permits_needs_help": "on"}, "permits_difficulty"),
    ],
)
def test_each_rule_is_a_field_error_in_the_admin(admin_client, org, changes, field):
    response = admin_client.post(ADD, admin_data(org, **changes))
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert not StatusReport.objects.exists()


def test_a_second_report_for_the_same_day_is_refused_in_the_admin(admin_client, org):
    StatusReportFactory(organisation=org)
    response = admin_client.post(ADD, admin_data(org))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert StatusReport.objects.count() == 1


def test_changing_a_report_in_the_admin_keeps_history(admin_client, org):
    report = StatusReportFactory(
        organisation=org, staff_total=100, staff_returned=20, returned_from_high_risk=0, in_observation=0
    )
    url = reverse("admin:members_statusreport_change", args=[report.pk])
    data = admin_data(org, staff_returned="30")
    data.pop("organisation")
    data.pop("report_date")
    response = admin_client.post(url, data)
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.staff_returned == 30
    assert report.history.count() == 2


def test_reports_are_not_deleted_in_the_admin(admin_client, org):
    report = StatusReportFactory(organisation=org)
    assert admin_client.get(reverse("admin:members_statusreport_delete", args=[report.pk])).status_code == 403


def test_the_admin_lists_members_that_have_not_reported(admin_client, org, other_org):
    StatusReportFactory(organisation=org)
    response = admin_client.get(MISSING)
    assert response.status_code == 200
    assert [o.pk for o in response.context["cl"].result_list] == [other_org.pk]


@pytest.mark.parametrize("role", ["org_admin", "org_member", "org_viewer", "other_user"])
def test_members_cannot_open_the_admin(role, request, client_for, org):
    client = client_for(request.getfixturevalue(role))
    for url in (CHANGELIST, ADD, MISSING):
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_changelist_opens(admin_client, org):
    StatusReportFactory(organisation=org)
    assert admin_client.get(CHANGELIST).status_code == 200
    assert admin_client.get(CHANGELIST, {"needs_help": "yes"}).status_code == 200
