"""appeals, pledges, shipments through the API: each role, each transition allowed and refused, the contract
(ETag / If-Match, Idempotency-Key, filters, uncounted pages, 403 before 409)."""

from decimal import Decimal

import pytest
from django.utils import timezone

from donations.models import Pledge
from members.models import ApiKey, Membership

from ..api_helpers import API_ROLES, api_client, key_client, login
from ..members.factories import MembershipFactory, OrganisationFactory, make_api_key
from ..refusals import assert_refused, suspended
from .factories import logistics_org

pytestmark = pytest.mark.django_db
ROLES = [*API_ROLES, "carrier", "carrier_key", "suspended_admin"]
OWN = {"org_admin", "org_member", "org_viewer", "read_key", "write_key"}
OWN_WRITERS = {"org_admin", "org_member", "write_key"}
# Read-only callers (or none in good standing): every write is a 403 before any record is read.
CANNOT_WRITE = {"read_key", "org_viewer", "no_org_user", "suspended_admin"}


@pytest.fixture
def caller(request, carrier_org, carrier_user):
    def _client(role: str):
        if role == "carrier":
            return login(carrier_user)
        if role == "carrier_key":
            return key_client(make_api_key(carrier_org, scope=ApiKey.Scope.WRITE)[1])
        if role == "suspended_admin":
            org = suspended(OrganisationFactory())
            return login(MembershipFactory(organisation=org, role=Membership.Role.ADMIN).user)
        return api_client(role, request)

    return _client


def post(client, url, body=None, **headers):
    return client.post(url, body or {}, content_type="application/json", headers=headers)


# --- appeals ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_appeals_are_read_by_every_signed_in_caller(caller, role, appeal, make_pledge):
    make_pledge("delivered")
    response = caller(role).get("/api/v1/appeals/")
    if role == "anonymous":
        assert response.status_code == 401
        return
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"next", "previous", "results"}
    masks = body["results"][0]["items"][0]
    assert (masks["category"], Decimal(masks["pledged"]), Decimal(masks["delivered"])) == ("medical-mask", 500, 500)


def test_a_draft_appeal_is_the_secretariats(caller, appeal):
    type(appeal).objects.filter(pk=appeal.pk).update(status="draft")
    assert caller("org_admin").get(f"/api/v1/appeals/{appeal.pk}/").status_code == 404
    assert caller("secretariat").get(f"/api/v1/appeals/{appeal.pk}/").status_code == 200


@pytest.mark.parametrize(
    "role, status", [("secretariat", 200), ("write_key", 403), ("org_viewer", 403), ("read_key", 403)]
)
def test_only_the_secretariat_closes_an_appeal(caller, role, status, appeal):
    response = post(caller(role), f"/api/v1/appeals/{appeal.pk}/close/")
    assert response.status_code == status
    appeal.refresh_from_db()
    assert (appeal.status == "closed") == (status == 200)


# --- pledges: who sees what ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_pledges_are_seen_by_their_parties_only(caller, role, make_pledge):
    pledge = make_pledge("dispatched")
    client = caller(role)
    listing = client.get("/api/v1/pledges/")
    detail = client.get(f"/api/v1/pledges/{pledge.pk}/")
    if role == "anonymous":
        assert listing.status_code == detail.status_code == 401
        return
    sees = role in OWN or role in ("secretariat", "carrier", "carrier_key")
    assert [p["id"] for p in listing.json()["results"]] == ([pledge.pk] if sees else [])
    assert detail.status_code == (200 if sees else 404)
    if sees:
        assert detail["ETag"] and detail.json()["shipment"]["carrier"]["slug"] == "shunda-test"


def test_filters_appeal_status_donor_carrier_updated_since(caller, make_pledge, appeal, org):
    dispatched = make_pledge("dispatched")
    pledged = make_pledge("pledged")
    client = caller("secretariat")

    def ids(query):
        response = client.get(f"/api/v1/pledges/?{query}")
        assert response.status_code == 200, response.content
        return [p["id"] for p in response.json()["results"]]

    assert ids("status=pledged") == [pledged.pk]
    assert ids("carrier=shunda-test") == [dispatched.pk]
    assert set(ids(f"donor={org.slug}&appeal={appeal.pk}")) == {pledged.pk, dispatched.pk}
    assert ids("donor=nobody") == []
    assert ids("updated_since=2099-01-01T00:00:00Z") == []
    assert client.get("/api/v1/pledges/?status=bogus").status_code == 400
    assert client.get("/api/v1/pledges/?updated_since=yesterday").status_code == 400


def test_pages_are_uncounted(caller, make_pledge):
    for _ in range(3):
        make_pledge("pledged")
    body = caller("secretariat").get("/api/v1/pledges/?page_size=2").json()
    assert "count" not in body and body["next"] and len(body["results"]) == 2


