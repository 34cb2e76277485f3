from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from alliance_portal.errors import ConflictError
from alliance_portal.shipping import CheckpointKind, ShipmentStatus
from donations import services
from donations.models import Appeal, Pledge, PledgeLine
from members.models import Membership, Organisation
from members.rules import Actor
from notices.models import Event

from ..members.factories import MembershipFactory, OrganisationFactory, UserFactory
from ..refusals import refused_by_service, suspended
from .factories import (
    advance,
    category,
    goods_pledge,
    logistics_org,
    make_appeal,
    money_pledge,
    secretariat_actor,
    writer,
)

pytestmark = pytest.mark.django_db
P = Pledge.Status


def events(name):
    return Event.objects.filter(name=name)


def test_a_member_pledges_goods_to_an_appeal_and_lines_are_matched_to_its_items(org):
    appeal = make_appeal()
    pledge = goods_pledge(org, appeal, quantities=[Decimal(500), Decimal(20)])
    assert pledge.status == P.PLEDGED
    lines = list(pledge.lines.order_by("pk"))
    assert [line.appeal_item.category.code for line in lines] == ["medical-mask", "protective-suit"]
    assert pledge.transitions.get().to_status == P.PLEDGED
    assert events("pledge.made").filter(object_id=str(pledge.pk)).exists()
    assert events("appeal.opened").filter(object_id=str(appeal.pk)).exists()


def test_a_money_pledge_in_a_foreign_currency_keeps_the_rate_and_its_cny_value(org):
    pledge = money_pledge(org, amount=Decimal("1000.00"), currency="usd", exchange_rate=Decimal("7.1234"))
    assert (pledge.currency, pledge.exchange_rate, pledge.amount_cny) == (
        "USD",
        Decimal("7.123400"),
        Decimal("7123.40"),
    )
    assert isinstance(pledge.amount_cny, Decimal)


def test_a_foreign_currency_pledge_without_a_rate_is_refused_naming_the_field(org):
    with pytest.raises(ValidationError) as caught:
        money_pledge(org, currency="EUR")
    assert "exchange_rate" in caught.value.message_dict
    assert not Pledge.objects.exists()


def test_a_pledge_outside_an_appeal_needs_a_beneficiary(org):
    with pytest.raises(ValidationError) as caught:
        goods_pledge(org, None, beneficiary_name=" ")
    assert "beneficiary_name" in caught.value.message_dict


def test_only_emergency_goods_can_be_pledged(org):
    with pytest.raises(ValidationError):
        services.pledge_create(
            actor=writer(org),
            donor=org,
            beneficiary_name="x",
            lines=[services.LineInput(category=category("wafer"), quantity=Decimal(1), unit="pcs")],
            promised_date=timezone.localdate(),
        )


def test_a_closed_appeal_takes_no_pledge(org):
    appeal = make_appeal()
    services.appeal_close(appeal=appeal, actor=secretariat_actor())
    with pytest.raises(ConflictError):
        goods_pledge(org, appeal)


def test_a_viewer_another_organisation_and_a_suspended_one_cannot_pledge_for_the_donor(org, other_org):
    viewer = Actor(user=UserFactory(), organisation=org, role=Membership.Role.VIEWER)
    other = writer(other_org)
    for actor, code in [(viewer, "read_only"), (other, "other_organisation")]:
        with refused_by_service(code):
            services.pledge_create(
                actor=actor,
                donor=org,
                beneficiary_name="x",
                kind="money",
                amount=Decimal(1),
                promised_date=timezone.localdate(),
            )
    suspended(org)
    with refused_by_service("organisation_not_in_good_standing"):
        goods_pledge(org)
    assert not Pledge.objects.exists()


def test_the_whole_lifecycle_records_every_transition_and_issues_a_certificate(org):
    carrier = logistics_org()
    pledge = advance(goods_pledge(org, make_appeal()), "acknowledged", carrier=carrier)
    assert pledge.status == P.ACKNOWLEDGED
    assert pledge.certificate_number.startswith(f"AP{timezone.localdate().year}-")
    steps = list(pledge.transitions.values_list("from_status", "to_status"))
    assert steps == [
        ("", "pledged"),
        ("pledged", "confirmed"),
        ("confirmed", "dispatched"),
        ("dispatched", "delivered"),
        ("delivered", "acknowledged"),
    ]
    assert all(t.by_id for t in pledge.transitions.exclude(from_status=""))
    assert pledge.shipment.carrier == carrier and pledge.shipment.status == ShipmentStatus.RECEIVED
    assert pledge.history.count() >= 5
    for name in ["pledge.confirmed", "pledge.dispatched", "pledge.delivered", "pledge.acknowledged"]:
        assert events(name).filter(object_id=str(pledge.pk)).exists(), name


