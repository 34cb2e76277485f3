"""`/api/v1/commitments/`: who sees which commitment (no supplier sees another's price or notes), committing without
over-allocation, and every step of a commitment's lifecycle against each role."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from alliance_portal.models import IdempotencyKey
from members.rules import Actor
from supply import services
from supply.models import Commitment, SupplyRequest

from ..api_helpers import login, query_count
from ..members.factories import MembershipFactory, SiteFactory
from .factories import CommitmentFactory, SupplierFactory, SupplyRequestFactory
from .helpers import FAB_ROLES, FAB_WRITERS_API, ROLES, SUPPLIER_ROLES, TODAY, C, S, post, snapshot, supply_client

# Declared, not only reached through fixtures, so pytest-django orders these before transactional tests.
pytestmark = pytest.mark.django_db

LIST = "/api/v1/commitments/"
SUPPLIER_WRITERS = {"supplier_user", "supplier_key"}


def detail(commitment) -> str:
    return f"{LIST}{commitment.pk}/"


def action_url(commitment, name: str) -> str:
    return f"{LIST}{commitment.pk}/{name}/"


def offer(supply_request, **overrides) -> dict:
    body = {
        "request": supply_request.pk,
        "quantity": "10",
        "expected_ship_date": (TODAY() + timedelta(days=3)).isoformat(),
        "unit_price": "1180.50",
        "currency": "CNY",
        "notes": "Ex works Suzhou.",
    }
    body.update(overrides)
    return body


@pytest.fixture
def rival(db):
    """Another supplier of photoresist, with a user."""
    supplier = SupplierFactory(name_en="Rival Resist Co.")
    user = MembershipFactory(organisation=supplier, role="admin").user
    return supplier, user


@pytest.fixture
def rival_commitment(approved, rival):
    supplier, user = rival
    return services.commitment_create(
        request=approved,
        actor=Actor(user=user, organisation=supplier, role="admin"),
        quantity=Decimal(5),
        expected_ship_date=TODAY(),
        unit_price=Decimal("999.00"),
        notes="Rival's secret discount.",
    )


@pytest.fixture
def other_fabs_commitment(other_fab, rival):
    theirs = SupplyRequestFactory(organisation=other_fab, site=SiteFactory(organisation=other_fab))
    return CommitmentFactory(request=theirs, supplier=rival[0], unit_price=Decimal(1), notes="Other fab's deal.")


# --- reading -----------------------------------------------------------------------------------------------------


def commitments_visible_to(role: str) -> set[str]:
    if role == "secretariat":
        return {"ours", "rival on our request", "rival on other fab"}
    if role in FAB_ROLES:
        return {"ours", "rival on our request"}
    if role in SUPPLIER_ROLES:
        return {"ours"}
    if role == "other_fab_user":
        return {"rival on other fab"}
    return set()


@pytest.mark.parametrize("role", ROLES)
def test_list_shows_each_caller_only_its_commitments(
    role, request, commitment, rival_commitment, other_fabs_commitment
):
    names = {
        commitment.pk: "ours",
        rival_commitment.pk: "rival on our request",
        other_fabs_commitment.pk: "rival on other fab",
    }

    response = supply_client(role, request).get(LIST)

    if role == "anonymous":
        assert response.status_code == 401
        return
    assert response.status_code == 200
    assert {names[row["id"]] for row in response.json()["results"]} == commitments_visible_to(role)


@pytest.mark.parametrize("role", ROLES)
def test_another_suppliers_commitment_is_404(role, request, rival_commitment):
    response = supply_client(role, request).get(detail(rival_commitment))

    expected = 200 if role == "secretariat" or role in FAB_ROLES else 404
    assert response.status_code == (401 if role == "anonymous" else expected)


def test_no_supplier_learns_another_suppliers_price_or_notes(request, commitment, rival_commitment, approved):
    client = supply_client("supplier_user", request)

    listed = client.get(LIST, {"request": approved.pk}).json()["results"]
    detailed = client.get(detail(rival_commitment))
    request_body = client.get(f"/api/v1/supply-requests/{approved.pk}/").content.decode()

    assert [row["id"] for row in listed] == [commitment.pk]
    assert detailed.status_code == 404
    assert "999" not in request_body
    assert "secret discount" not in request_body


def test_the_fab_sees_every_offer_with_its_price(org_viewer, commitment, rival_commitment):
    rows = login(org_viewer).get(LIST).json()["results"]

    assert {(row["supplier"]["name_en"], row["unit_price"], row["notes"]) for row in rows} == {
        ("Jiangsu Resist Co.", "1250.00", "Price includes cold-chain freight."),
        ("Rival Resist Co.", "999.00", "Rival's secret discount."),
    }


def test_retrieve_shows_the_commitment(org_admin, org, commitment, approved, supplier_org):
    response = login(org_admin).get(detail(commitment))

    assert response.status_code == 200
    assert response["ETag"]
    body = response.json()
    assert body["request"] == approved.pk
    assert body["fab"]["slug"] == org.slug
    assert body["supplier"] == {
        "slug": supplier_org.slug,
        "name_zh": "江苏光刻胶有限公司",
        "name_en": "Jiangsu Resist Co.",
    }
    assert (body["material"], body["quantity"], body["unit"]) == ("KrF photoresist", "20.000", "L")
    assert (body["unit_price"], body["currency"], body["status"]) == ("1250.00", "CNY", "offered")
    assert body["expected_ship_date"] == (TODAY() + timedelta(days=2)).isoformat()
    assert body["allowed_actions"] == ["accept", "decline"]


@pytest.mark.parametrize(
    ("role", "fixture", "allowed"),
    [
        ("supplier_user", "commitment", ["withdraw"]),
        ("supplier_viewer", "commitment", []),
        ("secretariat", "commitment", ["accept", "decline"]),
        ("org_viewer", "commitment", []),
        ("supplier_key", "accepted", ["ship", "withdraw"]),
        ("secretariat", "accepted", ["ship", "decline"]),
        ("org_member", "shipped", ["deliver"]),
        ("supplier_user", "shipped", []),
    ],
)
def test_allowed_actions_are_the_callers(role, fixture, allowed, request):
    commitment = request.getfixturevalue(fixture)

    assert supply_client(role, request).get(detail(commitment)).json()["allowed_actions"] == allowed


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "offered"}, {"ours", "rival"}),
        ({"status": "shipped"}, set()),
        ({"supplier": "no-such-supplier"}, set()),
    ],
)
def test_filters(query, expected, secretariat, commitment, rival_commitment):
    names = {commitment.pk: "ours", rival_commitment.pk: "rival"}

    rows = login(secretariat).get(LIST, query).json()["results"]

    assert {names[row["id"]] for row in rows} == expected


def test_filter_by_supplier_and_request(secretariat, commitment, rival_commitment, rival, other_fabs_commitment):
    client = login(secretariat)

    by_supplier = client.get(LIST, {"supplier": rival[0].slug}).json()["results"]
    by_request = client.get(LIST, {"request": commitment.request_id}).json()["results"]

    assert {row["id"] for row in by_supplier} == {rival_commitment.pk, other_fabs_commitment.pk}
    assert {row["id"] for row in by_request} == {commitment.pk, rival_commitment.pk}


def test_filter_updated_since(secretariat, commitment, rival_commitment, fab_actor, qualified):
    cutoff = timezone.now()
    services.commitment_accept(commitment=commitment, actor=fab_actor)

    rows = login(secretariat).get(LIST, {"updated_since": cutoff.isoformat()}).json()["results"]

    assert [row["id"] for row in rows] == [commitment.pk]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("status=lost", "status"),
        ("request=abc", "request"),
        ("request=1.5", "request"),
        ("updated_since=x", "updated_since"),
    ],
)
def test_bad_filter_value_is_400_naming_it(query, field, secretariat):
    response = login(secretariat).get(f"{LIST}?{query}")

    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.parametrize("role", ["secretariat", "org_admin", "supplier_user"])
def test_list_query_count_does_not_grow_with_rows(role, request, approved, supplier_org):
    client = supply_client(role, request)

    def add(n: int) -> None:
        for _ in range(n):
            CommitmentFactory(request=approved, supplier=supplier_org, quantity=Decimal(1))

    add(3)
    client.get(LIST)
    few = query_count(client, LIST)
    add(27)

    many = query_count(client, LIST)

    assert few == many


# --- committing --------------------------------------------------------------------------------------------------

CREATE_EXPECTED = {
    "supplier_user": 201,
    "supplier_key": 201,
    "supplier_viewer": 403,
    "secretariat": 403,  # not a supplier
    "org_admin": 403,
    "org_member": 403,
    "org_viewer": 403,
    "write_key": 403,
    "read_key": 403,
    "other_fab_user": 403,
    "partner_key": 403,
    "no_org_user": 403,
    "anonymous": 401,
}


@pytest.mark.parametrize("role", ROLES)
def test_create_by_role(role, request, approved, supplier_org):
    response = post(supply_client(role, request), LIST, offer(approved))

    assert response.status_code == CREATE_EXPECTED[role], response.content
    approved.refresh_from_db()
    if response.status_code == 201:
        created = Commitment.objects.get()
        assert (created.supplier, created.quantity, created.unit_price) == (
            supplier_org,
            Decimal(10),
            Decimal("1180.50"),
        )
        body = response.json()
        assert (body["id"], body["status"], body["notes"]) == (created.pk, "offered", "Ex works Suzhou.")
        assert approved.qty_committed == 10
    else:
        assert not Commitment.objects.exists()
        assert approved.qty_committed == 0


def test_supplier_cannot_commit_more_than_remaining(request, commitment, approved):
    client = supply_client("supplier_user", request)
    post(client, LIST, offer(approved, quantity="10"))
    before = snapshot(approved)

    response = post(client, LIST, offer(approved, quantity="21"))

    assert response.status_code == 409
    assert response.json() == {
        "detail": "Only 20 litres of this request are still open.",
        "code": "over_commitment",
        "remaining": "20.000",
    }
    assert snapshot(approved) == before
    assert Commitment.objects.count() == 2

    exact = post(client, LIST, offer(approved, quantity="20"))

    assert exact.status_code == 201
    approved.refresh_from_db()
    assert (approved.qty_committed, approved.remaining, approved.committed_state) == (50, 0, "complete")


def test_over_commitment_is_answered_in_chinese_when_asked(request, approved):
    client = supply_client("supplier_user", request)

    response = post(client, LIST, offer(approved, quantity="51"), **{"Accept-Language": "zh-hans"})

    assert response.status_code == 409
    assert response.json()["code"] == "over_commitment"
    assert "50" in response.json()["detail"]
    assert response.json()["detail"] != "Only 50 litres of this request are still open."


def test_a_closed_request_takes_no_commitment(request, commitment, approved, fab_actor):
    services.supply_request_transition(request=approved, to_status=S.CANCELLED, actor=fab_actor, reason="Found stock")

    response = post(supply_client("supplier_user", request), LIST, offer(approved))

    assert response.status_code == 409
    assert response.json()["code"] == "not_approved"
    assert Commitment.objects.count() == 1


@pytest.mark.parametrize("fixture", ["draft", "submitted"])
def test_a_request_the_supplier_cannot_see_is_400_naming_it(fixture, request):
    supply_request = request.getfixturevalue(fixture)

    response = post(supply_client("supplier_user", request), LIST, offer(supply_request))

    assert response.status_code == 400
    assert "request" in response.json()
    assert not Commitment.objects.exists()


def test_a_request_outside_the_suppliers_categories_is_400(request, approved):
    wafer_only = SupplierFactory(supplies=["wafer"])
    user = MembershipFactory(organisation=wafer_only, role="member").user

    response = post(login(user), LIST, offer(approved))

    assert response.status_code == 400
    assert "request" in response.json()
    assert not Commitment.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"quantity": "0"}, "quantity"),
        ({"quantity": "-1"}, "quantity"),
        ({"quantity": "lots"}, "quantity"),
        ({"quantity": "0.0001"}, "quantity"),
        ({"expected_ship_date": "2020-01-01"}, "expected_ship_date"),
        ({"expected_ship_date": "soon"}, "expected_ship_date"),
        ({"unit_price": "-1"}, "unit_price"),
        ({"unit_price": "free"}, "unit_price"),
        ({"currency": "yuan"}, "currency"),
        ({"request": 999999}, "request"),
        ({"request": "abc"}, "request"),
        ({"request": None}, "request"),
    ],
)
def test_create_with_bad_input_is_400_naming_the_field_and_saves_nothing(overrides, field, request, approved):
    response = post(supply_client("supplier_user", request), LIST, offer(approved, **overrides))

    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not Commitment.objects.exists()
    approved.refresh_from_db()
    assert approved.qty_committed == 0


def test_create_with_missing_fields_names_each(request, approved):
    response = post(supply_client("supplier_user", request), LIST, {"notes": "Only a note"})

    assert response.status_code == 400
    assert set(response.json()) == {"request", "quantity", "expected_ship_date"}


def test_currency_defaults_to_cny(request, approved):
    body = offer(approved)
    body.pop("currency")
    body.pop("unit_price")

    response = post(supply_client("supplier_user", request), LIST, body)

    assert response.status_code == 201
    assert (response.json()["currency"], response.json()["unit_price"]) == ("CNY", None)


def test_commitment_retried_with_idempotency_key_creates_one_row(request, approved):
    client = supply_client("supplier_key", request)

    first = post(client, LIST, offer(approved), **{"Idempotency-Key": "commit-7f3a"})
    second = post(client, LIST, offer(approved), **{"Idempotency-Key": "commit-7f3a"})

    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"
    assert Commitment.objects.count() == 1
    approved.refresh_from_db()
    assert approved.qty_committed == 10
    assert IdempotencyKey.objects.count() == 1


def test_a_refused_commitment_is_not_remembered_by_its_key(request, approved):
    client = supply_client("supplier_key", request)

    refused = post(client, LIST, offer(approved, quantity="60"), **{"Idempotency-Key": "commit-9"})
    accepted = post(client, LIST, offer(approved, quantity="50"), **{"Idempotency-Key": "commit-9"})

    assert (refused.status_code, accepted.status_code) == (409, 201)
    assert Commitment.objects.count() == 1


def test_commitments_are_not_changed_or_deleted_directly(request, commitment):
    client = supply_client("supplier_user", request)

    assert client.patch(detail(commitment), {"quantity": "1"}, content_type="application/json").status_code == 405
    assert client.put(detail(commitment), {}, content_type="application/json").status_code == 405
    assert client.delete(detail(commitment)).status_code == 405
    assert client.put(LIST, {}, content_type="application/json").status_code == 405


# --- the lifecycle ---------------------------------------------------------------------------------------------

SHIP = {"carrier": "顺达物流", "tracking_number": "SD-2020-0131", "shipped_on": None}


def ship_body() -> dict:
    return {**SHIP, "shipped_on": TODAY().isoformat()}


def deliver_body(quantity="20") -> dict:
    return {"received_quantity": quantity, "delivered_on": TODAY().isoformat()}


# (action, the fixture it acts on, body, who succeeds, status after)
ACTIONS = [
    ("accept", "commitment", {}, FAB_WRITERS_API | {"secretariat"}, C.ACCEPTED),
    ("decline", "commitment", {"reason": "Not qualified yet"}, FAB_WRITERS_API | {"secretariat"}, C.DECLINED),
    ("withdraw", "commitment", {"reason": "Line down"}, SUPPLIER_WRITERS, C.WITHDRAWN),
    ("ship", "accepted", "ship", SUPPLIER_WRITERS | {"secretariat"}, C.SHIPPED),
    ("deliver", "shipped", "deliver", FAB_WRITERS_API | {"secretariat"}, C.DELIVERED),
]
SEES_THE_COMMITMENT = {"secretariat", *FAB_ROLES, *SUPPLIER_ROLES}


def resolve(body):
    return ship_body() if body == "ship" else deliver_body() if body == "deliver" else body


def expected_status(role: str, winners: set[str]) -> int:
    if role == "anonymous":
        return 401
    if role in ("read_key", "partner_key"):
        return 403  # a read key is refused before anything is looked up
    if role not in SEES_THE_COMMITMENT:
        return 404
    return 200 if role in winners else 403


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "fixture", "body", "winners", "after"), ACTIONS)
def test_action_by_role(name, fixture, body, winners, after, role, request, qualified):
    commitment = request.getfixturevalue(fixture)
    before = snapshot(commitment)
    request_before = snapshot(commitment.request)

    response = post(supply_client(role, request), action_url(commitment, name), resolve(body))

    expected = expected_status(role, winners)
    assert response.status_code == expected, response.content
    commitment.refresh_from_db()
    if expected == 200:
        assert response.json()["status"] == after
        assert commitment.status == after
    else:
        assert snapshot(commitment) == before
        assert snapshot(commitment.request) == request_before


# Every step a commitment's status does not allow: 409, and nothing changes.
REFUSED = [
    ("commitment", "ship"),
    ("commitment", "deliver"),
    ("accepted", "accept"),
    ("accepted", "deliver"),
    ("shipped", "accept"),
    ("shipped", "decline"),
    ("shipped", "withdraw"),
    ("shipped", "ship"),
    ("delivered", "accept"),
    ("delivered", "decline"),
    ("delivered", "withdraw"),
    ("delivered", "ship"),
    ("delivered", "deliver"),
    ("withdrawn", "accept"),
    ("withdrawn", "decline"),
    ("withdrawn", "withdraw"),
    ("withdrawn", "ship"),
    ("withdrawn", "deliver"),
]
BODIES = {
    "accept": {},
    "decline": {"reason": "x"},
    "withdraw": {"reason": "x"},
    "ship": "ship",
    "deliver": "deliver",
}


@pytest.fixture
def delivered(shipped, fab_actor):
    return services.commitment_deliver(
        commitment=shipped, actor=fab_actor, received_quantity=Decimal(20), delivered_on=TODAY()
    )


@pytest.fixture
def withdrawn(commitment, supplier_actor):
    return services.commitment_withdraw(commitment=commitment, actor=supplier_actor, reason="Line down")


@pytest.mark.parametrize(("fixture", "name"), REFUSED)
def test_steps_the_status_does_not_allow_are_409_and_change_nothing(fixture, name, request, qualified):
    commitment = request.getfixturevalue(fixture)
    before = snapshot(commitment)
    request_before = snapshot(commitment.request)
    # Someone who may take this step in the right status: only the supplier withdraws.
    client = supply_client("supplier_user" if name == "withdraw" else "secretariat", request)

    response = post(client, action_url(commitment, name), resolve(BODIES[name]))

    assert response.status_code == 409, response.content
    assert response.json()["code"] == "transition_not_allowed"
    assert response.json()["status"] == before["status"]
    assert snapshot(commitment) == before
    assert snapshot(commitment.request) == request_before


@pytest.mark.parametrize("name", ["accept", "decline", "withdraw", "ship", "deliver"])
def test_actions_refuse_get(name, secretariat, commitment):
    assert login(secretariat).get(action_url(commitment, name)).status_code == 405


def test_accepting_an_unqualified_supplier_is_409(org_member, commitment):
    before = snapshot(commitment)

    response = post(login(org_member), action_url(commitment, "accept"))

    assert response.status_code == 409
    assert response.json()["code"] == "not_qualified"
    assert snapshot(commitment) == before


def test_the_whole_lifecycle_rolls_up_on_the_request(request, approved, qualified):
    supplier = supply_client("supplier_user", request)
    fab = supply_client("org_member", request)

    created = post(supplier, LIST, offer(approved, quantity="50")).json()
    accepted = post(fab, f"{LIST}{created['id']}/accept/")
    shipped = post(supplier, f"{LIST}{created['id']}/ship/", ship_body())
    in_transit = fab.get(f"/api/v1/supply-requests/{approved.pk}/").json()
    delivered = post(fab, f"{LIST}{created['id']}/deliver/", deliver_body("45"))

    assert (accepted.status_code, shipped.status_code, delivered.status_code) == (200, 200, 200)
    assert (shipped.json()["carrier"], shipped.json()["tracking_number"]) == ("顺达物流", "SD-2020-0131")
    assert in_transit["qty_in_transit"] == "50.000"
    assert delivered.json()["delivered_quantity"] == "45.000"
    after = fab.get(f"/api/v1/supply-requests/{approved.pk}/").json()
    assert (after["qty_committed"], after["qty_in_transit"], after["qty_delivered"]) == ("45.000", "0.000", "45.000")
    assert (after["remaining"], after["delivered_state"]) == ("5.000", "partial")
    refused = post(fab, f"/api/v1/supply-requests/{approved.pk}/fulfil/")
    assert refused.status_code == 409


def test_withdrawing_releases_the_quantity(request, commitment, approved):
    response = post(
        supply_client("supplier_user", request), action_url(commitment, "withdraw"), {"reason": "Line down"}
    )

    assert response.status_code == 200
    assert response.json()["reason"] == "Line down"
    approved.refresh_from_db()
    assert approved.qty_committed == 0


@pytest.mark.parametrize("name", ["decline", "withdraw"])
@pytest.mark.parametrize("body", [{}, {"reason": "  "}])
def test_declining_or_withdrawing_needs_a_reason(name, body, request, secretariat, commitment):
    role = "supplier_user" if name == "withdraw" else "org_member"
    before = snapshot(commitment)

    response = post(supply_client(role, request), action_url(commitment, name), body)

    assert response.status_code == 400
    assert "reason" in response.json()
    assert snapshot(commitment) == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"carrier": "", "tracking_number": "T1", "shipped_on": "2020-02-01"}, "carrier"),
        ({"carrier": "顺达", "tracking_number": "   ", "shipped_on": "2020-02-01"}, "tracking_number"),
        ({"carrier": "顺达", "tracking_number": "T1"}, "shipped_on"),
        ({"carrier": "顺达", "tracking_number": "T1", "shipped_on": "2999-01-01"}, "shipped_on"),
        ({"carrier": "x" * 101, "tracking_number": "T1", "shipped_on": "2020-02-01"}, "carrier"),
    ],
)
def test_shipping_with_bad_input_is_400_and_changes_nothing(body, field, request, accepted):
    before = snapshot(accepted)

    response = post(supply_client("supplier_user", request), action_url(accepted, "ship"), body)

    assert response.status_code == 400
    assert field in response.json()
    assert snapshot(accepted) == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"received_quantity": "21", "delivered_on": None}, "received_quantity"),
        ({"received_quantity": "-1", "delivered_on": None}, "received_quantity"),
        ({"received_quantity": "some", "delivered_on": None}, "received_quantity"),
        ({"received_quantity": "20"}, "delivered_on"),
        ({"received_quantity": "20", "delivered_on": "2999-01-01"}, "delivered_on"),
        ({"received_quantity": "20", "delivered_on": "2000-01-01"}, "delivered_on"),  # before it was shipped
    ],
)
def test_delivering_with_bad_input_is_400_and_changes_nothing(body, field, org_member, shipped):
    if "delivered_on" in body and body["delivered_on"] is None:
        body = {**body, "delivered_on": TODAY().isoformat()}
    before = snapshot(shipped)
    request_before = snapshot(shipped.request)

    response = post(login(org_member), action_url(shipped, "deliver"), body)

    assert response.status_code == 400, response.content
    assert field in response.json()
    assert snapshot(shipped) == before
    assert snapshot(shipped.request) == request_before


def test_an_action_retried_with_idempotency_key_answers_the_same(org_member, commitment, qualified):
    client = login(org_member)

    first = post(client, action_url(commitment, "accept"), {}, **{"Idempotency-Key": "accept-1"})
    second = post(client, action_url(commitment, "accept"), {}, **{"Idempotency-Key": "accept-1"})

    assert first.status_code == second.status_code == 200
    assert second.json() == first.json()


def test_a_declined_commitment_frees_the_quantity_for_others(request, commitment, approved, rival):
    post(supply_client("org_member", request), action_url(commitment, "decline"), {"reason": "Not qualified"})
    supplier, user = rival

    response = post(login(user), LIST, offer(approved, quantity="50"))

    assert response.status_code == 201
    approved.refresh_from_db()
    assert approved.qty_committed == 50
    assert SupplyRequest.objects.get(pk=approved.pk).remaining == 0
