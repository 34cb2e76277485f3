"""GET /api/v1/stats/: the secretariat gets the full figures; members and their keys aggregates only."""

import json

import pytest
from django.test import Client

from ..api_helpers import API_ROLES, ENGLISH, api_client, login

URL = "/api/v1/stats/"
AGGREGATE_ROLES = ["org_admin", "org_member", "org_viewer", "read_key", "write_key", "other_user"]


def test_role_list_covers_every_api_role():
    assert set(AGGREGATE_ROLES) | {"secretariat", "no_org_user", "anonymous"} == set(API_ROLES)


def test_secretariat_gets_the_full_figures(request, known_data, org):
    response = api_client("secretariat", request).get(URL)
    assert response.status_code == 200
    data = response.json()
    assert data["scope"] == "full"
    assert data["key_figures"] == {
        "members": 4,
        "members_reporting": 3,
        "fabs_at_risk": 2,
        "critical_requests_open": 2,
        "requests_open": 3,
        "requests_fulfilled": 1,
        "pledges_overdue": 1,
        "notices_unacknowledged": 3,
        "alerts_failed": 1,
        "assistance_open": 2,
        "assistance_stale": 1,
    }
    assert [(fab["organization"], fab["days_of_stock"]) for fab in data["fabs"]] == [
        (org.slug, 3),
        (known_data.fab2.slug, 5),
    ]
    assert {notice["title_en"]: notice["rate"] for notice in data["notices"]} == {
        "Everyone acknowledges": 50,
        "Fabs acknowledge": 50,
    }
    assert data["donations"] == {"pledged_value": "18000.00", "delivered_value": "4500.00", "pledges": 4, "donors": 3}
    assert [(a["title_en"], a["pledged_value"], a["delivered_value"]) for a in data["appeals"]] == [
        ("Wuhan hospitals", "17000.00", "4500.00"),
        ("", "1000.00", "0.00"),
    ]
    # The secretariat sees a province's single report too.
    hubei = next(p for p in data["resumption_by_province"] if p["province"] == "hubei")
    assert hubei["days"][-1] == {"date": known_data.today.isoformat(), "rate": 60.0, "reporting": 1}
    assert data["reports"][-2]["rate"] == 50.0


@pytest.mark.parametrize("role", AGGREGATE_ROLES)
def test_members_and_keys_get_aggregates_only(request, role, known_data, org, other_org):
    response = api_client(role, request).get(URL)
    assert response.status_code == 200
    data = response.json()
    assert data["scope"] == "aggregate"
    assert "fabs" not in data and "notices" not in data and "appeals" not in data
    assert data["donations"]["pledged_value"] == "18000.00"
    assert data["key_figures"]["fabs_at_risk"] == 2
    assert data["acknowledgements"] == {"notices": 2, "addressed": 6, "acknowledged": 3}
    body = json.dumps(data, ensure_ascii=False)
    for organisation in (org, other_org, known_data.fab2, known_data.supplier3):
        for text in (organisation.slug, organisation.name_zh, organisation.name_en):
            assert text not in body, text
    # Today 3 members reported (shown); yesterday one (blank, it would be that member's own figures).
    assert data["reports"][-1]["rate"] == 58.3
    assert data["reports"][-2] | {"date": None} == {
        "date": None,
        "reporting": 1,
        "staff_total": None,
        "staff_returned": None,
        "rate": None,
        "in_observation": None,
        "fever_cases": None,
    }
    for province in data["resumption_by_province"]:
        for day in province["days"]:
            assert day["rate"] is None or day["reporting"] >= 3


@pytest.mark.parametrize("role", ["no_org_user"])
def test_user_without_organisation_is_refused(request, role):
    response = api_client(role, request).get(URL)
    assert response.status_code == 403 and "detail" in response.json()


def test_suspended_organisations_admin_is_refused(suspended_admin):
    response = login(suspended_admin).get(URL)
    assert response.status_code == 403


def test_anonymous_gets_401(db):
    response = Client(headers=ENGLISH).get(URL)
    assert response.status_code == 401


@pytest.mark.parametrize("role", ["secretariat", "org_admin", "write_key"])
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_stats_are_read_only(request, role, method):
    response = getattr(api_client(role, request), method)(URL, data={}, content_type="application/json")
    assert response.status_code == 405


def test_read_key_cannot_write_either(request):
    response = api_client("read_key", request).post(URL, data={}, content_type="application/json")
    assert response.status_code == 403


def test_stats_are_in_the_schema(db):
    schema = Client().get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/stats/"]["get"]
    assert operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/Stats")
    assert {"401", "403"} <= set(operation["responses"])
    assert "post" not in schema["paths"]["/api/v1/stats/"]
