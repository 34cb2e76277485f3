import pytest
from django.utils import timezone

from members.models import Site

from ..api_helpers import API_ROLES, api_client, login, query_count
from .factories import SiteFactory

# Declared, not only reached through fixtures, so pytest-django orders these before transactional tests.
pytestmark = pytest.mark.django_db

LIST = "/api/v1/sites/"


def detail(site) -> str:
    return f"/api/v1/sites/{site.pk}/"


@pytest.fixture
def own_site(org):
    return SiteFactory(organisation=org, name_zh="一号晶圆厂", name_en="Fab 1", kind=Site.Kind.FAB)


@pytest.fixture
def others_site(other_org):
    return SiteFactory(
        organisation=other_org,
        name_zh="上海仓库",
        name_en="Shanghai Warehouse",
        kind=Site.Kind.WAREHOUSE,
        province="shanghai",
        city="上海",
        city_en="Shanghai",
    )


def new_site(**overrides) -> dict:
    data = {"name_zh": "二号工厂", "name_en": "Plant 2", "kind": "plant", "province": "hubei", "city": "武汉"}
    data.update(overrides)
    return data


# --- reading -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", API_ROLES)
def test_list_shows_only_own_organisations_sites(role, request, own_site, others_site):
    response = api_client(role, request).get(LIST)

    if role == "anonymous":
        assert response.status_code == 401
        return
    assert response.status_code == 200
    names = {row["name_en"] for row in response.json()["results"]}
    expected = {
        "secretariat": {"Fab 1", "Shanghai Warehouse"},
        "other_user": {"Shanghai Warehouse"},
        "no_org_user": set(),
    }.get(role, {"Fab 1"})
    assert names == expected


@pytest.mark.parametrize("role", API_ROLES)
def test_another_organisations_site_is_404(role, request, others_site):
    response = api_client(role, request).get(detail(others_site))

    expected = {"secretariat": 200, "other_user": 200, "anonymous": 401}.get(role, 404)
    assert response.status_code == expected
    if expected == 200:
        assert response.json()["organization"] == others_site.organisation.slug
        assert response["ETag"]


def test_retrieve_shows_the_site(org_viewer, own_site, org):
    response = login(org_viewer).get(detail(own_site))

    assert response.status_code == 200
    body = response.json()
    assert body["organization"] == org.slug
    assert body["name_zh"] == "一号晶圆厂"
    assert body["kind"] == "fab"
    assert body["is_active"] is True


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kind=fab", {"Fab 1"}),
        ("province=shanghai", {"Shanghai Warehouse"}),
        ("city=Wuhan", {"Fab 1"}),
        ("city=上海", {"Shanghai Warehouse"}),
        ("organization=org-does-not-exist", set()),
        ("is_active=false", set()),
    ],
)
def test_filters(query, expected, secretariat, own_site, others_site):
    response = login(secretariat).get(f"{LIST}?{query}")

    assert response.status_code == 200
    assert {row["name_en"] for row in response.json()["results"]} == expected


def test_filter_by_organization(secretariat, own_site, others_site, other_org):
    response = login(secretariat).get(LIST, {"organization": other_org.slug})

    assert [row["name_en"] for row in response.json()["results"]] == ["Shanghai Warehouse"]


def test_filter_updated_since(org_admin, own_site, org):
    cutoff = timezone.now()
    later = SiteFactory(organisation=org, name_en="Later")

    response = login(org_admin).get(LIST, {"updated_since": cutoff.isoformat()})

    assert [row["id"] for row in response.json()["results"]] == [later.pk]


@pytest.mark.parametrize(
    ("query", "field"),
    [("kind=castle", "kind"), ("province=x", "province"), ("updated_since=2020-13-45", "updated_since")],
)
def test_bad_filter_value_is_400_naming_it(query, field, org_admin):
    response = login(org_admin).get(f"{LIST}?{query}")

    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.parametrize("role", ["secretariat", "org_admin", "write_key"])
def test_list_query_count_does_not_grow_with_rows(role, request, org, other_org):
    client = api_client(role, request)
    for _ in range(3):
        SiteFactory(organisation=org)
        SiteFactory(organisation=other_org)
    client.get(LIST)
    few = query_count(client, LIST)
    for _ in range(27):
        SiteFactory(organisation=org)
        SiteFactory(organisation=other_org)

    many = query_count(client, LIST)

    assert few == many


# --- creating ------------------------------------------------------------------------------------------------

CREATE_EXPECTED = {
    "secretariat": 201,
    "org_admin": 201,
    "write_key": 201,
    "other_user": 201,  # for its own organisation
    "org_member": 403,
    "org_viewer": 403,
    "read_key": 403,
    "no_org_user": 403,
    "anonymous": 401,
}