@pytest.mark.parametrize(
    "status, service",
    [
        ("confirmed", "pledge_confirm"),
        ("pledged", "pledge_dispatch"),
        ("confirmed", "pledge_deliver"),
        ("dispatched", "pledge_acknowledge"),
        ("delivered", "pledge_cancel"),
    ],
)
def test_a_transition_its_status_does_not_allow_is_refused_and_changes_nothing(org, status, service):
    pledge = advance(goods_pledge(org, make_appeal()), status)
    before = pledge.transitions.count()
    kwargs = {"reason": "changed our mind"} if service == "pledge_cancel" else {}
    with pytest.raises(ConflictError) as caught:
        getattr(services, service)(pledge=pledge, actor=secretariat_actor(), **kwargs)
    assert caught.value.code == "transition_not_allowed"
    pledge.refresh_from_db()
    assert pledge.status == status and pledge.transitions.count() == before


def test_only_the_secretariat_confirms_and_acknowledges(org):
    pledge = goods_pledge(org, make_appeal())
    with refused_by_service("secretariat_only"):
        services.pledge_confirm(pledge=pledge, actor=writer(org))
    pledge = advance(pledge, "delivered")
    with refused_by_service("secretariat_only"):
        services.pledge_acknowledge(pledge=pledge, actor=writer(org))


def test_the_right_is_checked_before_the_state(org, other_org):
    pledge = advance(goods_pledge(org, make_appeal()), "delivered")
    # Delivered already: the secretariat would get a 409, but another organisation is refused first.
    with refused_by_service("other_organisation"):
        services.pledge_cancel(pledge=pledge, actor=writer(other_org), reason="no")


def test_the_beneficiary_confirms_a_partial_delivery_and_another_member_cannot(org, other_org):
    hospital = OrganisationFactory(kind=Organisation.Kind.RESEARCH, name_en="Wuhan Test Hospital")
    appeal = make_appeal(beneficiary_organisation=hospital)
    pledge = advance(goods_pledge(org, appeal, quantities=[Decimal(500), Decimal(20)]), "dispatched")
    with refused_by_service():
        services.pledge_deliver(pledge=pledge, actor=writer(other_org))
    with refused_by_service():
        services.pledge_deliver(pledge=pledge, actor=writer(org))
    mask, suit = pledge.lines.order_by("pk")
    services.pledge_deliver(pledge=pledge, actor=writer(hospital), received={mask.pk: Decimal(450)})
    assert list(PledgeLine.objects.order_by("pk").values_list("delivered_quantity", flat=True)) == [450, 20]


def test_a_received_quantity_above_the_pledge_is_refused_and_nothing_moves(org):
    pledge = advance(goods_pledge(org, make_appeal()), "dispatched")
    line = pledge.lines.get()
    with pytest.raises(ValidationError):
        services.pledge_deliver(pledge=pledge, actor=secretariat_actor(), received={line.pk: Decimal(501)})
    pledge.refresh_from_db()
    assert pledge.status == P.DISPATCHED and pledge.lines.get().delivered_quantity == 0


def test_the_donor_cancels_with_a_reason_before_delivery(org):
    pledge = advance(goods_pledge(org, make_appeal()), "dispatched")
    with pytest.raises(ValidationError):
        services.pledge_cancel(pledge=pledge, actor=writer(org), reason="  ")
    services.pledge_cancel(pledge=pledge, actor=writer(org), reason="Factory closed by quarantine")
    pledge.refresh_from_db()
    assert pledge.status == P.CANCELLED and pledge.reason == "Factory closed by quarantine"
    assert pledge.transitions.last().reason == "Factory closed by quarantine"


def test_the_carrier_records_its_steps_and_nobody_else_can(org, other_org):
    carrier = logistics_org()
    other_carrier = logistics_org(name_en="Other Logistics")
    pledge = advance(goods_pledge(org, make_appeal()), "dispatched", carrier=carrier)
    shipment = pledge.shipment
    for actor in (writer(other_carrier), writer(org), writer(other_org)):
        with refused_by_service():
            services.shipment_record_step(shipment=shipment, actor=actor, kind=CheckpointKind.PICKUP)
    with pytest.raises(ConflictError):
        services.shipment_record_step(shipment=shipment, actor=writer(carrier), kind=CheckpointKind.HANDOVER)
    services.shipment_record_step(shipment=shipment, actor=writer(carrier), kind=CheckpointKind.PICKUP, place="苏州")
    services.shipment_record_step(
        shipment=shipment, actor=writer(carrier), kind=CheckpointKind.CHECKPOINT, place="G42 服务区", note="检疫通过"
    )
    services.shipment_record_step(shipment=shipment, actor=writer(carrier), kind=CheckpointKind.HANDOVER, place="武汉")
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.HANDED_OVER and shipment.handed_over_at is not None
    assert list(shipment.checkpoints.values_list("kind", flat=True)) == ["pickup", "checkpoint", "handover"]
    assert events("shipment.checkpoint").count() == 3
    with refused_by_service():
        services.shipment_record_step(shipment=shipment, actor=writer(carrier), kind=CheckpointKind.RECEIVED)


