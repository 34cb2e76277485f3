import pytest
from django.utils import timezone

from members.models import ApiKey, MaterialCategory, Organisation

from ..api_helpers import API_ROLES, OWN_ORG_ROLES, api_client, key_client, login, query_count
from .factories import OrganisationFactory, make_api_key, valid_credit_code

# Declared, not only reached through fixtures, so pytest-django orders these before transactional tests.
pytestmark = pytest.mark.django_db

LIST = "/api/v1/organizations/"
PRIVATE = {"credit_code", "status", "address", "priority_guarantee", "joined_on"}


def detail(organisation) -> str:
    return f"/api/v1/organizations/{organisation.slug}/"


def results(response) -> dict[str, dict]:
    return {row["slug"]: row for row in response.json()["results"]}


# --- reading -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", API_ROLES)
def test_list_shows_private_fields_only_of_own_organisation(role, request, org, other_org):
    org.address = "武汉市东湖高新区"
    org.save()
    response = api_client(role, request).get(LIST)

    if role == "anonymous":
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == "Bearer"
        return
    assert response.status_code == 200
    rows = results(response)
    assert {org.slug, other_org.slug} <= set(rows)
    assert rows[org.slug]["name_en"] == "Wuhan Test Fab Co."
    own_private = role in OWN_ORG_ROLES or role == "secretariat"
    assert (set(rows[org.slug]) >= PRIVATE) is own_private
    if own_private:
        assert rows[org.slug]["address"] == "武汉市东湖高新区"
        assert rows[org.slug]["credit_code"] == org.credit_code
    other_private = role in ("other_user", "secretariat")
    assert (set(rows[other_org.slug]) >= PRIVATE) is other_private
    assert not (PRIVATE & set(rows[other_org.slug])) or other_private


def test_public_fields_are_all_there_with_category_codes(other_user, org):
    org.categories_consumed.set(MaterialCategory.objects.filter(code__in=["wafer", "gas"]))
    org.website = "https://fab.example.com"
    org.save()

    row = login(other_user).get(detail(org)).json()

    assert row == {
        "slug": org.slug,
        "name_zh": "武汉测试晶圆有限公司",
        "name_en": "Wuhan Test Fab Co.",
        "kind": "fab",
        "province": "hubei",
        "city": "武汉",
        "city_en": "Wuhan",
        "categories_supplied": [],
        "categories_consumed": ["wafer", "gas"],
        "website": "https://fab.example.com",
        "description_zh": "",
        "description_en": "",
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
    }


@pytest.mark.parametrize("role", API_ROLES)
def test_pending_organisation_is_seen_only_by_itself_and_the_secretariat(role, request, org):
    org.status = Organisation.Status.PENDING
    org.save()
    client = api_client(role, request)

    response = client.get(detail(org))
    listed = client.get(LIST)

    if role == "anonymous":
        assert response.status_code == listed.status_code == 401
    elif role in OWN_ORG_ROLES or role == "secretariat":
        assert response.status_code == 200
        assert response.json()["status"] == "pending"
        assert org.slug in results(listed)
    else:
        assert response.status_code == 404
        assert org.slug not in results(listed)


def test_retrieve_sends_an_etag(org_viewer, org):
    response = login(org_viewer).get(detail(org))

    assert response.status_code == 200
    assert response["ETag"].startswith('"') and len(response["ETag"]) > 10


def test_unknown_organisation_is_404(org_admin):
    response = login(org_admin).get("/api/v1/organizations/no-such-org/")

    assert response.status_code == 404
    assert "detail" in response.json()


# --- filters -------------------------------------------------------------------------------------------------


