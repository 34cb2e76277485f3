"""Status report pages against every role: scoping (never another member's numbers, 404 on another's report),
filing and changing through the form, the rules as field errors in both languages, pre-fill, the phone form,
the secretariat's list of members that have not reported, the wrong method."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from members.models import MaterialCategory, StatusReport

from ..refusals import assert_refused, suspended
from .factories_reports import StatusReportFactory, StockLevelFactory

pytestmark = pytest.mark.django_db

LIST = reverse("members:report_list")
NEW = reverse("members:report_create")
MISSING = reverse("members:reports_missing")
ROLES = ["secretariat", "org_admin", "org_member", "org_viewer", "other_user", "anonymous"]
WRITERS = {"secretariat", "org_admin", "org_member"}


def client_as(request, role) -> Client:
    if role == "anonymous":
        return Client()
    return request.getfixturevalue("client_for")(request.getfixturevalue(role))


@pytest.fixture
def own_report(org):
    return StatusReportFactory(organisation=org, staff_total=321, staff_returned=123, in_observation=4)


@pytest.fixture
def others_report(other_org):
    return StatusReportFactory(organisation=other_org, staff_total=987, staff_returned=654)


def form_data(**changes) -> dict:
    data = {
        "report_date": timezone.localdate().isoformat(),
        "staff_total": "100",
        "staff_returned": "60",
        "returned_from_high_risk": "2",
        "in_observation": "1",
        "fever_cases": "0",
        "temperature_checks": "on",
        "disinfection_done": "on",
        "capacity_percent": "55",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize("role", ROLES)
def test_list_shows_only_own_numbers(role, request, own_report, others_report):
    response = client_as(request, role).get(LIST)
    if role == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        return
    assert response.status_code == 200
    page = response.content.decode()
    expected = {"secretariat": {"321", "987"}, "other_user": {"987"}}.get(role, {"321"})
    for total in ("321", "987"):
        assert (f"of {total} staff" in page or f"{total}" in page) == (total in expected)


@pytest.mark.parametrize("role", ROLES)
def test_another_organisations_report_is_404(role, request, others_report):
    response = client_as(request, role).get(reverse("members:report_detail", args=[others_report.pk]))
    expected = {"secretariat": 200, "other_user": 200, "anonymous": 302}.get(role, 404)
    assert response.status_code == expected


@pytest.mark.parametrize("role", ROLES)
def test_own_report_detail_by_role(role, request, own_report):
    response = client_as(request, role).get(reverse("members:report_detail", args=[own_report.pk]))
    expected = {"other_user": 404, "anonymous": 302}.get(role, 200)
    assert response.status_code == expected
    if expected == 200:
        assert "123" in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_filing_through_the_form_by_role(role, request, org):
    url = f"{NEW}?organisation={org.slug}" if role == "secretariat" else NEW
    response = client_as(request, role).post(url, form_data())
    if role == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        assert not StatusReport.objects.exists()
    elif role in WRITERS:
        report = StatusReport.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("members:report_detail", args=[report.pk])
        assert report.organisation == org
        assert report.on_behalf is (role == "secretariat")
    elif role == "other_user":
        # Files its own organisation's report, never org's.
        assert StatusReport.objects.get().organisation == request.getfixturevalue("other_org")
    else:
        assert_refused(response)
        assert not StatusReport.objects.exists()


def test_a_viewer_cannot_open_the_form(org_viewer, client_for):
    assert_refused(client_for(org_viewer).get(NEW))


def test_a_suspended_organisations_admin_cannot_file(org, org_admin, client_for):
    suspended(org)
    client = client_for(org_admin)
    assert_refused(client.get(NEW))
    assert_refused(client.post(NEW, form_data()))
    assert not StatusReport.objects.exists()


def test_a_user_without_organisation_is_refused(client_for):
    from .factories import UserFactory

    client = client_for(UserFactory())
    assert_refused(client.get(LIST))
    assert_refused(client.get(NEW))


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"staff_returned": "101"}, "staff_returned", "cannot be more than the staff in total"),
        ({"in_observation": "61"}, "in_observation", "cannot be more than the staff back at work"),
        ({"returned_from_high_risk": "61"}, "returned_from_high_risk", "cannot be more than the staff back at work"),
        ({"capacity_percent": "101"}, "capacity_percent", "less than or equal to 100"),
        ({"fever_cases": "-1"}, "fever_cases", "greater than or equal to 0"),
        ({"staff_total": "99999999999"}, "staff_total", "less than or equal to"),
        ({"report_date": (timezone.localdate() + timedelta(days=1)).isoformat()}, "report_date", "future date"),
        ({"report_date": (timezone.localdate() - timedelta(days=90)).isoformat()}, "report_date", "last 7 days"),
        ({"logistics_needs_help": "on"}, "logistics_difficulty", "Say what the difficulty is"),
        ({"logistics_difficulty": "x" * 501}, "logistics_difficulty", "at most 500"),
    ],
)
def test_each_rule_is_a_field_error_on_the_form(org_member, client_for, english, changes, field, message):
    response = client_for(org_member).post(NEW, form_data(**changes))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, errors
    assert message in " ".join(errors[field])
    assert not StatusReport.objects.exists()


def test_a_rule_reads_in_chinese(org_member, client_for):
    response = client_for(org_member).post(NEW, form_data(staff_returned="101"), headers={"Accept-Language": "zh-hans"})
    assert response.context["form"].errors["staff_returned"]


def test_the_form_is_prefilled_from_the_previous_report(org, org_member, client_for):
    yesterday = timezone.localdate() - timedelta(days=1)
    previous = StatusReportFactory(
        organisation=org,
        report_date=yesterday,
        staff_total=250,
        staff_returned=111,
        logistics_difficulty="Roads closed",
        logistics_needs_help=True,
    )
    gas = MaterialCategory.objects.get(code="gas")
    StockLevelFactory(report=previous, category=gas, days=6)
    response = client_for(org_member).get(NEW)
    form = response.context["form"]
    assert form.initial["staff_total"] == 250 and form.initial["staff_returned"] == 111
    assert form.initial["report_date"] == timezone.localdate()
    assert form[f"stock_{gas.pk}"].initial == 6
    assert form.initial["logistics_difficulty"] == "Roads closed"
    assert form["logistics_needs_help"].value() is False  # asking for help again is a fresh decision


def test_the_form_is_short_and_numeric_on_a_phone(org_member, client_for):
    page = client_for(org_member).get(NEW).content.decode()
    assert page.count('inputmode="numeric"') >= 6
    assert "portal-submit-bar" in page
    assert "<details" in page  # difficulties folded away
    assert page.count("portal-number-row") >= 6  # one short row per figure


def test_todays_report_opens_for_editing_instead_of_a_second(org, org_member, client_for, own_report):
    response = client_for(org_member).get(NEW)
    assert response.status_code == 302
    assert response["Location"] == reverse("members:report_edit", args=[own_report.pk])


def test_editing_keeps_the_history(org, org_member, client_for, own_report):
    client = client_for(org_member)
    response = client.post(
        reverse("members:report_edit", args=[own_report.pk]), form_data(staff_returned="200", staff_total="321")
    )
    assert response.status_code == 302
    own_report.refresh_from_db()
    assert own_report.staff_returned == 200
    assert StatusReport.objects.count() == 1
    detail = client.get(reverse("members:report_detail", args=[own_report.pk])).content.decode()
    assert detail.count("<li>", detail.index('id="report-history"')) >= 2


def test_a_fab_files_days_of_stock_through_the_form(org, org_member, client_for):
    gas = MaterialCategory.objects.get(code="gas")
    client_for(org_member).post(NEW, form_data(**{f"stock_{gas.pk}": "5"}))
    assert StatusReport.objects.get().stock_levels.get().days == 5


@pytest.mark.parametrize("role", ROLES)
def test_edit_page_by_role(role, request, own_report):
    response = client_as(request, role).get(reverse("members:report_edit", args=[own_report.pk]))
    expected = {"secretariat": 200, "org_admin": 200, "org_member": 200, "org_viewer": 403, "other_user": 404}
    assert response.status_code == expected.get(role, 302)


@pytest.mark.parametrize("role", ROLES)
def test_only_the_secretariat_sees_who_has_not_reported(role, request, own_report, other_org):
    response = client_as(request, role).get(MISSING)
    if role == "secretariat":
        assert response.status_code == 200
        assert list(response.context["organisations"]) == [other_org]
    else:
        assert response.status_code == (302 if role == "anonymous" else 403)


def test_wrong_methods(org_admin, client_for, own_report, secretariat):
    client = client_for(org_admin)
    assert client.post(LIST).status_code == 405
    assert client.post(reverse("members:report_detail", args=[own_report.pk])).status_code == 405
    assert client_for(secretariat).post(MISSING).status_code == 405
    assert client.delete(NEW).status_code == 405
