"""`status-reports` against every role: scoping (never another member's numbers), filing, one per day, the rules
as 400s naming fields, If-Match, the wrong method."""

from datetime import timedelta

import pytest
from django.utils import timezone

from members.models import MaterialCategory, StatusReport

from ..api_helpers import API_ROLES, OWN_ORG_ROLES, api_client, login
from ..refusals import suspended
from .factories_reports import StatusReportFactory, StockLevelFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/status-reports/"
WRITERS = {"secretariat", "org_admin", "org_member", "write_key"}


def detail(report) -> str:
    return f"{LIST}{report.pk}/"


@pytest.fixture
def own_report(org):
    report = StatusReportFactory(organisation=org, staff_total=300, staff_returned=150)
    StockLevelFactory(report=report, category=MaterialCategory.objects.get(code="gas"), days=4)
    return report


@pytest.fixture
def others_report(other_org):
    return StatusReportFactory(organisation=other_org, staff_total=77, staff_returned=17)


def body(**changes) -> dict:
    data = {
        "report_date": timezone.localdate().isoformat(),
        "staff_total": 100,
        "staff_returned": 60,
        "returned_from_high_risk": 2,
        "in_observation": 1,
        "fever_cases": 0,
        "temperature_checks": True,
        "disinfection_done": True,
        "capacity_percent": 55,
    }
    data.update(changes)
    return data


@pytest.mark.parametrize("role", API_ROLES)
def test_list_shows_only_own_reports(role, request, own_report, others_report):
    response = api_client(role, request).get(LIST)
    if role == "anonymous":
        assert response.status_code == 401
        return
    assert response.status_code == 200
    totals = {row["staff_total"] for row in response.json()["results"]}
    expected = {"secretariat": {300, 77}, "other_user": {77}, "no_org_user": set()}.get(role, {300})
    assert totals == expected
    assert "count" not in response.json()


@pytest.mark.parametrize("role", API_ROLES)
def test_another_organisations_report_is_404(role, request, others_report):
    response = api_client(role, request).get(detail(others_report))
    expected = {"secretariat": 200, "other_user": 200, "anonymous": 401}.get(role, 404)
    assert response.status_code == expected


def test_a_report_reads_with_its_stock_and_difficulties(org_viewer, own_report):
    StatusReport.objects.filter(pk=own_report.pk).update(logistics_difficulty="Roads closed", logistics_needs_help=True)
    data = login(org_viewer).get(detail(own_report)).json()
    assert data["stock"] == [{"category": "gas", "days": 4}]
    assert data["difficulties"] == [
        {"type": "logistics", "label": "Logistics", "text": "Roads closed", "needs_help": True}
    ]
    assert data["resumption_percent"] == 50


@pytest.mark.parametrize("role", API_ROLES)
def test_filing_a_report_by_role(role, request, org):
    data = body(organization=org.slug) if role == "secretariat" else body()
    response = api_client(role, request).post(LIST, data, content_type="application/json")
    if role == "anonymous":
        assert response.status_code == 401
    elif role in WRITERS:
        assert response.status_code == 201, response.content
        assert StatusReport.objects.get().organisation == org
        assert response.json()["on_behalf"] is (role == "secretariat")
    elif role == "other_user":
        # Its own organisation's report, never org's.
        assert response.status_code == 201
        assert StatusReport.objects.get().organisation == request.getfixturevalue("other_org")
    else:
        assert response.status_code == 403
        assert not StatusReport.objects.exists()


def test_a_suspended_organisations_admin_cannot_file(org, org_admin):
    suspended(org)
    response = login(org_admin).post(LIST, body(), content_type="application/json")
    assert response.status_code == 403
    assert not StatusReport.objects.exists()


def test_a_member_cannot_file_for_another_organisation(org_admin, other_org):
    response = login(org_admin).post(LIST, body(organization=other_org.slug), content_type="application/json")
    assert response.status_code == 400
    assert "organization" in response.json()
    assert not StatusReport.objects.exists()


def test_the_secretariat_must_name_the_organisation(secretariat):
    response = login(secretariat).post(LIST, body(), content_type="application/json")
    assert response.status_code == 400
    assert "organization" in response.json()