@pytest.fixture
def directory(org, other_org):
    wafer, gas = MaterialCategory.objects.get(code="wafer"), MaterialCategory.objects.get(code="gas")
    supplier = OrganisationFactory(
        slug="gas-supplier", name_en="Suzhou Gas Co.", province="jiangsu", city="苏州", city_en="Suzhou"
    )
    supplier.categories_supplied.set([gas])
    org.categories_consumed.set([gas, wafer])
    org.categories_supplied.set([gas])  # supplies and consumes it: still listed once
    other_org.categories_supplied.set([wafer])
    return {"org": org, "other_org": other_org, "supplier": supplier}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kind=fab", {"org"}),
        ("province=jiangsu", {"supplier"}),
        ("city=Suzhou", {"supplier"}),
        ("city=苏州", {"supplier"}),
        ("category=gas", {"org", "supplier"}),
        ("supplies=wafer", {"other_org"}),
        ("consumes=wafer", {"org"}),
        ("search=Suzhou Gas", {"supplier"}),
        ("search=晶圆", {"org"}),
    ],
)
def test_filters(query, expected, directory, org_viewer):
    response = login(org_viewer).get(f"{LIST}?{query}")

    assert response.status_code == 200
    slugs = [row["slug"] for row in response.json()["results"]]
    assert sorted(slugs) == sorted(directory[name].slug for name in expected)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("kind=bakery", "kind"),
        ("province=atlantis", "province"),
        ("category=unobtainium", "category"),
        ("updated_since=yesterday", "updated_since"),
        ("status=sleeping", "status"),
    ],
)
def test_bad_filter_value_is_400_naming_it(query, field, org_viewer):
    response = login(org_viewer).get(f"{LIST}?{query}")

    assert response.status_code == 400
    assert field in response.json()


def test_updated_since_lists_only_recent_changes(org_viewer, org, other_org):
    cutoff = timezone.now()
    other_org.name_en = "Renamed Co."
    other_org.save()

    response = login(org_viewer).get(LIST, {"updated_since": cutoff.isoformat()})

    assert response.status_code == 200
    assert list(results(response)) == [other_org.slug]


def test_status_filter_shows_staff_every_non_active_organisation(secretariat, org_viewer, org):
    pending = OrganisationFactory(status=Organisation.Status.PENDING)
    suspended = OrganisationFactory(status=Organisation.Status.SUSPENDED)

    staff_sees = login(secretariat).get(LIST, {"status": "pending"})
    member_sees = login(org_viewer).get(LIST, {"status": "suspended"})

    assert list(results(staff_sees)) == [pending.slug]
    assert suspended.slug not in results(member_sees)
    assert results(member_sees) == {}


def test_priority_guarantee_filter_is_for_the_secretariat_only(secretariat, org_admin, org, other_org):
    org.priority_guarantee = True
    org.save()

    staff = login(secretariat).get(LIST, {"priority_guarantee": "true"})
    member = login(org_admin).get(LIST, {"priority_guarantee": "true"})

    assert list(results(staff)) == [org.slug]
    assert member.status_code == 403
    assert member.json()["detail"]


def test_ordering_on_private_fields_is_ignored(other_user, org, other_org):
    org.priority_guarantee = True
    org.save()

    response = login(other_user).get(LIST, {"ordering": "-priority_guarantee"})

    # Sorting on the flag would put the Wuhan fab first and so reveal it; the list keeps its order by name.
    assert response.status_code == 200
    assert list(results(response)) == [other_org.slug, org.slug]


# --- updating ------------------------------------------------------------------------------------------------

PATCH_EXPECTED = {
    "secretariat": 200,
    "org_admin": 200,
    "write_key": 200,
    "org_member": 403,
    "org_viewer": 403,
    "read_key": 403,
    # An active member's record is public (GET 200): a caller who may not change it gets the rule's 403.
    "other_user": 403,
    "no_org_user": 403,
    "anonymous": 401,
}


@pytest.mark.parametrize("role", API_ROLES)
def test_patch_own_profile_by_role(role, request, org):
    response = api_client(role, request).patch(
        detail(org), {"name_en": "Wuhan Renamed Fab", "address": "1 Gaoxin Road"}, content_type="application/json"
    )

    assert response.status_code == PATCH_EXPECTED[role], response.content
    org.refresh_from_db()
    if response.status_code == 200:
        assert response.json()["name_en"] == "Wuhan Renamed Fab"
        assert response.json()["address"] == "1 Gaoxin Road"
        assert org.name_en == "Wuhan Renamed Fab"
    else:
        assert org.name_en == "Wuhan Test Fab Co."
        assert "detail" in response.json()