def test_a_checkpoint_needs_a_place(org):
    carrier = logistics_org()
    pledge = advance(goods_pledge(org, make_appeal()), "dispatched", carrier=carrier)
    services.shipment_record_step(shipment=pledge.shipment, actor=writer(carrier), kind=CheckpointKind.PICKUP)
    with pytest.raises(ValidationError):
        services.shipment_record_step(shipment=pledge.shipment, actor=writer(carrier), kind=CheckpointKind.CHECKPOINT)


def test_only_a_logistics_member_can_be_named_carrier(org, other_org):
    pledge = advance(goods_pledge(org, make_appeal()), "confirmed")
    with pytest.raises(ValidationError):
        services.pledge_dispatch(pledge=pledge, actor=secretariat_actor(), carrier=other_org)
    pledge.refresh_from_db()
    assert pledge.status == P.CONFIRMED


def test_an_international_purchase_follows_customs(org, other_org):
    pledge = goods_pledge(org, make_appeal(), channel="international", origin_country="Germany", supplier_name="X")
    assert pledge.customs_status == "not_started"
    with refused_by_service():
        services.pledge_update_customs(
            pledge=pledge, actor=writer(other_org), customs_status="declared", customs_date=None
        )
    services.pledge_update_customs(
        pledge=pledge, actor=writer(org), customs_status="cleared", customs_date=timezone.localdate()
    )
    pledge.refresh_from_db()
    assert pledge.customs_status == "cleared"
    domestic = goods_pledge(org, make_appeal())
    with pytest.raises(ConflictError):
        services.pledge_update_customs(pledge=domestic, actor=writer(org), customs_status="declared", customs_date=None)


def test_an_international_purchase_needs_its_country(org):
    with pytest.raises(ValidationError) as caught:
        goods_pledge(org, make_appeal(), channel="international")
    assert "origin_country" in caught.value.message_dict


def test_overdue_pledges_are_reported_once(org):
    pledge = goods_pledge(org, make_appeal())
    dispatched = advance(goods_pledge(org, make_appeal()), "dispatched")
    past = timezone.localdate() - timedelta(days=1)
    Pledge.objects.filter(pk__in=[pledge.pk, dispatched.pk]).update(promised_date=past)
    assert list(Pledge.objects.overdue()) == [pledge]
    assert services.pledges_flag_overdue() == 1
    assert services.pledges_flag_overdue() == 0
    assert events("pledge.overdue").get().object_id == str(pledge.pk)


def test_appeals_closing_soon_are_reported_once():
    soon = make_appeal(deadline=timezone.localdate() + timedelta(days=2))
    make_appeal(deadline=timezone.localdate() + timedelta(days=30))
    assert services.appeals_flag_closing_soon() == 1
    assert services.appeals_flag_closing_soon() == 0
    assert events("appeal.closing_soon").get().object_id == str(soon.pk)


def test_the_target_reached_event_is_raised_once_when_every_target_is_pledged(org):
    appeal = make_appeal(money_target=Decimal(5000))
    goods_pledge(org, appeal, quantities=[Decimal(10000), Decimal(1999)])
    money_pledge(org, appeal, amount=Decimal(5000))
    assert not events("appeal.target_reached").exists()
    goods_pledge(org, appeal, quantities=[Decimal(1), Decimal(1)])
    goods_pledge(org, appeal, quantities=[Decimal(1), Decimal(1)])
    assert events("appeal.target_reached").count() == 1
    assert events("appeal.target_reached").get().payload["donors"] == [org.slug]


def test_only_the_secretariat_opens_and_closes_appeals(org):
    appeal = make_appeal()
    with refused_by_service("secretariat_only"):
        services.appeal_close(appeal=appeal, actor=writer(org))
    services.appeal_close(appeal=appeal, actor=secretariat_actor())
    with pytest.raises(ConflictError):
        services.appeal_close(appeal=appeal, actor=secretariat_actor())
    assert Appeal.objects.get().status == "closed"


def test_a_carriers_member_user_with_membership_can_record(org):
    carrier = logistics_org()
    user = MembershipFactory(organisation=carrier, role=Membership.Role.MEMBER).user
    pledge = advance(goods_pledge(org, make_appeal()), "dispatched", carrier=carrier)
    from members.rules import actor_for_user

    services.shipment_record_step(shipment=pledge.shipment, actor=actor_for_user(user), kind="pickup")
    assert pledge.shipment.checkpoints.count() == 1


def test_a_cancelled_pledges_shipment_takes_no_more_steps(org):
    carrier = logistics_org()
    pledge = advance(goods_pledge(org, make_appeal()), "dispatched", carrier=carrier)
    services.pledge_cancel(pledge=pledge, actor=writer(org), reason="lorry stopped at the provincial border")
    with pytest.raises(ConflictError) as caught:
        services.shipment_record_step(shipment=pledge.shipment, actor=writer(carrier), kind=CheckpointKind.PICKUP)
    assert caught.value.code == "pledge_cancelled"
    assert not pledge.shipment.checkpoints.exists()