def test_filing_again_the_same_day_changes_the_days_report(org_member, org):
    client = login(org_member)
    first = client.post(LIST, body(staff_returned=40), content_type="application/json")
    second = client.post(LIST, body(staff_returned=70), content_type="application/json")
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    report = StatusReport.objects.get()
    assert report.staff_returned == 70
    assert report.history.count() == 2


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"staff_returned": 101}, "staff_returned"),
        ({"in_observation": 61}, "in_observation"),
        ({"returned_from_high_risk": 61}, "returned_from_high_risk"),
        ({"capacity_percent": 101}, "capacity_percent"),
        ({"fever_cases": -1}, "fever_cases"),
        ({"staff_total": 10**12}, "staff_total"),
        ({"report_date": (timezone.localdate() + timedelta(days=1)).isoformat()}, "report_date"),
        ({"report_date": (timezone.localdate() - timedelta(days=90)).isoformat()}, "report_date"),
        ({"other_needs_help": True}, "other_difficulty"),
        ({"other_difficulty": "x" * 501}, "other_difficulty"),
        ({"stock": [{"category": "medical-mask", "days": 3}]}, "stock"),
        ({"stock": [{"category": "gas", "days": 99999}]}, "stock"),
    ],
)
def test_each_rule_is_a_400_naming_the_field(org_member, changes, field):
    response = login(org_member).post(LIST, body(**changes), content_type="application/json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not StatusReport.objects.exists()


def test_a_rule_reads_in_chinese_too(org_member):
    client = login(org_member)
    response = client.post(
        LIST, body(staff_returned=101), content_type="application/json", headers={"Accept-Language": "zh-hans"}
    )
    assert response.status_code == 400
    assert response.json()["staff_returned"]


def test_a_fab_files_days_of_stock(org_member):
    response = login(org_member).post(
        LIST, body(stock=[{"category": "gas", "days": 3}]), content_type="application/json"
    )
    assert response.status_code == 201
    assert response.json()["stock"] == [{"category": "gas", "days": 3}]


def test_patch_changes_a_report_and_honours_if_match(org_member, own_report):
    client = login(org_member)
    etag = client.get(detail(own_report))["ETag"]
    stale = client.patch(
        detail(own_report), {"staff_returned": 10}, content_type="application/json", headers={"If-Match": '"nope"'}
    )
    assert stale.status_code == 412
    response = client.patch(
        detail(own_report), {"staff_returned": 160}, content_type="application/json", headers={"If-Match": etag}
    )
    assert response.status_code == 200, response.content
    own_report.refresh_from_db()
    assert own_report.staff_returned == 160
    assert own_report.stock_levels.get().days == 4  # left alone


@pytest.mark.parametrize("role", API_ROLES)
def test_patch_by_role(role, request, own_report):
    response = api_client(role, request).patch(detail(own_report), {"fever_cases": 1}, content_type="application/json")
    expected = 200 if role in WRITERS else {"anonymous": 401, "other_user": 404, "no_org_user": 404}.get(role, 403)
    assert response.status_code == expected


def test_patch_with_a_bad_figure_is_a_400(org_member, own_report):
    response = login(org_member).patch(detail(own_report), {"staff_returned": 301}, content_type="application/json")
    assert response.status_code == 400
    assert "staff_returned" in response.json()


def test_delete_is_not_allowed(org_admin, own_report):
    assert login(org_admin).delete(detail(own_report)).status_code == 405


def test_filters_by_date_and_help(secretariat, own_report, others_report):
    StatusReport.objects.filter(pk=others_report.pk).update(
        report_date=timezone.localdate() - timedelta(days=2), permits_difficulty="x", permits_needs_help=True
    )
    client = login(secretariat)
    since = (timezone.localdate() - timedelta(days=1)).isoformat()
    assert [r["id"] for r in client.get(LIST, {"date_from": since}).json()["results"]] == [own_report.pk]
    assert [r["id"] for r in client.get(LIST, {"needs_help": "true"}).json()["results"]] == [others_report.pk]


def test_own_org_roles_constant_is_used(own_report):
    assert {"org_admin", "read_key"} <= OWN_ORG_ROLES


def test_a_retried_filing_with_the_same_idempotency_key_is_answered_once(org_member):
    client = login(org_member)
    headers = {"Idempotency-Key": "report-2020-02-10"}
    first = client.post(LIST, body(), content_type="application/json", headers=headers)
    again = client.post(LIST, body(), content_type="application/json", headers=headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again["Idempotent-Replayed"] == "true"
    assert StatusReport.objects.get().history.count() == 1


def test_the_api_reports_one_query_set_per_page(org_member, org):
    from ..api_helpers import query_count

    for days_back in range(3):
        StatusReportFactory(organisation=org, report_date=timezone.localdate() - timedelta(days=days_back))
    few = query_count(login(org_member), LIST)
    for days_back in range(3, 6):
        StatusReportFactory(organisation=org, report_date=timezone.localdate() - timedelta(days=days_back))
    assert query_count(login(org_member), LIST) == few


def test_a_suspended_organisations_admin_reads_but_cannot_change(org, org_admin, own_report):
    suspended(org)
    client = login(org_admin)
    assert client.get(detail(own_report)).status_code == 200
    response = client.patch(detail(own_report), {"fever_cases": 1}, content_type="application/json")
    assert response.status_code == 403
    own_report.refresh_from_db()
    assert own_report.fever_cases == 0