def test_put_sets_the_profile(org_admin, org):
    data = {
        "name_zh": "武汉新名称有限公司",
        "name_en": "Wuhan New Name Co.",
        "credit_code": org.credit_code.lower(),
        "province": "hubei",
        "city": "武汉",
        "categories_consumed": ["wafer", "photoresist"],
    }

    response = login(org_admin).put(detail(org), data, content_type="application/json")

    assert response.status_code == 200, response.content
    assert response.json()["categories_consumed"] == ["wafer", "photoresist"]
    org.refresh_from_db()
    assert org.name_zh == "武汉新名称有限公司"
    assert set(org.categories_consumed.values_list("code", flat=True)) == {"wafer", "photoresist"}


def test_put_needs_every_required_field(org_admin, org):
    response = login(org_admin).put(detail(org), {"name_en": "Only this"}, content_type="application/json")

    assert response.status_code == 400
    assert {"name_zh", "credit_code", "province", "city"} <= set(response.json())
    org.refresh_from_db()
    assert org.name_en == "Wuhan Test Fab Co."


@pytest.mark.parametrize(
    ("field", "value"),
    [("status", "suspended"), ("priority_guarantee", True), ("kind", "supplier"), ("slug", "new-slug")],
)
def test_member_admin_cannot_change_staff_only_fields(field, value, org_admin, org):
    response = login(org_admin).patch(
        detail(org), {field: value, "name_en": "Should Not Save"}, content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json() == {field: ["Only the secretariat can change this field."]}
    org.refresh_from_db()
    assert org.name_en == "Wuhan Test Fab Co."
    assert getattr(org, field) != value


def test_member_admin_may_send_staff_only_fields_unchanged(org_admin, org):
    current = login(org_admin).get(detail(org)).json()

    response = login(org_admin).patch(
        detail(org),
        {"kind": current["kind"], "status": current["status"], "website": "https://new.example.com"},
        content_type="application/json",
    )

    assert response.status_code == 200, response.content
    assert response.json()["website"] == "https://new.example.com"


def test_secretariat_sets_priority_guarantee(secretariat, org):
    response = login(secretariat).patch(detail(org), {"priority_guarantee": True}, content_type="application/json")

    assert response.status_code == 200
    assert response.json()["priority_guarantee"] is True
    org.refresh_from_db()
    assert org.priority_guarantee is True


def test_secretariat_approving_through_the_api_sets_the_joining_date(secretariat):
    pending = OrganisationFactory(status=Organisation.Status.PENDING, joined_on=None)

    response = login(secretariat).patch(detail(pending), {"status": "active"}, content_type="application/json")

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "active"
    assert response.json()["joined_on"] == timezone.localdate().isoformat()


def test_secretariat_withdrawing_through_the_api_revokes_the_keys(secretariat, org):
    key, _raw = make_api_key(org)

    response = login(secretariat).patch(detail(org), {"status": "withdrawn"}, content_type="application/json")

    assert response.status_code == 200, response.content
    key.refresh_from_db()
    assert key.revoked_at is not None


@pytest.mark.parametrize(("start", "target"), [("withdrawn", "active"), ("active", "pending")])
def test_status_changes_the_services_refuse_are_400_on_status(start, target, secretariat):
    organisation = OrganisationFactory(status=start)

    response = login(secretariat).patch(detail(organisation), {"status": target}, content_type="application/json")

    assert response.status_code == 400
    assert list(response.json()) == ["status"]
    organisation.refresh_from_db()
    assert organisation.status == start


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"credit_code": "91420100MA4K0000X1"}, "credit_code"),
        ({"credit_code": "123"}, "credit_code"),
        ({"website": "not a url"}, "website"),
        ({"province": "atlantis"}, "province"),
        ({"name_zh": ""}, "name_zh"),
        ({"categories_supplied": ["unobtainium"]}, "categories_supplied"),
    ],
)
def test_bad_input_is_400_naming_the_field_and_saves_nothing(payload, field, org_admin, org):
    before = Organisation.objects.values().get(pk=org.pk)

    response = login(org_admin).patch(detail(org), payload, content_type="application/json")

    assert response.status_code == 400
    assert field in response.json()
    assert Organisation.objects.values().get(pk=org.pk) == before


