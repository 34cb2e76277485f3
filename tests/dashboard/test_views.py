"""Who opens the dashboard, its CSV files and the alliance summary; what they show."""

import csv
import io
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from ..refusals import assert_refused

DASHBOARD_URLS = [reverse("dashboard:dashboard"), reverse("dashboard:chart_csv", args=["requests"])]
SUMMARY_URLS = [reverse("dashboard:summary"), reverse("dashboard:summary_csv")]
MEMBER_ROLES = ["org_admin", "org_member", "org_viewer", "other_user"]


def _client(request, role) -> Client:
    if role == "anonymous":
        return Client()
    return request.getfixturevalue("client_for")(request.getfixturevalue(role))


@pytest.mark.parametrize("url", DASHBOARD_URLS)
def test_secretariat_opens_the_dashboard_and_its_csv(request, url, known_data):
    assert _client(request, "secretariat").get(url).status_code == 200


@pytest.mark.parametrize("url", DASHBOARD_URLS)
@pytest.mark.parametrize("role", [*MEMBER_ROLES, "suspended_admin"])
def test_members_cannot_open_the_dashboard(request, url, role):
    assert_refused(_client(request, role).get(url))


@pytest.mark.parametrize("url", DASHBOARD_URLS + SUMMARY_URLS)
def test_anonymous_is_sent_to_sign_in(url, db):
    response = Client().get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("url", SUMMARY_URLS)
@pytest.mark.parametrize("role", ["secretariat", *MEMBER_ROLES])
def test_members_and_secretariat_open_the_alliance_summary(request, url, role, known_data):
    assert _client(request, role).get(url).status_code == 200


@pytest.mark.parametrize("url", SUMMARY_URLS)
def test_suspended_organisation_cannot_open_the_alliance_summary(request, url, suspended_admin):
    assert_refused(_client(request, "suspended_admin").get(url))


@pytest.mark.parametrize("url", SUMMARY_URLS)
def test_user_without_organisation_cannot_open_the_alliance_summary(client_for, url, db):
    from ..members.factories import UserFactory

    assert_refused(client_for(UserFactory()).get(url))


@pytest.mark.parametrize("url", DASHBOARD_URLS + SUMMARY_URLS)
def test_writing_to_the_dashboard_is_not_allowed(request, url, db):
    assert _client(request, "secretariat").post(url).status_code == 405


def test_unknown_chart_csv_is_404(client_for, secretariat):
    assert client_for(secretariat).get(reverse("dashboard:chart_csv", args=["nothing"])).status_code == 404


def test_donations_csv_holds_each_appeals_values(client_for, secretariat, known_data, english):
    rows = _csv(client_for(secretariat).get(reverse("dashboard:chart_csv", args=["donations"])))
    assert rows == [
        ["Appeal", "Pledged (CNY)", "Delivered (CNY)"],
        ["Wuhan hospitals", "17000.00", "4500.00"],
        ["Not to an appeal", "1000.00", "0.00"],
    ]


def _csv(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_requests_csv_holds_the_charts_numbers(client_for, secretariat, known_data, english):
    rows = _csv(client_for(secretariat).get(reverse("dashboard:chart_csv", args=["requests"])))
    assert rows[0] == ["Status", "Priority ≥ 80", "Priority 50–79", "Priority 20–49", "Priority < 20"]
    assert ["Approved", "1", "0", "0", "0"] in rows
    assert ["Submitted", "0", "1", "1", "0"] in rows
    assert ["Closed as fulfilled", "0", "0", "0", "1"] in rows


def test_stock_csv_lists_fabs_fewest_days_first(client_for, secretariat, known_data, org, english):
    rows = _csv(client_for(secretariat).get(reverse("dashboard:chart_csv", args=["stock"])))
    assert rows == [["Fab", "Days of stock"], [org.name_en, "3"], ["Shanghai Second Fab", "5"]]


def test_provinces_csv_holds_the_tile_maps_numbers(client_for, secretariat, known_data, english):
    rows = _csv(client_for(secretariat).get(reverse("dashboard:chart_csv", args=["provinces"])))
    assert rows == [
        ["Province", "Risk level", "Members", "Critical requests open"],
        ["Hubei", "High risk", "1", "1"],
        ["Jiangsu", "No risk area listed", "1", "0"],
        ["Shanghai", "Medium risk", "2", "1"],
    ]


def test_csv_is_in_chinese_by_default(client_for, secretariat, known_data):
    rows = _csv(client_for(secretariat).get(reverse("dashboard:chart_csv", args=["stock"])))
    assert rows[1][0] == "武汉测试晶圆有限公司"


def test_summary_csv_blanks_days_with_fewer_than_three_reports(client_for, org_member, known_data, english):
    rows = _csv(client_for(org_member).get(reverse("dashboard:summary_csv")))
    assert rows[0] == ["Date", "Staff back at work (%)", "Members reporting"]
    assert rows[-1] == [known_data.today.isoformat(), "58.3", "3"]
    assert rows[-2] == [(known_data.today - timedelta(days=1)).isoformat(), "", "1"]


def test_dashboard_page_shows_key_figures_tiles_and_chart_data(client_for, secretariat, known_data, english):
    response = client_for(secretariat).get(reverse("dashboard:dashboard"))
    html = response.content.decode()
    assert 'data-key="fabs_at_risk"' in html and "days_of_stock__lt=7" in html
    assert 'data-province="hubei"' in html and "dash-risk-high" in html
    assert 'id="dashboard-charts"' in html and "echarts-6.1.0.min.js" in html
    specs = {spec["key"]: spec for spec in response.context["chart_specs"]}
    assert specs["stock"]["series"][0]["values"] == [3, 5]
    assert specs["donations"]["series"][0]["values"] == [17000.0, 1000.0]
    # The acknowledgement chart draws the rate; its table also gives the counts behind it.
    assert [s["values"] for s in specs["acknowledgements"]["series"]] == [[50, 50]]
    table = next(chart for chart in response.context["charts"] if chart.key == "acknowledgements")
    assert table.header() == ["Notice", "Acknowledged (%)", "Organisations addressed", "Organisations acknowledged"]


def test_key_figure_links_open_the_filtered_lists(client_for, secretariat, known_data):
    client = client_for(secretariat)
    response = client.get(reverse("dashboard:dashboard"))
    for figure in response.context["key_figures"]:
        if figure.url and figure.value is not None:
            assert client.get(figure.url).status_code == 200, figure.url


def test_fabs_at_risk_link_lists_only_the_requests_under_seven_days(client_for, secretariat, known_data):
    response = client_for(secretariat).get("/admin/supply/supplyrequest/?days_of_stock__lt=7")
    assert response.context["cl"].result_count == 1


def test_summary_shows_totals_and_no_member_name(client_for, org_member, known_data, english):
    response = client_for(org_member).get(reverse("dashboard:summary"))
    html = response.content.decode()
    assert 'data-total="members">4<' in html and 'data-total="resumption_rate">58.3 %<' in html
    for name in ("Shanghai Second Fab", "Jiangsu Supplier", "Shanghai Other Materials"):
        assert name not in html


def test_navigation_links_the_dashboard_for_the_secretariat_only(client_for, secretariat, org_admin):
    url = reverse("dashboard:dashboard")
    assert f'href="{url}"' in client_for(secretariat).get(reverse("home")).content.decode()
    member_page = client_for(org_admin).get(reverse("home")).content.decode()
    assert f'href="{url}"' not in member_page
    assert f'href="{reverse("dashboard:summary")}"' in member_page