# --- pledges: creating --------------------------------------------------------------------------------------------


def goods_body(appeal):
    return {
        "appeal": appeal.pk,
        "kind": "goods",
        "lines": [
            {"category": "medical-mask", "specification": "GB 2626-2019 KN95", "quantity": "1000", "unit": "pcs"}
        ],
        "promised_date": timezone.localdate().isoformat(),
        "named_publicly": True,
    }


@pytest.mark.parametrize("role", ROLES)
def test_who_may_pledge_through_the_api(caller, role, appeal, org):
    response = post(caller(role), "/api/v1/pledges/", goods_body(appeal))
    if role == "anonymous":
        assert response.status_code == 401
    elif role in OWN_WRITERS or role in ("carrier", "carrier_key", "other_user"):
        assert response.status_code == 201, response.content
        assert response.json()["lines"][0]["quantity"] == "1000.000"
    elif role == "secretariat":
        # The secretariat records a pledge for a donor it names.
        assert_refused(response, 400)
        assert "donor" in response.json()
    else:
        assert_refused(response)
    assert Pledge.objects.exists() == (response.status_code == 201)


def test_the_secretariat_records_a_pledge_for_a_named_donor(caller, appeal, org):
    response = post(caller("secretariat"), "/api/v1/pledges/", {**goods_body(appeal), "donor": org.slug})
    assert response.status_code == 201 and response.json()["donor"]["slug"] == org.slug


def test_a_money_pledge_in_euros_records_the_cny_value(caller):
    body = {
        "beneficiary_name": "黄冈市中心医院",
        "kind": "money",
        "amount": "2000.00",
        "currency": "EUR",
        "exchange_rate": "7.85",
        "promised_date": timezone.localdate().isoformat(),
    }
    response = post(caller("write_key"), "/api/v1/pledges/", body)
    assert response.status_code == 201, response.content
    assert response.json()["amount_cny"] == "15700.00"


@pytest.mark.parametrize(
    "change, field",
    [
        ({"lines": []}, "lines"),
        ({"lines": [{"category": "wafer", "quantity": "1", "unit": "pcs"}]}, "lines"),
        ({"promised_date": "not a date"}, "promised_date"),
        ({"channel": "international"}, "origin_country"),
        ({"note": "x" * 3000}, "note"),
    ],
)
def test_bad_pledges_are_400s_naming_the_field(caller, appeal, change, field):
    response = post(caller("org_member"), "/api/v1/pledges/", {**goods_body(appeal), **change})
    assert response.status_code == 400, response.content
    assert field in str(response.json())


def test_a_closed_appeal_is_a_409(caller, appeal):
    from donations import services

    from .factories import secretariat_actor

    services.appeal_close(appeal=appeal, actor=secretariat_actor())
    # A closed appeal can still be named (it is public); pledging to it is a state conflict.
    response = post(caller("org_member"), "/api/v1/pledges/", goods_body(appeal))
    assert response.status_code == 409 and response.json()["code"] == "appeal_not_open"


def test_a_retried_pledge_with_its_idempotency_key_creates_one(caller, appeal):
    client = caller("write_key")
    first = post(client, "/api/v1/pledges/", goods_body(appeal), **{"Idempotency-Key": "pledge-1"})
    again = post(client, "/api/v1/pledges/", goods_body(appeal), **{"Idempotency-Key": "pledge-1"})
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true" and again.json()["id"] == first.json()["id"]
    assert Pledge.objects.count() == 1


def test_pledges_cannot_be_put_patched_or_deleted(caller, pledge):
    client = caller("secretariat")
    for method in ("put", "patch", "delete"):
        assert (
            getattr(client, method)(f"/api/v1/pledges/{pledge.pk}/", {}, content_type="application/json").status_code
            == 405
        )


# --- pledges: transitions -----------------------------------------------------------------------------------------

TRANSITIONS = [
    # action, status before, body, who may (roles), status after
    ("confirm", "pledged", {}, {"secretariat"}, "confirmed"),
    (
        "dispatch",
        "confirmed",
        {"carrier": "shunda-test", "tracking_number": "SF9"},
        {"secretariat"} | OWN_WRITERS,
        "dispatched",
    ),
    ("deliver", "dispatched", {}, {"secretariat"}, "delivered"),
    ("acknowledge", "delivered", {}, {"secretariat"}, "acknowledged"),
    ("cancel", "pledged", {"reason": "plant closed"}, {"secretariat"} | OWN_WRITERS, "cancelled"),
]