@pytest.mark.parametrize("role", API_ROLES)
def test_create_by_role_goes_to_the_callers_organisation(role, request, org, other_org):
    data = new_site(organization=org.slug) if role == "secretariat" else new_site()

    response = api_client(role, request).post(LIST, data, content_type="application/json")

    assert response.status_code == CREATE_EXPECTED[role], response.content
    created = Site.objects.filter(name_en="Plant 2").first()
    if response.status_code == 201:
        owner = other_org if role == "other_user" else org
        assert created.organisation == owner
        assert response.json()["organization"] == owner.slug
        assert response.json()["id"] == created.pk
    else:
        assert created is None


def test_cannot_create_a_site_for_another_organisation(org_admin, other_org):
    response = login(org_admin).post(LIST, new_site(organization=other_org.slug), content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {"organization": ["Unknown organisation, or one you cannot add sites to."]}
    assert not Site.objects.exists()


def test_naming_own_organisation_is_fine(org_admin, org):
    response = login(org_admin).post(LIST, new_site(organization=org.slug), content_type="application/json")

    assert response.status_code == 201
    assert Site.objects.get().organisation == org


def test_secretariat_must_name_the_organisation(secretariat):
    response = login(secretariat).post(LIST, new_site(), content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {"organization": ["This field is required."]}


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name_zh": ""}, "name_zh"),
        ({"province": "atlantis"}, "province"),
        ({"kind": "castle"}, "kind"),
        ({"city": "x" * 61}, "city"),
    ],
)
def test_create_with_bad_input_is_400_naming_the_field(overrides, field, org_admin):
    response = login(org_admin).post(LIST, new_site(**overrides), content_type="application/json")

    assert response.status_code == 400
    assert field in response.json()
    assert not Site.objects.exists()


def test_create_with_missing_fields_names_each(org_admin):
    response = login(org_admin).post(LIST, {"name_en": "Only English"}, content_type="application/json")

    assert response.status_code == 400
    assert set(response.json()) == {"name_zh", "province", "city"}


def test_create_retried_with_idempotency_key_creates_one_site(request, org):
    client = api_client("write_key", request)
    headers = {"Idempotency-Key": "d8c4f1a2-site"}

    first = client.post(LIST, new_site(), content_type="application/json", headers=headers)
    second = client.post(LIST, new_site(), content_type="application/json", headers=headers)

    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert Site.objects.filter(organisation=org).count() == 1


# --- updating ------------------------------------------------------------------------------------------------

UPDATE_EXPECTED = {
    "secretariat": 200,
    "org_admin": 200,
    "write_key": 200,
    "org_member": 403,
    "org_viewer": 403,
    "read_key": 403,
    "other_user": 404,
    "no_org_user": 404,
    "anonymous": 401,
}


@pytest.mark.parametrize("role", API_ROLES)
def test_update_by_role(role, request, own_site):
    response = api_client(role, request).patch(
        detail(own_site), {"name_en": "Fab 1 (expanded)"}, content_type="application/json"
    )

    assert response.status_code == UPDATE_EXPECTED[role], response.content
    own_site.refresh_from_db()
    if response.status_code == 200:
        assert response.json()["name_en"] == "Fab 1 (expanded)"
        assert own_site.name_en == "Fab 1 (expanded)"
    else:
        assert own_site.name_en == "Fab 1"


def test_site_cannot_move_to_another_organisation(secretariat, own_site, other_org):
    response = login(secretariat).patch(
        detail(own_site), {"organization": other_org.slug}, content_type="application/json"
    )

    assert response.status_code == 400
    assert "organization" in response.json()
    own_site.refresh_from_db()
    assert own_site.organisation.slug != other_org.slug


def test_site_is_taken_out_of_use_not_deleted(org_admin, own_site):
    client = login(org_admin)

    deleted = client.delete(detail(own_site))
    deactivated = client.patch(detail(own_site), {"is_active": False}, content_type="application/json")

    assert deleted.status_code == 405
    assert deactivated.status_code == 200
    assert deactivated.json()["is_active"] is False
    own_site.refresh_from_db()
    assert own_site.is_active is False


def test_put_to_the_list_is_not_allowed(org_admin):
    assert login(org_admin).put(LIST, new_site(), content_type="application/json").status_code == 405


def test_stale_if_match_is_412(org_admin, own_site):
    client = login(org_admin)
    etag = client.get(detail(own_site))["ETag"]
    client.patch(detail(own_site), {"address": "新地址"}, content_type="application/json")

    response = client.patch(
        detail(own_site), {"name_en": "Late"}, content_type="application/json", headers={"If-Match": etag}
    )

    assert response.status_code == 412
    own_site.refresh_from_db()
    assert own_site.name_en == "Fab 1"
    assert own_site.address == "新地址"


@pytest.mark.parametrize("path", ["/api/v1/sites/abc/", "/api/v1/sites/99999999999999999999999/"])
def test_malformed_or_huge_id_is_404(path, secretariat):
    response = login(secretariat).get(path)

    assert response.status_code == 404