def test_credit_code_of_another_organisation_is_refused(org_admin, org, other_org):
    response = login(org_admin).patch(
        detail(org), {"credit_code": other_org.credit_code.lower()}, content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json() == {"credit_code": ["An organisation with this credit code is already registered."]}


def test_delete_is_not_allowed(secretariat, org):
    response = login(secretariat).delete(detail(org))

    assert response.status_code == 405
    assert Organisation.objects.filter(pk=org.pk).exists()


def test_post_to_a_record_is_not_allowed(secretariat, org):
    assert login(secretariat).post(detail(org), {}, content_type="application/json").status_code == 405


def test_change_made_with_a_key_is_recorded_in_history_under_the_key(org):
    key, raw = make_api_key(org, scope=ApiKey.Scope.WRITE, name="ERP")

    response = key_client(raw).patch(detail(org), {"name_en": "Via ERP"}, content_type="application/json")

    assert response.status_code == 200
    last = org.history.first()
    assert last.name_en == "Via ERP"
    assert last.history_user is None
    assert last.history_change_reason == f"API key {key.prefix} (ERP)"


def test_change_made_in_a_session_is_recorded_under_the_user(org_admin, org):
    login(org_admin).patch(detail(org), {"name_en": "By hand"}, content_type="application/json")

    assert org.history.first().history_user == org_admin


# --- ETag / If-Match -----------------------------------------------------------------------------------------


def test_update_with_current_etag_succeeds_and_returns_a_new_one(org_admin, org):
    client = login(org_admin)
    etag = client.get(detail(org))["ETag"]

    response = client.patch(
        detail(org), {"name_en": "Fresh"}, content_type="application/json", headers={"If-Match": etag}
    )

    assert response.status_code == 200
    assert response["ETag"] != etag
    assert client.get(detail(org))["ETag"] == response["ETag"]


def test_update_with_stale_etag_is_412_and_changes_nothing(org_admin, secretariat, org):
    client = login(org_admin)
    etag = client.get(detail(org))["ETag"]
    login(secretariat).patch(detail(org), {"address": "changed meanwhile"}, content_type="application/json")

    response = client.patch(
        detail(org), {"name_en": "Stale"}, content_type="application/json", headers={"If-Match": etag}
    )

    assert response.status_code == 412
    assert "changed since you read it" in response.json()["detail"]
    org.refresh_from_db()
    assert org.name_en == "Wuhan Test Fab Co."
    assert org.address == "changed meanwhile"


@pytest.mark.parametrize(("if_match", "status"), [("*", 200), ('"nonsense"', 412), ("W/nonsense", 412)])
def test_if_match_forms(if_match, status, org_admin, org):
    response = login(org_admin).patch(
        detail(org), {"name_en": "X"}, content_type="application/json", headers={"If-Match": if_match}
    )

    assert response.status_code == status


# --- creating ------------------------------------------------------------------------------------------------


def new_organisation(**overrides) -> dict:
    data = {
        "slug": "new-member",
        "name_zh": "新成员有限公司",
        "name_en": "New Member Co.",
        "credit_code": valid_credit_code(424242),
        "kind": "supplier",
        "province": "jiangsu",
        "city": "无锡",
        "city_en": "Wuxi",
        "categories_supplied": ["target"],
    }
    data.update(overrides)
    return data


CREATE_EXPECTED = dict.fromkeys(API_ROLES, 403) | {"secretariat": 201, "anonymous": 401}


@pytest.mark.parametrize("role", API_ROLES)
def test_create_is_for_the_secretariat_only(role, request, org):
    response = api_client(role, request).post(LIST, new_organisation(), content_type="application/json")

    assert response.status_code == CREATE_EXPECTED[role], response.content
    created = Organisation.objects.filter(slug="new-member").first()
    if role == "secretariat":
        assert response.json()["slug"] == "new-member"
        assert response.json()["status"] == "pending"
        assert response.json()["categories_supplied"] == ["target"]
        assert created.credit_code == valid_credit_code(424242)
    else:
        assert created is None


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"credit_code": valid_credit_code(424242)[:-1] + "0"}, "credit_code"),
        ({"credit_code": "ABCDEFGHIJKLMNOPQI"}, "credit_code"),
        ({"slug": None}, "slug"),
        ({"kind": None}, "kind"),
        ({"name_zh": None}, "name_zh"),
        ({"credit_code": None}, "credit_code"),
    ],
)
def test_create_with_bad_or_missing_field_is_400_naming_it(overrides, field, secretariat):
    data = {key: value for key, value in new_organisation(**overrides).items() if value is not None}

    response = login(secretariat).post(LIST, data, content_type="application/json")

    assert response.status_code == 400
    assert field in response.json()
    assert not Organisation.objects.filter(slug=data.get("slug", "new-member")).exists()


