"""A commitment's shipment through supply.services: the carrier is assigned by the supplier or the secretariat; the
carrier records pick-up (which ships an accepted commitment), checkpoints and hand-over; the fab's confirmed delivery
marks it received. Every step allowed and refused, for each role, another organisation, a suspended one and nobody."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.utils import translation

from alliance_portal.errors import ConflictError
from alliance_portal.shipping import CheckpointKind
from members.models import Contact
from members.rules import Actor, actor_for_user
from notices.alerts import registry
from notices.alerts.models import Alert
from notices.models import Event
from supply import services
from supply.models import Commitment, Shipment, SupplyRequest

from ..refusals import refused_by_service, suspended
from .helpers import TODAY

C = Commitment.Status
PICKUP, CHECKPOINT, HANDOVER = CheckpointKind.PICKUP, CheckpointKind.CHECKPOINT, CheckpointKind.HANDOVER


def _actor(request, name: str) -> Actor:
    if name == "anonymous":
        return Actor()
    return actor_for_user(request.getfixturevalue(name))


def _state(shipment: Shipment) -> tuple:
    shipment.refresh_from_db()
    return shipment.status, shipment.carrier_id, shipment.checkpoints.count(), shipment.commitment.status


# --- assigning the carrier -------------------------------------------------------------------------------------------


def test_the_supplier_assigns_a_logistics_member_and_the_carrier_sees_the_dangerous_goods(carried, carrier_org):
    assert (carried.carrier, carried.status, carried.tracking_number) == (carrier_org, "planned", "SDHG-1")
    # The request's UN number and storage, in both languages, so the carrier can read them.
    assert (carried.un_number, carried.storage_class) == ("UN1866", "冷链 / Cold chain")


def test_the_secretariat_assigns_and_the_carrier_can_change_until_pick_up(
    carried, secretariat_actor, partner, carrier_actor
):
    services.commitment_assign_carrier(commitment=carried.commitment, actor=secretariat_actor, carrier=partner)
    carried.refresh_from_db()
    assert carried.carrier == partner and Shipment.objects.count() == 1


@pytest.mark.parametrize(
    ("who", "code"),
    [
        ("org_admin", "not_your_part"),
        ("other_fab_user", "other_organisation"),
        ("carrier_user", "other_organisation"),
        ("supplier_viewer", "read_only"),
        ("anonymous", "no_organisation"),
    ],
)
def test_only_the_supplier_and_the_secretariat_assign_the_carrier(request, accepted, carrier_org, who, code):
    with refused_by_service(code):
        services.commitment_assign_carrier(commitment=accepted, actor=_actor(request, who), carrier=carrier_org)
    assert not Shipment.objects.exists()


def test_a_suspended_supplier_assigns_nothing(accepted, supplier_user, supplier_org, carrier_org):
    suspended(supplier_org)
    with refused_by_service("organisation_not_in_good_standing"):
        services.commitment_assign_carrier(
            commitment=accepted, actor=actor_for_user(User.objects.get(pk=supplier_user.pk)), carrier=carrier_org
        )
    assert not Shipment.objects.exists()


def test_an_offer_not_yet_accepted_gets_no_carrier(commitment, supplier_actor, carrier_org):
    with pytest.raises(ConflictError):
        services.commitment_assign_carrier(commitment=commitment, actor=supplier_actor, carrier=carrier_org)
    assert not Shipment.objects.exists()


def test_the_carrier_must_be_a_logistics_member_in_good_standing(accepted, supplier_actor, supplier_org, carrier_org):
    with pytest.raises(ValidationError) as caught:
        services.commitment_assign_carrier(commitment=accepted, actor=supplier_actor, carrier=supplier_org)
    assert "carrier" in caught.value.message_dict
    suspended(carrier_org)
    with pytest.raises(ValidationError):
        services.commitment_assign_carrier(commitment=accepted, actor=supplier_actor, carrier=carrier_org)
    assert not Shipment.objects.exists()


def test_the_carrier_cannot_change_once_the_goods_are_picked_up(carried, carrier_actor, supplier_actor, partner):
    services.shipment_record_step(shipment=carried, actor=carrier_actor, kind=PICKUP, place="苏州")
    with pytest.raises(ConflictError) as caught:
        services.commitment_assign_carrier(commitment=carried.commitment, actor=supplier_actor, carrier=partner)
    assert caught.value.code == "shipment_under_way"
    carried.refresh_from_db()
    assert carried.carrier.slug == "shunda-test"


# --- the carrier's steps ---------------------------------------------------------------------------------------------


def test_the_carrier_picks_up_passes_checkpoints_and_hands_over(carried, carrier_actor, approved):
    services.shipment_record_step(shipment=carried, actor=carrier_actor, kind=PICKUP, place="苏州工厂")
    carried.refresh_from_db()
    commitment = carried.commitment
    commitment.refresh_from_db()
    approved.refresh_from_db()
    # The pick-up ships the accepted commitment: the request counts it in transit.
    assert (carried.status, commitment.status) == ("picked_up", "shipped")
    assert (commitment.carrier, commitment.tracking_number, commitment.shipped_on) == (
        "顺达测试物流 Shunda Test Logistics",
        "SDHG-1",
        TODAY(),
    )
    assert approved.qty_in_transit == Decimal(20)
    services.shipment_record_step(
        shipment=carried, actor=carrier_actor, kind=CHECKPOINT, place="孝感检查站", note="放行"
    )
    services.shipment_record_step(shipment=carried, actor=carrier_actor, kind=CHECKPOINT, place="武汉东湖")
    services.shipment_record_step(shipment=carried, actor=carrier_actor, kind=HANDOVER, place="武汉一厂仓库")
    carried.refresh_from_db()
    assert carried.status == "handed_over" and carried.handed_over_at is not None
    steps = list(carried.checkpoints.values_list("kind", "place", "note"))
    assert steps == [
        ("pickup", "苏州工厂", ""),
        ("checkpoint", "孝感检查站", "放行"),
        ("checkpoint", "武汉东湖", ""),
        ("handover", "武汉一厂仓库", ""),
    ]
    assert set(carried.checkpoints.values_list("recorded_by", flat=True)) == {carrier_actor.user.pk}
    approved.refresh_from_db()
    assert approved.qty_in_transit == Decimal(20)  # counted once, at pick-up


def test_the_secretariat_may_record_a_step_for_the_carrier(carried, secretariat_actor):
    services.shipment_record_step(shipment=carried, actor=secretariat_actor, kind=PICKUP)
    carried.refresh_from_db()
    assert carried.status == "picked_up"


def test_a_pick_up_after_the_supplier_shipped_keeps_the_commitment_as_it_was(
    carried, supplier_actor, carrier_actor, approved
):
    services.commitment_ship(
        commitment=carried.commitment, actor=supplier_actor, carrier="顺达", tracking_number="X1", shipped_on=TODAY()
    )
    services.shipment_record_step(shipment=carried, actor=carrier_actor, kind=PICKUP)
    approved.refresh_from_db()
    carried.commitment.refresh_from_db()
    assert (carried.commitment.status, carried.commitment.tracking_number) == ("shipped", "X1")
    assert approved.qty_in_transit == Decimal(20)


@pytest.mark.parametrize(
    ("who", "code"),
    [
        ("supplier_user", "other_organisation"),
        ("org_admin", "other_organisation"),
        ("other_carrier_user", "other_organisation"),
        ("carrier_viewer", "read_only"),
        ("anonymous", "no_organisation"),
    ],
)
@pytest.mark.parametrize("kind", [PICKUP, CHECKPOINT, HANDOVER])
def test_only_the_carrier_records_its_steps(request, carried, who, code, kind):
    before = _state(carried)
    with refused_by_service(code):
        services.shipment_record_step(shipment=carried, actor=_actor(request, who), kind=kind, place="某地")
    assert _state(carried) == before


def test_a_suspended_carrier_records_nothing(carried, carrier_org, carrier_user):
    suspended(carrier_org)
    with refused_by_service("organisation_not_in_good_standing"):
        services.shipment_record_step(
            shipment=carried, actor=actor_for_user(User.objects.get(pk=carrier_user.pk)), kind=PICKUP
        )
    assert _state(carried) == ("planned", carrier_org.pk, 0, "accepted")


@pytest.mark.parametrize(
    ("steps", "refused"),
    [
        ([], CHECKPOINT),
        ([], HANDOVER),
        ([PICKUP], PICKUP),
        ([PICKUP, HANDOVER], CHECKPOINT),
        ([PICKUP, HANDOVER], HANDOVER),
        ([PICKUP, HANDOVER], PICKUP),
    ],
)
def test_a_step_the_status_does_not_allow_is_refused_and_changes_nothing(carried, carrier_actor, steps, refused):
    for step in steps:
        services.shipment_record_step(shipment=carried, actor=carrier_actor, kind=step, place="某地")
    before = _state(carried)
    with pytest.raises(ConflictError) as caught:
        services.shipment_record_step(shipment=carried, actor=carrier_actor, kind=refused, place="某地")
    assert caught.value.code == "transition_not_allowed"
    assert _state(carried) == before


def test_a_checkpoint_says_where(carried, carrier_actor):
    services.shipment_record_step(shipment=carried, actor=carrier_actor, kind=PICKUP)
    with pytest.raises(ValidationError) as caught:
        services.shipment_record_step(shipment=carried, actor=carrier_actor, kind=CHECKPOINT, place=" ")
    assert "place" in caught.value.message_dict


def test_receipt_is_not_a_step_of_the_carrier_nor_of_the_fab(carried, carrier_actor, fab_actor):
    with pytest.raises(ValidationError) as caught:
        services.shipment_record_step(shipment=carried, actor=fab_actor, kind=CheckpointKind.RECEIVED)
    assert "kind" in caught.value.message_dict
    with pytest.raises(ValidationError):
        services.shipment_record_step(shipment=carried, actor=carrier_actor, kind="teleport")
    assert _state(carried)[0] == "planned"


def test_a_withdrawn_commitment_s_shipment_takes_no_more_steps(carried, supplier_actor, carrier_actor):
    services.commitment_withdraw(commitment=carried.commitment, actor=supplier_actor, reason="Line down.")
    with pytest.raises(ConflictError) as caught:
        services.shipment_record_step(shipment=carried, actor=carrier_actor, kind=PICKUP)
    assert caught.value.code == "commitment_closed"
    assert _state(carried) == ("planned", carried.carrier_id, 0, "withdrawn")


# --- receipt: the fab's delivery of the commitment -------------------------------------------------------------------


def test_the_fab_s_confirmed_delivery_marks_the_shipment_received(carried, carrier_actor, fab_actor, approved):
    services.shipment_record_step(shipment=carried, actor=carrier_actor, kind=PICKUP)
    services.shipment_record_step(shipment=carried, actor=carrier_actor, kind=HANDOVER, place="武汉一厂")
    services.commitment_deliver(
        commitment=carried.commitment, actor=fab_actor, received_quantity=Decimal(18), delivered_on=TODAY()
    )
    carried.refresh_from_db()
    approved.refresh_from_db()
    assert carried.status == "received" and carried.received_at is not None
    assert carried.checkpoints.last().kind == "received"
    assert carried.checkpoints.last().recorded_by == fab_actor.user
    assert (approved.qty_delivered, approved.qty_in_transit, approved.qty_committed) == (18, 0, 18)


def test_goods_that_came_without_the_carrier_s_steps_are_received_in_one_step(carried, supplier_actor, fab_actor):
    services.commitment_ship(
        commitment=carried.commitment, actor=supplier_actor, carrier="自提", tracking_number="-", shipped_on=TODAY()
    )
    services.commitment_deliver(
        commitment=carried.commitment, actor=fab_actor, received_quantity=Decimal(20), delivered_on=TODAY()
    )
    carried.refresh_from_db()
    assert carried.status == "received"
    assert list(carried.checkpoints.values_list("kind", flat=True)) == ["received"]


def test_the_carrier_cannot_confirm_delivery_for_the_fab(carried, carrier_actor):
    services.shipment_record_step(shipment=carried, actor=carrier_actor, kind=PICKUP)
    with refused_by_service():
        services.commitment_deliver(
            commitment=carried.commitment, actor=carrier_actor, received_quantity=Decimal(20), delivered_on=TODAY()
        )
    assert _state(carried)[0] == "picked_up"


# --- events ----------------------------------------------------------------------------------------------------------


def _recipients(name: str, obj_id) -> set:
    event = Event.objects.filter(name=name, object_id=str(obj_id)).latest("pk")
    return set(Alert.objects.filter(event=event).values_list("organisation_id", flat=True))


def test_a_checkpoint_reaches_the_fab_the_supplier_and_the_carrier_not_others(
    org, supplier_org, carrier_org, other_fab, carried, carrier_actor
):
    for organisation in (org, supplier_org, carrier_org, other_fab):
        Contact.objects.create(
            organisation=organisation, name="联系人", email=f"a@{organisation.slug}.example", receives_alerts=True
        )
    services.shipment_record_step(shipment=carried, actor=carrier_actor, kind=PICKUP, place="苏州")
    event = Event.objects.filter(name="commitment.shipment_checkpoint").get()
    assert event.payload["step"] == "pickup" and event.payload["place"] == "苏州"
    assert (event.payload["un_number"], event.payload["carrier_slug"]) == ("UN1866", "shunda-test")
    assert _recipients("commitment.shipment_checkpoint", carried.pk) == {org.pk, supplier_org.pk, carrier_org.pk}
    assert Event.objects.filter(name="commitment.carrier_assigned").count() == 1


def test_the_checkpoint_event_names_the_step_in_the_reader_s_language(carried, carrier_actor):
    services.shipment_record_step(shipment=carried, actor=carrier_actor, kind=PICKUP, place="苏州")
    event = Event.objects.get(name="commitment.shipment_checkpoint")
    event_type = registry.get(event.name)
    with translation.override("en"):
        assert event_type.values(event.payload, "en")["step"] == "Picked up"
        assert "20" in event_type.detail(event.payload, "en")
    assert SupplyRequest.objects.count() == 1