@pytest.mark.parametrize("action, before, body, allowed, after", TRANSITIONS)
@pytest.mark.parametrize("role", ROLES)
def test_each_transition_for_each_role(caller, role, make_pledge, action, before, body, allowed, after):
    pledge = make_pledge(before)
    response = post(caller(role), f"/api/v1/pledges/{pledge.pk}/{action}/", body)
    pledge.refresh_from_db()
    if role in allowed:
        assert response.status_code == 200, response.content
        assert response.json()["status"] == after == pledge.status
        assert response["ETag"]
        return
    sees = (
        role in OWN
        or role == "secretariat"
        or (role in ("carrier", "carrier_key") and before in ("dispatched", "delivered"))
    )
    if role == "anonymous":
        expected = 401
    elif role in CANNOT_WRITE:
        expected = 403  # refused before the pledge is even looked up
    else:
        expected = 403 if sees else 404
    assert_refused(response, expected)
    assert pledge.status == before


@pytest.mark.parametrize(
    "action, before",
    [("confirm", "confirmed"), ("deliver", "pledged"), ("acknowledge", "cancelled"), ("cancel", "delivered")],
)
def test_a_transition_not_allowed_is_a_409_and_changes_nothing(caller, make_pledge, action, before):
    pledge = make_pledge("pledged")
    if before == "cancelled":
        from donations import services

        from .factories import secretariat_actor

        pledge = services.pledge_cancel(pledge=pledge, actor=secretariat_actor(), reason="x")
    elif before != "pledged":
        from .factories import advance

        pledge = advance(pledge, before)
    body = {"reason": "late"} if action == "cancel" else {}
    response = post(caller("secretariat"), f"/api/v1/pledges/{pledge.pk}/{action}/", body)
    assert response.status_code == 409
    assert response.json()["code"] == "transition_not_allowed" and response.json()["status"] == before
    pledge.refresh_from_db()
    assert pledge.status == before


def test_the_right_is_checked_before_the_state(caller, make_pledge):
    # Confirming a delivered pledge would be a 409, but the donor may not confirm at all: 403.
    pledge = make_pledge("delivered")
    assert_refused(post(caller("write_key"), f"/api/v1/pledges/{pledge.pk}/confirm/"), 403)


def test_a_partial_delivery_through_the_api(caller, make_pledge):
    pledge = make_pledge("dispatched")
    line = pledge.lines.get()
    response = post(
        caller("secretariat"),
        f"/api/v1/pledges/{pledge.pk}/deliver/",
        {"lines": [{"line": line.pk, "received_quantity": "480"}]},
    )
    assert response.status_code == 200
    assert response.json()["lines"][0]["delivered_quantity"] == "480.000"


def test_a_stale_if_match_is_a_412_and_changes_nothing(caller, pledge):
    client = caller("secretariat")
    etag = client.get(f"/api/v1/pledges/{pledge.pk}/")["ETag"]
    Pledge.objects.filter(pk=pledge.pk).update(note="changed", updated_at=timezone.now())
    response = client.post(
        f"/api/v1/pledges/{pledge.pk}/confirm/", {}, content_type="application/json", headers={"If-Match": etag}
    )
    assert response.status_code == 412
    pledge.refresh_from_db()
    assert pledge.status == "pledged"
    fresh = client.get(f"/api/v1/pledges/{pledge.pk}/")["ETag"]
    assert (
        client.post(
            f"/api/v1/pledges/{pledge.pk}/confirm/", {}, content_type="application/json", headers={"If-Match": fresh}
        ).status_code
        == 200
    )


def test_a_retried_confirmation_replays_the_first_answer(caller, pledge):
    client = caller("secretariat")
    first = post(client, f"/api/v1/pledges/{pledge.pk}/confirm/", **{"Idempotency-Key": "c-1"})
    again = post(client, f"/api/v1/pledges/{pledge.pk}/confirm/", **{"Idempotency-Key": "c-1"})
    assert first.status_code == again.status_code == 200 and again["Idempotent-Replayed"] == "true"
    assert pledge.transitions.filter(to_status="confirmed").count() == 1


def test_customs_of_an_international_purchase(caller, make_pledge):
    pledge = make_pledge("confirmed", channel="international", origin_country="Korea")
    response = post(caller("org_member"), f"/api/v1/pledges/{pledge.pk}/customs/", {"customs_status": "declared"})
    assert response.status_code == 200 and response.json()["customs_status"] == "declared"


# --- shipments ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_shipments_are_seen_by_their_parties_and_the_carrier_only(caller, role, make_pledge):
    shipment = make_pledge("dispatched").shipment
    response = caller(role).get("/api/v1/shipments/")
    if role == "anonymous":
        assert response.status_code == 401
        return
    sees = role in OWN or role in ("secretariat", "carrier", "carrier_key")
    assert [s["id"] for s in response.json()["results"]] == ([shipment.pk] if sees else [])


