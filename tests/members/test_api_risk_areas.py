import pytest
from django.utils import timezone

from members.models import RiskArea

from ..api_helpers import API_ROLES, api_client, login, query_count
from .factories import RiskAreaFactory

# Declared, not only reached through fixtures, so pytest-django orders these before transactional tests.
pytestmark = pytest.mark.django_db

LIST = "/api/v1/risk-areas/"


def detail(area) -> str:
    return f"/api/v1/risk-areas/{area.pk}/"


@pytest.fixture
def wuhan(db):
    return RiskAreaFactory(province="hubei", city="武汉", city_en="Wuhan", level="high", effective_date="2020-01-23")


@pytest.fixture
def shanghai(db):
    return RiskAreaFactory(
        province="shanghai", city="上海", city_en="Shanghai", level="low", effective_date="2020-03-10"
    )


@pytest.mark.parametrize("role", API_ROLES)
def test_everyone_signed_in_reads_risk_areas(role, request, wuhan, shanghai):
    client = api_client(role, request)

    listed = client.get(LIST)
    one = client.get(detail(wuhan))

    if role == "anonymous":
        assert listed.status_code == one.status_code == 401
        return
    assert listed.status_code == one.status_code == 200
    assert [row["city_en"] for row in listed.json()["results"]] == ["Wuhan", "Shanghai"]  # by province code
    assert one.json() == {
        "id": wuhan.pk,
        "province": "hubei",
        "city": "武汉",
        "city_en": "Wuhan",
        "level": "high",
        "effective_date": "2020-01-23",
        "note": "",
        "updated_at": one.json()["updated_at"],
    }
    assert one["ETag"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("level=high", ["Wuhan"]),
        ("province=shanghai", ["Shanghai"]),
        ("city=武汉", ["Wuhan"]),
        ("city=shanghai", ["Shanghai"]),
    ],
)
def test_filters(query, expected, org_viewer, wuhan, shanghai):
    response = login(org_viewer).get(f"{LIST}?{query}")

    assert [row["city_en"] for row in response.json()["results"]] == expected


def test_updated_since(org_viewer, wuhan, shanghai):
    cutoff = timezone.now()
    shanghai.level = "medium"
    shanghai.save()

    response = login(org_viewer).get(LIST, {"updated_since": cutoff.isoformat()})

    assert [row["level"] for row in response.json()["results"]] == ["medium"]


@pytest.mark.parametrize(("query", "field"), [("level=extreme", "level"), ("updated_since=soon", "updated_since")])
def test_bad_filter_value_is_400_naming_it(query, field, org_viewer):
    response = login(org_viewer).get(f"{LIST}?{query}")

    assert response.status_code == 400
    assert field in response.json()


WRITE_EXPECTED = dict.fromkeys(API_ROLES, 403) | {"secretariat": None, "anonymous": 401}


@pytest.mark.parametrize("role", API_ROLES)
def test_only_the_secretariat_creates_risk_areas(role, request):
    data = {"province": "hubei", "city": "孝感", "city_en": "Xiaogan", "level": "high", "effective_date": "2020-01-24"}

    response = api_client(role, request).post(LIST, data, content_type="application/json")

    assert response.status_code == (WRITE_EXPECTED[role] or 201), response.content
    exists = RiskArea.objects.filter(city="孝感").exists()
    assert exists is (response.status_code == 201)
    if response.status_code == 201:
        assert response.json()["level"] == "high"


@pytest.mark.parametrize("role", API_ROLES)
def test_only_the_secretariat_changes_risk_levels(role, request, wuhan):
    response = api_client(role, request).patch(
        detail(wuhan), {"level": "medium", "effective_date": "2020-04-08"}, content_type="application/json"
    )

    assert response.status_code == (WRITE_EXPECTED[role] or 200), response.content
    wuhan.refresh_from_db()
    if response.status_code == 200:
        assert response.json()["level"] == "medium"
        assert wuhan.level == "medium"
    else:
        assert wuhan.level == "high"
        assert "detail" in response.json()


def test_a_city_is_listed_once(secretariat, wuhan):
    data = {"province": "hubei", "city": "武汉", "level": "low", "effective_date": "2020-04-08"}

    response = login(secretariat).post(LIST, data, content_type="application/json")

    assert response.status_code == 400
    assert "non_field_errors" in response.json()
    assert RiskArea.objects.filter(city="武汉").count() == 1


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"level": "extreme"}, "level"),
        ({"effective_date": "23/01/2020"}, "effective_date"),
        ({"province": ""}, "province"),
    ],
)
def test_bad_input_is_400_naming_the_field(payload, field, secretariat, wuhan):
    response = login(secretariat).patch(detail(wuhan), payload, content_type="application/json")

    assert response.status_code == 400
    assert field in response.json()
    wuhan.refresh_from_db()
    assert (wuhan.level, str(wuhan.effective_date), wuhan.province) == ("high", "2020-01-23", "hubei")


def test_risk_areas_are_not_deleted(secretariat, wuhan):
    response = login(secretariat).delete(detail(wuhan))

    assert response.status_code == 405
    assert RiskArea.objects.filter(pk=wuhan.pk).exists()


def test_stale_if_match_is_412(secretariat, wuhan):
    client = login(secretariat)
    etag = client.get(detail(wuhan))["ETag"]
    client.patch(detail(wuhan), {"level": "medium"}, content_type="application/json")

    response = client.patch(
        detail(wuhan), {"level": "low"}, content_type="application/json", headers={"If-Match": etag}
    )

    assert response.status_code == 412
    wuhan.refresh_from_db()
    assert wuhan.level == "medium"


def test_list_query_count_does_not_grow_with_rows(request, org):
    client = api_client("read_key", request)
    for n in range(3):
        RiskAreaFactory(city=f"城市{n}")
    client.get(LIST)
    few = query_count(client, LIST)
    for n in range(3, 30):
        RiskAreaFactory(city=f"城市{n}")

    assert query_count(client, LIST) == few