def test_create_with_duplicate_credit_code_is_400(secretariat, other_org):
    response = login(secretariat).post(
        LIST, new_organisation(credit_code=f"  {other_org.credit_code.lower()} "), content_type="application/json"
    )

    assert response.status_code == 400
    assert list(response.json()) == ["credit_code"]
    assert Organisation.objects.filter(credit_code=other_org.credit_code).count() == 1


def test_create_with_malformed_json_is_400(secretariat):
    response = login(secretariat).post(LIST, '{"slug": "x",', content_type="application/json")

    assert response.status_code == 400
    assert "JSON" in response.json()["detail"]


def test_create_retried_with_idempotency_key_creates_one(secretariat):
    client = login(secretariat)
    headers = {"Idempotency-Key": "create-new-member-1"}

    first = client.post(LIST, new_organisation(), content_type="application/json", headers=headers)
    again = client.post(LIST, new_organisation(), content_type="application/json", headers=headers)

    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Organisation.objects.filter(slug="new-member").count() == 1


# --- query counts --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["secretariat", "org_viewer", "read_key"])
def test_list_query_count_does_not_grow_with_rows(role, request, org):
    client = api_client(role, request)
    categories = list(MaterialCategory.objects.all()[:3])

    def add(count):
        for _ in range(count):
            organisation = OrganisationFactory()
            organisation.categories_supplied.set(categories[:2])
            organisation.categories_consumed.set(categories[2:])

    add(3)
    client.get(LIST)  # the first call of a key records its use; later ones within a minute do not
    few = query_count(client, LIST)
    add(27)
    many = query_count(client, LIST)

    assert few == many


def test_users_of_a_suspended_organisation_read_their_record_but_change_nothing(org_admin, org):
    org.status = Organisation.Status.SUSPENDED
    org.save()
    client = login(org_admin)

    read = client.get(detail(org))
    changed = client.patch(detail(org), {"name_en": "Still here"}, content_type="application/json")

    assert read.status_code == 200
    assert read.json()["status"] == "suspended"
    assert changed.status_code == 403
    org.refresh_from_db()
    assert org.name_en == "Wuhan Test Fab Co."


def test_secretariat_creating_an_active_member_approves_it(secretariat):
    response = login(secretariat).post(LIST, new_organisation(status="active"), content_type="application/json")

    assert response.status_code == 201, response.content
    assert response.json()["status"] == "active"
    assert response.json()["joined_on"] == timezone.localdate().isoformat()
