"""The commitment page with its shipment (every party to it: supplier, fab, carrier, secretariat; anyone else a 404),
the carrier's steps there, assigning the carrier, and the carriers' page of pledges and commitments together."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from supply.models import Shipment

from ..donations.factories import advance, goods_pledge, make_appeal
from ..refusals import assert_refused, suspended

PAGE_ROLES = {
    "secretariat": 200,
    "org_admin": 200,
    "org_viewer": 200,
    "supplier_user": 200,
    "carrier_user": 200,
    "carrier_viewer": 200,
    "other_carrier_user": 404,
    "other_fab_user": 404,
}


def _page(carried) -> str:
    return reverse("supply:commitment_detail", args=[carried.commitment_id])


@pytest.mark.parametrize(("role", "status"), PAGE_ROLES.items())
def test_the_commitment_page_is_for_every_party_to_it(request, client_for, carried, role, status):
    response = client_for(request.getfixturevalue(role)).get(_page(carried))
    assert response.status_code == status
    if status == 200:
        text = response.content.decode()
        assert "SDHG-1" in text and "UN1866" in text and "Cold chain" in text  # the timeline, dangerous goods
        assert "1250" not in text and "cold-chain freight" not in text  # no price, no notes


def test_anonymous_is_sent_to_sign_in_and_put_is_refused(client, client_for, carried, carrier_user):
    assert client.get(_page(carried)).status_code == 302
    assert client_for(carrier_user).put(_page(carried)).status_code == 405


def test_the_carrier_records_its_steps_on_the_page(client_for, carried, carrier_user):
    client = client_for(carrier_user)
    # Only the step the status allows is offered.
    assert client.get(_page(carried)).context["steps"] == ["pickup"]
    response = client.post(_page(carried), {"kind": "pickup", "place": "苏州", "note": ""})
    assert response.status_code == 302
    client.post(_page(carried), {"kind": "checkpoint", "place": "孝感检查站", "note": "放行"})
    response = client.get(_page(carried))
    assert "孝感检查站" in response.content.decode() and "放行" in response.content.decode()
    assert response.context["steps"] == ["checkpoint", "handover"]
    carried.refresh_from_db()
    assert carried.status == "in_transit" and carried.commitment.status == "shipped"


def test_a_checkpoint_without_a_place_is_a_field_error(client_for, carried, carrier_user):
    client = client_for(carrier_user)
    client.post(_page(carried), {"kind": "pickup"})
    response = client.post(_page(carried), {"kind": "checkpoint", "place": ""})
    assert response.status_code == 200 and response.context["form"].errors["place"]


def test_a_step_out_of_order_is_a_message_and_changes_nothing(client_for, carried, carrier_user):
    response = client_for(carrier_user).post(_page(carried), {"kind": "handover", "place": "x"}, follow=True)
    # handover is not offered before pick-up: the form refuses the choice.
    assert response.status_code == 200
    carried.refresh_from_db()
    assert carried.status == "planned" and not carried.checkpoints.exists()


@pytest.mark.parametrize("role", ["supplier_user", "org_admin", "carrier_viewer"])
def test_others_parties_see_the_timeline_but_record_no_step(request, client_for, carried, role):
    client = client_for(request.getfixturevalue(role))
    assert client.get(_page(carried)).context["steps"] == []
    response = client.post(_page(carried), {"kind": "pickup", "place": "x"})
    assert_refused(response)
    carried.refresh_from_db()
    assert carried.status == "planned"


def test_another_carrier_gets_a_404_for_a_post_too(client_for, carried, other_carrier_user):
    assert client_for(other_carrier_user).post(_page(carried), {"kind": "pickup"}).status_code == 404


def test_a_suspended_carrier_records_nothing(client_for, carried, carrier_org, carrier_user):
    suspended(carrier_org)
    assert_refused(client_for(User.objects.get(pk=carrier_user.pk)).post(_page(carried), {"kind": "pickup"}))
    assert Shipment.objects.get().status == "planned"


def test_the_fab_confirms_receipt_from_the_commitment_page(client_for, carried, carrier_actor, org_member):
    from supply import services  # noqa: PLC0415

    services.shipment_record_step(shipment=carried, actor=carrier_actor, kind="pickup")
    deliver = reverse("supply:commitment_deliver", args=[carried.commitment.request_id, carried.commitment_id])
    client = client_for(org_member)
    assert deliver in client.get(_page(carried)).content.decode()
    from django.utils import timezone  # noqa: PLC0415

    client.post(deliver, {"received_quantity": "20", "delivered_on": timezone.localdate().isoformat()})
    carried.refresh_from_db()
    assert carried.status == "received"
    assert "Receipt confirmed" in client.get(_page(carried)).content.decode()


# --- assigning the carrier -------------------------------------------------------------------------------------------


def _carrier_url(commitment) -> str:
    return reverse("supply:commitment_carrier", args=[commitment.pk])


def test_the_supplier_assigns_the_carrier_on_the_web(client_for, accepted, supplier_user, carrier_org):
    client = client_for(supplier_user)
    assert (
        _carrier_url(accepted) in client.get(reverse("supply:commitment_detail", args=[accepted.pk])).content.decode()
    )
    assert client.get(_carrier_url(accepted)).status_code == 200
    response = client.post(_carrier_url(accepted), {"carrier": carrier_org.slug, "tracking_number": "SD-9"})
    assert response.status_code == 302
    shipment = Shipment.objects.get()
    assert (shipment.carrier, shipment.tracking_number, shipment.un_number) == (carrier_org, "SD-9", "UN1866")


def test_only_logistics_members_are_offered(client_for, accepted, supplier_user, carrier_org, supplier_org):
    response = client_for(supplier_user).post(_carrier_url(accepted), {"carrier": supplier_org.slug})
    assert response.status_code == 200 and response.context["form"].errors["carrier"]
    assert not Shipment.objects.exists()


@pytest.mark.parametrize(
    ("role", "status"),
    [("org_admin", 403), ("carrier_user", 404), ("other_fab_user", 404), ("supplier_viewer", 403)],
)
def test_others_assign_no_carrier(request, client_for, accepted, carrier_org, role, status):
    client = client_for(request.getfixturevalue(role))
    assert client.get(_carrier_url(accepted)).status_code == status
    assert client.post(_carrier_url(accepted), {"carrier": carrier_org.slug}).status_code == status
    assert not Shipment.objects.exists()


def test_the_carrier_cannot_change_after_pick_up_a_message_says_why(
    client_for, carried, carrier_actor, supplier_user, partner
):
    from supply import services  # noqa: PLC0415

    services.shipment_record_step(shipment=carried, actor=carrier_actor, kind="pickup")
    response = client_for(supplier_user).post(_carrier_url(carried.commitment), {"carrier": partner.slug}, follow=True)
    assert any("picked the goods up" in str(m) for m in response.context["messages"])
    carried.refresh_from_db()
    assert carried.carrier.slug == "shunda-test"


# --- the carriers' page: pledges and commitments -------------------------------------------------------------------


def test_the_carrier_sees_both_kinds_on_one_page_and_nothing_else(
    client_for, carried, carrier_org, carrier_user, other_carrier_user, org
):
    pledge = advance(goods_pledge(org, make_appeal()), "dispatched", carrier=carrier_org)
    response = client_for(carrier_user).get(reverse("dashboard:shipments"))
    rows = response.context["rows"]
    assert {(row.kind, row.shipment.pk) for row in rows} == {("pledge", pledge.shipment.pk), ("commitment", carried.pk)}
    text = response.content.decode()
    assert _page(carried) in text and reverse("donations:shipment_detail", args=[pledge.shipment.pk]) in text
    assert client_for(other_carrier_user).get(reverse("dashboard:shipments")).context["rows"] == []


@pytest.mark.parametrize(("role", "status"), [("org_admin", 403), ("supplier_user", 403), ("secretariat", 200)])
def test_the_carriers_page_is_for_carriers_and_the_secretariat(request, client_for, carried, role, status):
    response = client_for(request.getfixturevalue(role)).get(reverse("dashboard:shipments"))
    assert response.status_code == status


def test_the_carrier_s_start_page_lists_the_commitment_shipment_to_update(client_for, carried, carrier_user):
    start = client_for(carrier_user).get("/start/")
    sections = {section.key: section for section in start.context["start"].waiting}
    assert [s.pk for s in sections["commitment_shipments"].rows] == [carried.pk]
    assert _page(carried) in start.content.decode()


def test_the_carrier_s_pages_make_the_same_queries_with_one_or_many_commitment_shipments(
    client_for, carried, carrier_org, carrier_user, supplier_org
):
    from django.db import connection  # noqa: PLC0415
    from django.test.utils import CaptureQueriesContext  # noqa: PLC0415

    from .factories import CommitmentFactory  # noqa: PLC0415

    client = client_for(carrier_user)

    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    small = [queries("/start/"), queries(reverse("dashboard:shipments"))]
    for n in range(6):
        more = CommitmentFactory(request=carried.commitment.request, supplier=supplier_org, status="accepted")
        Shipment.objects.create(commitment=more, carrier=carrier_org, tracking_number=f"SD-{n}")
    assert [queries("/start/"), queries(reverse("dashboard:shipments"))] == small