def test_another_carrier_sees_nothing(make_pledge):
    make_pledge("dispatched")
    stranger = logistics_org(slug="other-carrier")
    client = key_client(make_api_key(stranger, scope=ApiKey.Scope.WRITE)[1])
    assert client.get("/api/v1/shipments/").json()["results"] == []
    assert client.get("/api/v1/pledges/").json()["results"] == []
    shipment = Pledge.objects.get().shipment
    assert (
        client.post(f"/api/v1/shipments/{shipment.pk}/pickup/", {}, content_type="application/json").status_code == 404
    )


@pytest.mark.parametrize("role", ROLES)
def test_who_records_a_pickup(caller, role, make_pledge):
    shipment = make_pledge("dispatched").shipment
    response = post(caller(role), f"/api/v1/shipments/{shipment.pk}/pickup/", {"place": "苏州"})
    shipment.refresh_from_db()
    if role in ("carrier", "carrier_key", "secretariat"):
        assert response.status_code == 200 and response.json()["status"] == "picked_up"
        assert response.json()["checkpoints"][0]["place"] == "苏州"
        return
    if role == "anonymous":
        expected = 401
    elif role in CANNOT_WRITE:
        expected = 403
    else:
        expected = 403 if role in OWN else 404
    assert_refused(response, expected)
    assert shipment.status == "planned"


def test_the_carrier_follows_the_whole_way_and_steps_out_of_order_are_409s(caller, make_pledge):
    shipment = make_pledge("dispatched").shipment
    client = caller("carrier_key")
    url = f"/api/v1/shipments/{shipment.pk}"
    assert post(client, f"{url}/handover/").status_code == 409
    assert post(client, f"{url}/pickup/").status_code == 200
    assert post(client, f"{url}/checkpoint/", {}).status_code == 400  # a checkpoint names its place
    assert post(client, f"{url}/checkpoint/", {"place": "G4 京港澳高速 孝感", "note": "检疫通过"}).status_code == 200
    final = post(client, f"{url}/handover/", {"place": "武汉"})
    assert final.status_code == 200 and [c["kind"] for c in final.json()["checkpoints"]] == [
        "pickup",
        "checkpoint",
        "handover",
    ]
    assert post(client, f"{url}/pickup/").status_code == 409


def test_dangerous_goods_keep_their_un_number_for_the_carrier(caller, make_pledge):
    pledge = make_pledge("confirmed")
    post(
        caller("secretariat"),
        f"/api/v1/pledges/{pledge.pk}/dispatch/",
        {"carrier": "shunda-test", "un_number": "UN1170", "storage_class": "3 易燃液体"},
    )
    shipment = caller("carrier").get(f"/api/v1/shipments/{Pledge.objects.get().shipment.pk}/").json()
    assert (shipment["un_number"], shipment["storage_class"]) == ("UN1170", "3 易燃液体")


def test_shipment_filters(caller, make_pledge):
    shipment = make_pledge("dispatched").shipment
    client = caller("secretariat")
    assert [s["id"] for s in client.get("/api/v1/shipments/?carrier=shunda-test&status=planned").json()["results"]] == [
        shipment.pk
    ]
    assert client.get("/api/v1/shipments/?status=received").json()["results"] == []


def test_lists_make_the_same_queries_for_few_or_many_records(caller, make_pledge, carrier_org):
    from ..api_helpers import query_count
    from .factories import make_appeal

    make_pledge("dispatched")
    client = caller("secretariat")
    few = {url: query_count(client, url) for url in ("/api/v1/pledges/", "/api/v1/shipments/", "/api/v1/appeals/")}
    for _ in range(4):
        make_pledge("dispatched")
        make_appeal()
    many = {url: query_count(client, url) for url in few}
    assert many == few


def test_the_appeal_list_page_makes_the_same_queries_for_few_or_many_appeals(client, make_pledge):
    from ..api_helpers import query_count
    from .factories import make_appeal

    make_pledge("delivered")
    few = query_count(client, "/donations/")
    for _ in range(4):
        make_appeal()
    assert query_count(client, "/donations/") == few


@pytest.mark.parametrize(
    "url",
    ["/api/v1/appeals/{appeal}/", "/api/v1/shipments/{shipment}/", "/api/v1/pledges/{pledge}/confirm/"],
)
def test_wrong_methods_are_405s(caller, make_pledge, appeal, url):
    pledge = make_pledge("dispatched")
    url = url.format(appeal=appeal.pk, shipment=pledge.shipment.pk, pledge=pledge.pk)
    client = caller("secretariat")
    methods = ("get", "put", "delete") if url.endswith("confirm/") else ("put", "patch", "delete")
    for method in methods:
        assert getattr(client, method)(url, {}, content_type="application/json").status_code == 405, method
    assert post(client, "/api/v1/shipments/").status_code == 405
