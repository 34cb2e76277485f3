"""Commitments' shipments through the API: `commitment-shipments` (read and the carrier's steps) and `shipments`, the
one list of pledges' and commitments' shipments. Scoping (a carrier sees only what it carries), each role, the
contract (Idempotency-Key, ETag / If-Match, filters `carrier`, `status`, `updated_since`, `kind`)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from members.models import ApiKey, Membership
from supply.models import Shipment

from ..api_helpers import key_client, login
from ..donations.factories import advance, goods_pledge, make_appeal
from ..members.factories import MembershipFactory, make_api_key
from ..refusals import suspended
from .helpers import post, supply_client

LIST = "/api/v1/commitment-shipments/"
COMBINED = "/api/v1/shipments/"


def _client(role: str, request):
    if role == "carrier_user":
        return login(request.getfixturevalue("carrier_user"))
    if role == "carrier_viewer":
        return login(request.getfixturevalue("carrier_viewer"))
    if role == "other_carrier_user":
        return login(request.getfixturevalue("other_carrier_user"))
    if role in ("carrier_key", "carrier_read_key"):
        scope = ApiKey.Scope.WRITE if role == "carrier_key" else ApiKey.Scope.READ
        _key, raw = make_api_key(request.getfixturevalue("carrier_org"), scope=scope, name=role)
        return key_client(raw)
    return supply_client(role, request)


SEES = {
    "secretariat": True,
    "org_admin": True,
    "org_viewer": True,
    "read_key": True,
    "supplier_user": True,
    "supplier_key": True,
    "carrier_user": True,
    "carrier_viewer": True,
    "carrier_key": True,
    "other_carrier_user": False,
    "other_fab_user": False,
    "partner_key": False,
    "no_org_user": False,
}


@pytest.mark.parametrize(("role", "sees"), SEES.items())
def test_a_commitment_shipment_is_seen_by_its_parties_and_its_carrier_only(request, carried, role, sees):
    client = _client(role, request)
    listed = [s["id"] for s in client.get(LIST).json()["results"]]
    assert listed == ([carried.pk] if sees else [])
    assert client.get(f"{LIST}{carried.pk}/").status_code == (200 if sees else 404)
    combined = client.get(COMBINED).json()["results"]
    assert [(s["kind"], s["id"]) for s in combined] == ([("commitment", carried.pk)] if sees else [])


def test_anonymous_is_asked_to_sign_in(request, carried):
    assert _client("anonymous", request).get(LIST).status_code == 401
    assert _client("anonymous", request).get(COMBINED).status_code == 401


def test_the_carrier_sees_the_dangerous_goods_and_where_to_deliver_not_the_price(request, carried, fab_site):
    body = _client("carrier_user", request).get(f"{LIST}{carried.pk}/").json()
    assert (body["un_number"], body["storage_class"]) == ("UN1866", "冷链 / Cold chain")
    assert (body["material"], body["quantity"], body["unit"], body["category"]) == (
        "KrF photoresist",
        "20.000",
        "L",
        "photoresist",
    )
    assert body["deliver_to"]["name_zh"] == "武汉一厂" and body["carrier"]["slug"] == "shunda-test"
    assert body["kind"] == "commitment" and body["commitment"] == carried.commitment_id
    assert "unit_price" not in body and "notes" not in body


def test_the_carrier_sees_its_pledges_and_its_commitments_in_one_list(request, carried, carrier_org, org):
    pledge = advance(goods_pledge(org, make_appeal()), "dispatched", carrier=carrier_org)
    other = advance(goods_pledge(org, make_appeal()), "dispatched")  # carried by no member
    client = _client("carrier_user", request)
    results = client.get(COMBINED).json()["results"]
    assert [(s["kind"], s["id"]) for s in results] == [("pledge", pledge.shipment.pk), ("commitment", carried.pk)]
    # The pledge's shape is donations' own, with its kind.
    assert results[0]["pledge"] == pledge.pk and results[0]["donor"]["slug"] == org.slug
    assert other.shipment.pk not in [s["id"] for s in results if s["kind"] == "pledge"]
    # One page at a time, across both kinds.
    first = client.get(f"{COMBINED}?page_size=1").json()
    assert [s["kind"] for s in first["results"]] == ["pledge"] and first["next"]
    second = client.get(first["next"]).json()
    assert [s["kind"] for s in second["results"]] == ["commitment"] and second["next"] is None
    assert client.get(f"{COMBINED}?ordering=created_at").json()["results"][0]["kind"] == "commitment"


def test_the_combined_list_filters(request, carried, carrier_org, org):
    pledge = advance(goods_pledge(org, make_appeal()), "dispatched", carrier=carrier_org)
    client = _client("secretariat", request)

    def kinds(query: str) -> list:
        response = client.get(f"{COMBINED}?{query}")
        assert response.status_code == 200, response.content
        return [(s["kind"], s["id"]) for s in response.json()["results"]]

    both = [("pledge", pledge.shipment.pk), ("commitment", carried.pk)]
    assert kinds("carrier=shunda-test") == both
    assert kinds("carrier=nobody") == []
    assert kinds("kind=commitment") == [("commitment", carried.pk)]
    assert kinds("kind=pledge") == [("pledge", pledge.shipment.pk)]
    assert kinds(f"commitment={carried.commitment_id}") == [("commitment", carried.pk)]
    assert kinds(f"appeal={pledge.appeal_id}") == [("pledge", pledge.shipment.pk)]
    assert kinds("status=planned") == both
    assert kinds("status=in_transit") == []
    future = (timezone.now() + timedelta(hours=1)).isoformat()
    assert kinds(f"updated_since={future.replace('+', '%2B')}") == []
    assert client.get(f"{COMBINED}?kind=lorry").status_code == 400


def test_the_carrier_records_its_steps_through_the_api(request, carried):
    client = _client("carrier_key", request)
    url = f"{LIST}{carried.pk}/"
    etag = client.get(url)["ETag"]
    response = post(client, f"{url}pickup/", {"place": "苏州"}, **{"If-Match": etag, "Idempotency-Key": "p-1"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "picked_up" and response["ETag"] != etag
    # The same key again: the first answer, and nothing recorded twice.
    again = post(client, f"{url}pickup/", {"place": "苏州"}, **{"Idempotency-Key": "p-1"})
    assert again.status_code == 200 and carried.checkpoints.count() == 1
    # A stale If-Match: 412, nothing changes.
    stale = post(client, f"{url}checkpoint/", {"place": "孝感"}, **{"If-Match": etag})
    assert stale.status_code == 412 and carried.checkpoints.count() == 1
    assert post(client, f"{url}checkpoint/", {"place": "孝感", "note": "放行"}).status_code == 200
    assert post(client, f"{url}checkpoint/", {}).status_code == 400  # where?
    handed = post(client, f"{url}handover/", {"place": "武汉一厂"})
    assert handed.status_code == 200
    body = handed.json()
    assert [c["kind"] for c in body["checkpoints"]] == ["pickup", "checkpoint", "handover"]
    assert body["handed_over_at"]
    # Nothing after the hand-over but the fab's receipt.
    conflict = post(client, f"{url}checkpoint/", {"place": "x"})
    assert conflict.status_code == 409 and conflict.json()["code"] == "transition_not_allowed"


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("supplier_user", 403),
        ("org_admin", 403),
        ("carrier_viewer", 403),
        ("carrier_read_key", 403),
        ("other_carrier_user", 404),
        ("other_fab_user", 404),
        ("anonymous", 401),
    ],
)
def test_others_record_no_step(request, carried, role, status):
    response = post(_client(role, request), f"{LIST}{carried.pk}/pickup/", {"place": "x"})
    assert response.status_code == status, response.content
    carried.refresh_from_db()
    assert carried.status == "planned" and not carried.checkpoints.exists()


def test_a_suspended_carrier_records_nothing(request, carried, carrier_org):
    key = _client("carrier_key", request)
    suspended(carrier_org)
    refused = post(_client("carrier_user", request), f"{LIST}{carried.pk}/pickup/", {})
    assert refused.status_code == 403 and "suspended" in refused.json()["detail"]
    # Its keys stop working altogether.
    assert post(key, f"{LIST}{carried.pk}/pickup/", {}).status_code == 401
    assert Shipment.objects.get().status == "planned"


def test_the_fab_confirms_receipt_on_the_commitment(request, carried, carrier_actor):
    from supply import services  # noqa: PLC0415

    services.shipment_record_step(shipment=carried, actor=carrier_actor, kind="pickup")
    fab = _client("write_key", request)
    response = post(
        fab,
        f"/api/v1/commitments/{carried.commitment_id}/deliver/",
        {"received_quantity": "20", "delivered_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 200, response.content
    assert _client("carrier_user", request).get(f"{LIST}{carried.pk}/").json()["status"] == "received"


def test_a_member_of_the_carrier_sees_it_too(request, carried, carrier_org):
    other_member = MembershipFactory(organisation=carrier_org, role=Membership.Role.ADMIN).user
    assert [s["id"] for s in login(other_member).get(LIST).json()["results"]] == [carried.pk]


def test_the_supplier_assigns_the_carrier_through_the_api(request, accepted, carrier_org):
    client = _client("supplier_key", request)
    url = f"/api/v1/commitments/{accepted.pk}/carrier/"
    response = post(client, url, {"carrier": "shunda-test", "tracking_number": "SD-7"}, **{"Idempotency-Key": "c-1"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["kind"], body["carrier"]["slug"], body["tracking_number"], body["un_number"]) == (
        "commitment",
        "shunda-test",
        "SD-7",
        "UN1866",
    )
    replay = post(client, url, {"carrier": "shunda-test", "tracking_number": "SD-7"}, **{"Idempotency-Key": "c-1"})
    assert replay.json() == body
    assert Shipment.objects.count() == 1
    # Not a logistics member: 400 naming the field.
    wrong = post(client, url, {"carrier": request.getfixturevalue("supplier_org").slug})
    assert wrong.status_code == 400 and "carrier" in wrong.json()


@pytest.mark.parametrize(("role", "status"), [("org_admin", 403), ("carrier_user", 404), ("other_fab_user", 404)])
def test_others_assign_no_carrier_through_the_api(request, accepted, carrier_org, role, status):
    response = post(_client(role, request), f"/api/v1/commitments/{accepted.pk}/carrier/", {"carrier": "shunda-test"})
    assert response.status_code == status
    assert not Shipment.objects.exists()


def test_an_offer_gets_no_carrier_through_the_api(request, commitment, carrier_org):
    response = post(
        _client("supplier_user", request), f"/api/v1/commitments/{commitment.pk}/carrier/", {"carrier": "shunda-test"}
    )
    assert response.status_code == 409
