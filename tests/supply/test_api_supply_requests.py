"""`/api/v1/supply-requests/`: who sees which request (and which part of it), the priority order, filters, filing a
request and editing a draft (If-Match), with constant query counts."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from alliance_portal.models import IdempotencyKey
from members.models import RiskArea
from members.rules import Actor
from supply import services
from supply.models import RequestTransition, SupplyRequest

from ..api_helpers import login, query_count
from ..members.factories import RiskAreaFactory, SiteFactory
from .factories import SupplyRequestFactory, category
from .helpers import (
    FAB_ROLES,
    ROLES,
    SUPPLIER_ROLES,
    TODAY,
    S,
    new_request_body,
    post,
    request_fields,
    snapshot,
    supply_client,
)

# Declared, not only reached through fixtures, so pytest-django orders these before transactional tests.
pytestmark = pytest.mark.django_db

LIST = "/api/v1/supply-requests/"


def detail(supply_request) -> str:
    return f"{LIST}{supply_request.pk}/"


def materials(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["material"] for row in response.json()["results"]}


@pytest.fixture
def other_fab_site(other_fab):
    return SiteFactory(organisation=other_fab, province="shanghai", city="上海", city_en="Shanghai")


@pytest.fixture
def other_fab_actor(other_fab, other_fab_user):
    return Actor(user=other_fab_user, organisation=other_fab, role="admin")


def file(actor, site, material, *, submit=True, approve_by=None, **overrides):
    fields = request_fields(site, material=material, **overrides)
    supply_request = services.supply_request_create(actor=actor, submit=submit, **fields)
    if approve_by is not None:
        supply_request = services.supply_request_transition(
            request=supply_request, to_status=S.APPROVED, actor=approve_by
        )
    return supply_request


@pytest.fixture
def cast(fab_actor, fab_site, other_fab_actor, other_fab_site, secretariat_actor):
    """Requests of both fabs in several states, named by their material."""
    file(fab_actor, fab_site, "own draft", submit=False)
    file(fab_actor, fab_site, "own submitted")
    file(fab_actor, fab_site, "own approved", approve_by=secretariat_actor)
    file(other_fab_actor, other_fab_site, "other draft", submit=False)
    file(other_fab_actor, other_fab_site, "other approved resist", approve_by=secretariat_actor)
    file(
        other_fab_actor,
        other_fab_site,
        "other approved wafer",
        approve_by=secretariat_actor,
        category=category("wafer"),
        un_number="",
        unit="pcs",
    )
    rejected = file(other_fab_actor, other_fab_site, "other rejected")
    services.supply_request_transition(
        request=rejected, to_status=S.REJECTED, actor=secretariat_actor, reason="No longer needed"
    )


ALL = {
    "own draft",
    "own submitted",
    "own approved",
    "other draft",
    "other approved resist",
    "other approved wafer",
    "other rejected",
}
OWN = {"own draft", "own submitted", "own approved"}


def visible_to(role: str) -> set[str]:
    if role == "secretariat":
        return ALL
    if role in FAB_ROLES:
        return OWN
    if role == "other_fab_user":
        return {m for m in ALL if m.startswith("other")}
    if role in SUPPLIER_ROLES:
        # Approved and in a category it supplies (photoresist, gases).
        return {"own approved", "other approved resist"}
    if role == "partner_key":
        return {"own submitted", "own approved", "other approved resist", "other approved wafer"}
    return set()


# --- reading -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_list_shows_each_caller_only_what_it_may_see(role, request, cast):
    response = supply_client(role, request).get(LIST, {"page_size": 100})

    if role == "anonymous":
        assert response.status_code == 401
        return
    assert materials(response) == visible_to(role)


@pytest.mark.parametrize("role", ROLES)
def test_a_draft_is_seen_only_by_its_fab_and_the_secretariat(role, request, draft):
    response = supply_client(role, request).get(detail(draft))

    expected = 200 if role == "secretariat" or role in FAB_ROLES else 404
    assert response.status_code == (401 if role == "anonymous" else expected)


def test_a_supplier_still_sees_a_request_it_committed_to_after_it_closed(request, approved, supplier_actor, fab_actor):
    services.commitment_create(request=approved, actor=supplier_actor, quantity=Decimal(5), expected_ship_date=TODAY())
    services.supply_request_transition(request=approved, to_status=S.CANCELLED, actor=fab_actor, reason="Found stock")

    response = supply_client("supplier_user", request).get(detail(approved))

    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"


@pytest.mark.parametrize("role", ["secretariat", "org_viewer", "read_key"])
def test_the_fab_and_the_secretariat_see_the_private_part(role, request, approved, secretariat_actor):
    services.supply_request_override_priority(
        request=approved, priority=500, reason="Line 2 stops tonight", actor=secretariat_actor
    )

    body = supply_client(role, request).get(detail(approved)).json()

    assert body["justification"] == "Line 2 stops without it."
    assert body["override_reason"] == "Line 2 stops tonight"


@pytest.mark.parametrize("role", ["supplier_user", "supplier_key", "partner_key"])
def test_others_see_only_the_public_part(role, request, approved, secretariat_actor):
    services.supply_request_override_priority(
        request=approved, priority=500, reason="Line 2 stops tonight", actor=secretariat_actor
    )

    body = supply_client(role, request).get(detail(approved)).json()

    assert "justification" not in body
    assert "override_reason" not in body
    assert body["priority"] == body["priority_override"] == 500
    assert body["material"] == "KrF photoresist"


def test_retrieve_shows_the_request_its_priority_and_why(org_admin, org, approved, fab_site):
    response = login(org_admin).get(detail(approved))

    assert response.status_code == 200
    assert response["ETag"]
    body = response.json()
    assert body["id"] == approved.pk
    assert body["organization"] == {"slug": org.slug, "name_zh": org.name_zh, "name_en": org.name_en}
    assert body["site"]["id"] == fab_site.pk
    assert (body["site"]["name_en"], body["site"]["province"], body["site"]["city"]) == ("Wuhan Fab 1", "hubei", "武汉")
    assert body["category"] == "photoresist"
    assert (body["material"], body["specification"], body["un_number"], body["storage"]) == (
        "KrF photoresist",
        "KrF 248 nm, 5 µm",
        "UN1866",
        "cold-chain",
    )
    assert (body["quantity"], body["unit"], body["days_of_stock"], body["urgency"]) == ("50.000", "L", 2, "critical")
    assert body["needed_by"] == (TODAY() + timedelta(days=20)).isoformat()
    assert body["status"] == "approved"
    assert body["risk_level"] == "high"
    # high-risk area 40, 2 days of stock 20, critical 20 (not a priority-guarantee fab; needed in 20 days).
    assert body["priority"] == body["priority_score"] == 80
    assert body["priority_override"] is None
    assert body["priority_parts"][0] == {"factor": "risk", "value": "high", "points": 40, "label": "high-risk area"}
    assert [p["factor"] for p in body["priority_parts"]] == ["risk", "stock", "urgency"]
    assert body["priority_explanation"] == "high-risk area +40, 2 days of stock +20, critical urgency +20"
    assert (body["qty_committed"], body["qty_in_transit"], body["qty_delivered"], body["remaining"]) == (
        "0.000",
        "0.000",
        "0.000",
        "50.000",
    )
    assert (body["committed_state"], body["delivered_state"], body["is_stale"]) == ("nothing", "nothing", False)
    assert body["submitted_at"] and body["confirmed_at"] and body["updated_at"]
    assert body["allowed_transitions"] == ["cancelled", "fulfilled"]


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("secretariat", ["approved", "rejected", "cancelled"]),
        ("org_member", ["cancelled"]),
        ("write_key", ["cancelled"]),
        ("org_viewer", []),
        ("read_key", []),
        ("partner_key", []),
    ],
)
def test_allowed_transitions_are_the_callers(role, allowed, request, submitted):
    body = supply_client(role, request).get(detail(submitted)).json()

    assert body["allowed_transitions"] == allowed


def test_explanation_follows_the_language_asked_for(org_admin, approved):
    client = login(org_admin)

    chinese = client.get(detail(approved), headers={"Accept-Language": "zh-hans"}).json()

    assert chinese["priority_explanation"] != "high-risk area +40, 2 days of stock +20, critical urgency +20"
    assert "+40" in chinese["priority_explanation"]


def test_stale_request_is_marked(org_admin, submitted):
    SupplyRequest.objects.filter(pk=submitted.pk).update(confirmed_at=timezone.now() - timedelta(days=8))

    assert login(org_admin).get(detail(submitted)).json()["is_stale"] is True


@pytest.mark.parametrize("path", [f"{LIST}abc/", f"{LIST}99999999999999999999999/"])
def test_malformed_or_huge_id_is_404(path, secretariat):
    assert login(secretariat).get(path).status_code == 404


# --- order and filters ---------------------------------------------------------------------------------------


def test_list_is_ordered_by_priority_highest_first(secretariat, fab_actor, fab_site, other_fab_actor, other_fab_site):
    file(other_fab_actor, other_fab_site, "low", urgency="normal", days_of_stock=30)
    file(fab_actor, fab_site, "high")  # high-risk Wuhan, critical, 2 days of stock
    file(other_fab_actor, other_fab_site, "middle", urgency="high", days_of_stock=5)

    rows = login(secretariat).get(LIST).json()["results"]

    assert [row["material"] for row in rows] == ["high", "middle", "low"]
    priorities = [row["priority"] for row in rows]
    assert priorities == sorted(priorities, reverse=True)


def test_an_override_moves_a_request_in_the_order(secretariat, fab_actor, fab_site, secretariat_actor):
    file(fab_actor, fab_site, "first")
    second = file(fab_actor, fab_site, "second", urgency="normal")
    services.supply_request_override_priority(
        request=second, priority=999, reason="Minister asked", actor=secretariat_actor
    )

    rows = login(secretariat).get(LIST).json()["results"]

    assert [row["material"] for row in rows] == ["second", "first"]


def test_ordering_can_be_chosen(secretariat, fab_actor, fab_site):
    file(fab_actor, fab_site, "later", needed_by=TODAY() + timedelta(days=30))
    file(fab_actor, fab_site, "sooner", needed_by=TODAY() + timedelta(days=3), urgency="normal")

    rows = login(secretariat).get(LIST, {"ordering": "needed_by"}).json()["results"]

    assert [row["material"] for row in rows] == ["sooner", "later"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "draft"}, {"own draft", "other draft"}),
        ({"status": "approved"}, {"own approved", "other approved resist", "other approved wafer"}),
        ({"open": "true"}, {"own submitted", "own approved", "other approved resist", "other approved wafer"}),
        ({"open": "false"}, {"own draft", "other draft", "other rejected"}),
        ({"category": "wafer"}, {"other approved wafer"}),
        ({"province": "shanghai"}, {m for m in ALL if m.startswith("other")}),
        ({"city": "Wuhan"}, OWN),
        ({"city": "上海"}, {m for m in ALL if m.startswith("other")}),
        ({"risk_level": "high"}, OWN),
        ({"risk_level": "low"}, {m for m in ALL if m.startswith("other")}),
        ({"risk_level": "medium"}, set()),
        ({"urgency": "normal"}, set()),
        ({"urgency": "critical"}, ALL),
        ({"organization": "no-such-org"}, set()),
        ({"stale": "false"}, ALL),
        ({"stale": "true"}, set()),
        ({"search": "wafer"}, {"other approved wafer"}),
    ],
)
def test_filters(query, expected, secretariat, cast):
    assert materials(login(secretariat).get(LIST, {**query, "page_size": 100})) == expected


def test_filter_by_organization(secretariat, cast, other_fab):
    response = login(secretariat).get(LIST, {"organization": other_fab.slug, "status": "draft"})

    assert materials(response) == {"other draft"}


def test_risk_level_follows_the_current_risk_area(secretariat, cast):
    RiskAreaFactory(province="shanghai", city="上海", city_en="Shanghai", level="medium")

    response = login(secretariat).get(LIST, {"risk_level": "medium", "page_size": 100})

    assert materials(response) == {m for m in ALL if m.startswith("other")}
    assert {row["risk_level"] for row in response.json()["results"]} == {"medium"}


def test_filter_stale(secretariat, fab_actor, fab_site):
    old = file(fab_actor, fab_site, "not reconfirmed")
    file(fab_actor, fab_site, "fresh")
    file(fab_actor, fab_site, "old draft", submit=False)
    SupplyRequest.objects.filter(material__in=["not reconfirmed", "old draft"]).update(
        confirmed_at=timezone.now() - timedelta(days=8)
    )
    client = login(secretariat)

    assert materials(client.get(LIST, {"stale": "true"})) == {old.material}
    assert materials(client.get(LIST, {"stale": "false"})) == {"fresh", "old draft"}


def test_filter_updated_since_sees_changes_from_commitments(secretariat, approved, supplier_actor):
    cutoff = timezone.now()
    client = login(secretariat)
    assert materials(client.get(LIST, {"updated_since": cutoff.isoformat()})) == set()

    services.commitment_create(request=approved, actor=supplier_actor, quantity=Decimal(5), expected_ship_date=TODAY())

    assert materials(client.get(LIST, {"updated_since": cutoff.isoformat()})) == {approved.material}


def test_pages_follow_the_priority_order_without_a_total(secretariat):
    for priority in range(5):
        SupplyRequestFactory(priority=priority)
    client = login(secretariat)

    first = client.get(LIST, {"page_size": 2}).json()
    second = client.get(first["next"]).json()
    last = client.get(second["next"]).json()

    assert "count" not in first
    assert [row["priority"] for row in first["results"] + second["results"] + last["results"]] == [4, 3, 2, 1, 0]
    assert first["previous"] is None
    assert second["previous"].endswith("page_size=2")
    assert last["next"] is None
    assert client.get(last["previous"]).json() == second


@pytest.mark.parametrize("query", ["page=abc", "page=0", "page=-1", "page=999"])
def test_bad_page_is_404_not_500(query, secretariat, submitted):
    response = login(secretariat).get(f"{LIST}?{query}")

    assert response.status_code == 404
    assert response.json()["detail"]


def test_an_empty_list_is_one_empty_page(secretariat):
    assert login(secretariat).get(LIST).json() == {"next": None, "previous": None, "results": []}


def test_a_risk_level_change_shows_in_updated_since_and_the_etag(secretariat, approved, draft):
    client = login(secretariat)
    etag = client.get(detail(approved))["ETag"]
    cutoff = timezone.now()
    services.priority_recompute_bulk()  # nothing moved: nothing is marked changed

    assert materials(client.get(LIST, {"updated_since": cutoff.isoformat()})) == set()
    assert client.get(detail(approved))["ETag"] == etag

    area = RiskArea.objects.get(province="hubei", city="武汉")
    area.level = "low"
    area.save()

    changed = client.get(LIST, {"updated_since": cutoff.isoformat()})
    assert {row["id"] for row in changed.json()["results"]} == {approved.pk, draft.pk}
    assert client.get(detail(approved))["ETag"] != etag
    assert client.get(detail(approved)).json()["risk_level"] == "low"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("status=lost", "status"),
        ("category=no-such-category", "category"),
        ("province=atlantis", "province"),
        ("risk_level=extreme", "risk_level"),
        ("urgency=whenever", "urgency"),
        ("updated_since=2020-13-45", "updated_since"),
        ("updated_since=yesterday", "updated_since"),
    ],
)
def test_bad_filter_value_is_400_naming_it(query, field, secretariat):
    response = login(secretariat).get(f"{LIST}?{query}")

    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.parametrize("role", ["secretariat", "org_admin", "supplier_user", "partner_key", "other_fab_user"])
def test_list_query_count_does_not_grow_with_rows(role, request, org, other_fab, secretariat_actor, fab_site):
    client = supply_client(role, request)
    other_site = SiteFactory(organisation=other_fab, province="shanghai", city="上海")

    def add(n: int) -> None:
        for _ in range(n):
            SupplyRequestFactory(organisation=org, site=fab_site, status=S.APPROVED)
            SupplyRequestFactory(organisation=other_fab, site=other_site, status=S.SUBMITTED)
            SupplyRequestFactory(organisation=org, site=fab_site, status=S.DRAFT, submitted_at=None)

    add(3)
    client.get(LIST)
    few = query_count(client, LIST)
    add(27)

    many = query_count(client, LIST)

    assert few == many


def test_the_queue_is_one_query_for_its_rows(secretariat):
    client = login(secretariat)
    for _ in range(5):
        SupplyRequestFactory()
    client.get(LIST)

    with CaptureQueriesContext(connection) as queries:
        client.get(LIST, {"open": "true"})

    request_queries = [q["sql"] for q in queries if 'FROM "supply_supplyrequest"' in q["sql"]]
    # The page (no total is counted); no query per row.
    assert len(request_queries) == 1


# --- filing ------------------------------------------------------------------------------------------------------

CREATE_EXPECTED = {
    "org_admin": 201,
    "org_member": 201,
    "write_key": 201,
    "org_viewer": 403,
    "read_key": 403,
    "secretariat": 403,  # not a fab: it does not file requests
    "supplier_user": 403,
    "supplier_viewer": 403,
    "supplier_key": 403,
    "other_fab_user": 400,  # a fab, but the site is not one of its own
    "partner_key": 403,
    "no_org_user": 403,
    "anonymous": 401,
}


@pytest.mark.parametrize("role", ROLES)
def test_create_by_role(role, request, org, fab_site):
    response = post(supply_client(role, request), LIST, new_request_body(fab_site))

    assert response.status_code == CREATE_EXPECTED[role], response.content
    if response.status_code == 201:
        created = SupplyRequest.objects.get()
        assert created.organisation == org
        assert created.status == S.DRAFT
        assert response.json()["id"] == created.pk
        assert response.json()["status"] == "draft"
        assert response.json()["justification"] == "Line 2 stops without it."
    else:
        assert not SupplyRequest.objects.exists()
    if response.status_code == 400:
        assert "site" in response.json()


def test_create_and_submit_at_once(org_member, fab_site):
    response = post(login(org_member), LIST, new_request_body(fab_site, submit=True))

    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "submitted"
    assert body["priority"] == 80
    assert body["priority_explanation"] == "high-risk area +40, 2 days of stock +20, critical urgency +20"
    steps = list(RequestTransition.objects.values_list("from_status", "to_status", "by"))
    assert steps == [("", "draft", org_member.pk), ("draft", "submitted", org_member.pk)]


def test_create_with_a_key_records_the_key(request, fab_site):
    response = post(supply_client("write_key", request), LIST, new_request_body(fab_site, submit=True))

    assert response.status_code == 201
    step = RequestTransition.objects.last()
    assert step.by is None
    assert step.by_api_key.name == "write_key"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"quantity": "0"}, "quantity"),
        ({"quantity": "-5"}, "quantity"),
        ({"quantity": "a lot"}, "quantity"),
        ({"quantity": "1234567890123456"}, "quantity"),
        ({"un_number": "1866"}, "un_number"),
        ({"un_number": ""}, "un_number"),  # photoresists are hazardous goods
        ({"category": "medical-mask", "un_number": ""}, "category"),  # donations are separate
        ({"category": "no-such-category"}, "category"),
        ({"unit": "gallon"}, "unit"),
        ({"urgency": "yesterday"}, "urgency"),
        ({"storage": "fridge"}, "storage"),
        ({"needed_by": "next week"}, "needed_by"),
        ({"days_of_stock": -1}, "days_of_stock"),
        ({"days_of_stock": 10**12}, "days_of_stock"),
        ({"site": 999999}, "site"),
        ({"site": "abc"}, "site"),
        ({"material": ""}, "material"),
        ({"material": "x" * 201}, "material"),
        ({"submit": "perhaps"}, "submit"),
    ],
)
def test_create_with_bad_input_is_400_naming_the_field_and_saves_nothing(overrides, field, org_member, fab_site):
    response = post(login(org_member), LIST, new_request_body(fab_site, **overrides))

    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not SupplyRequest.objects.exists()


def test_create_with_missing_fields_names_each(org_member):
    response = post(login(org_member), LIST, {"material": "Only a name"})

    assert response.status_code == 400
    assert set(response.json()) == {"site", "category", "quantity", "unit", "needed_by", "days_of_stock"}


def test_an_inactive_site_is_refused(org_member, fab_site):
    fab_site.is_active = False
    fab_site.save()

    response = post(login(org_member), LIST, new_request_body(fab_site))

    assert response.status_code == 400
    assert "site" in response.json()
    assert not SupplyRequest.objects.exists()


def test_create_retried_with_idempotency_key_creates_one_request(request, org, fab_site):
    client = supply_client("write_key", request)
    body = new_request_body(fab_site, submit=True)

    first = post(client, LIST, body, **{"Idempotency-Key": "req-1"})
    second = post(client, LIST, body, **{"Idempotency-Key": "req-1"})

    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"
    assert SupplyRequest.objects.filter(organisation=org).count() == 1
    assert IdempotencyKey.objects.count() == 1


def test_list_refuses_put_and_delete(org_admin):
    client = login(org_admin)

    assert client.put(LIST, {}, content_type="application/json").status_code == 405
    assert client.delete(LIST).status_code == 405


# --- editing a draft ---------------------------------------------------------------------------------------------

UPDATE_EXPECTED = {
    "org_admin": 200,
    "org_member": 200,
    "write_key": 200,
    "org_viewer": 403,
    "read_key": 403,
    "secretariat": 403,  # sees the draft, but it is the fab's to edit
    "supplier_user": 404,
    "supplier_viewer": 404,
    "supplier_key": 404,
    "other_fab_user": 404,
    "partner_key": 403,  # a read key: refused before anything is looked up
    "no_org_user": 404,
    "anonymous": 401,
}


@pytest.mark.parametrize("role", ROLES)
def test_update_draft_by_role(role, request, draft):
    response = supply_client(role, request).patch(
        detail(draft), {"quantity": "60", "justification": "Both lines."}, content_type="application/json"
    )

    assert response.status_code == UPDATE_EXPECTED[role], response.content
    draft.refresh_from_db()
    if response.status_code == 200:
        assert response.json()["quantity"] == "60.000"
        assert response.json()["justification"] == "Both lines."
        assert response["ETag"]
        assert (draft.quantity, draft.justification) == (Decimal(60), "Both lines.")
    else:
        assert (draft.quantity, draft.justification) == (Decimal(50), "Line 2 stops without it.")


def test_update_recomputes_the_priority(org_member, draft):
    response = login(org_member).patch(detail(draft), {"urgency": "normal"}, content_type="application/json")

    assert response.status_code == 200
    assert response.json()["priority_score"] == 60
    draft.refresh_from_db()
    assert draft.priority_score == 60


def test_put_replaces_the_draft(org_member, draft, fab_site):
    body = new_request_body(fab_site, material="ArF photoresist", quantity="12.5")
    body.pop("submit", None)

    response = login(org_member).put(detail(draft), body, content_type="application/json")

    assert response.status_code == 200, response.content
    draft.refresh_from_db()
    assert (draft.material, draft.quantity, draft.status) == ("ArF photoresist", Decimal("12.5"), S.DRAFT)


@pytest.mark.parametrize("method", ["patch", "put"])
def test_submit_is_not_an_edit_but_a_400_naming_the_action(method, org_member, draft, fab_site):
    before = snapshot(draft)
    body = {"submit": True} if method == "patch" else new_request_body(fab_site, submit=True)

    response = getattr(login(org_member), method)(detail(draft), body, content_type="application/json")

    assert response.status_code == 400, response.content
    assert response.json()["submit"] == [
        "A draft is submitted with its own action (POST …/submit/), not by editing it."
    ]
    assert snapshot(draft) == before


def test_the_schema_offers_submit_on_create_only(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    operations = schema["paths"]["/api/v1/supply-requests/{id}/"]
    bodies = {
        method: operations[method]["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
        for method in ("put", "patch")
    }
    create = schema["paths"]["/api/v1/supply-requests/"]["post"]["requestBody"]["content"]["application/json"]
    components = schema["components"]["schemas"]

    assert "submit" in components[create["schema"]["$ref"].rsplit("/", 1)[1]]["properties"]
    for method, name in bodies.items():
        assert "submit" not in components[name]["properties"], method


@pytest.mark.parametrize("fixture", ["submitted", "approved"])
def test_a_request_past_draft_cannot_be_edited(fixture, request, org_member):
    supply_request = request.getfixturevalue(fixture)
    before = snapshot(supply_request)

    response = login(org_member).patch(detail(supply_request), {"quantity": "1"}, content_type="application/json")

    assert response.status_code == 409
    assert response.json()["code"] == "not_draft"
    assert "Only a draft can be edited" in response.json()["detail"]
    assert snapshot(supply_request) == before


@pytest.mark.parametrize(
    ("change", "field"),
    [({"quantity": "0"}, "quantity"), ({"un_number": "x"}, "un_number"), ({"site": 999999}, "site")],
)
def test_update_with_bad_input_is_400_and_changes_nothing(change, field, org_member, draft):
    before = snapshot(draft)

    response = login(org_member).patch(detail(draft), change, content_type="application/json")

    assert response.status_code == 400
    assert field in response.json()
    assert snapshot(draft) == before


def test_another_fabs_site_cannot_be_chosen(org_member, draft, other_fab):
    theirs = SiteFactory(organisation=other_fab)

    response = login(org_member).patch(detail(draft), {"site": theirs.pk}, content_type="application/json")

    assert response.status_code == 400
    assert "site" in response.json()


def test_stale_if_match_is_412_and_changes_nothing(org_member, draft):
    client = login(org_member)
    etag = client.get(detail(draft))["ETag"]
    client.patch(detail(draft), {"material": "Changed meanwhile"}, content_type="application/json")

    response = client.patch(
        detail(draft), {"quantity": "70"}, content_type="application/json", headers={"If-Match": etag}
    )

    assert response.status_code == 412
    draft.refresh_from_db()
    assert (draft.material, draft.quantity) == ("Changed meanwhile", Decimal(50))


def test_current_if_match_updates(org_member, draft):
    client = login(org_member)
    etag = client.get(detail(draft))["ETag"]

    response = client.patch(
        detail(draft), {"quantity": "70"}, content_type="application/json", headers={"If-Match": etag}
    )

    assert response.status_code == 200
    assert response["ETag"] != etag


def test_a_request_is_not_deleted(org_admin, draft):
    response = login(org_admin).delete(detail(draft))

    assert response.status_code == 405
    assert SupplyRequest.objects.filter(pk=draft.pk).exists()
