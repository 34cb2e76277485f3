from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from alliance_portal.errors import ConflictError, NotAllowed
from members.models import Organisation
from members.rules import Actor
from notices.models import Event
from supply import services
from supply.models import Commitment, RequestTransition, SupplyRequest

from ..members.factories import RiskAreaFactory, SiteFactory, UserFactory
from ..refusals import refused_by_service, suspended
from .factories import FabFactory, QualificationFactory, SupplierFactory, SupplyRequestFactory, category

pytestmark = pytest.mark.django_db
S = SupplyRequest.Status
TODAY = timezone.localdate


@pytest.fixture
def fab():
    return FabFactory(priority_guarantee=True)


@pytest.fixture
def fab_actor(fab):
    return Actor(user=UserFactory(), organisation=fab, role="admin")


@pytest.fixture
def secretariat_actor():
    return Actor(user=UserFactory(is_staff=True), is_secretariat=True)


@pytest.fixture
def supplier():
    return SupplierFactory()


@pytest.fixture
def supplier_actor(supplier):
    return Actor(user=UserFactory(), organisation=supplier, role="admin")


def new_request(actor, *, submit=True, **overrides):
    fields = {
        "site": SiteFactory(organisation=actor.organisation, province="hubei", city="武汉"),
        "category": category("photoresist"),
        "material": "KrF photoresist",
        "un_number": "UN1866",
        "quantity": Decimal(50),
        "unit": "L",
        "needed_by": TODAY() + timedelta(days=20),
        "days_of_stock": 2,
        "urgency": "critical",
    }
    fields.update(overrides)
    return services.supply_request_create(actor=actor, submit=submit, **fields)


def approved_request(fab_actor, secretariat_actor, **overrides):
    request = new_request(fab_actor, **overrides)
    return services.supply_request_transition(request=request, to_status=S.APPROVED, actor=secretariat_actor)


def test_submitting_scores_the_request_from_its_site_risk_and_records_who(fab_actor):
    RiskAreaFactory(province="hubei", city="武汉", level="high")
    request = new_request(fab_actor)
    assert request.status == S.SUBMITTED
    assert request.priority == request.priority_score == 40 + 25 + 20 + 20
    steps = list(RequestTransition.objects.filter(request=request).values_list("from_status", "to_status", "by"))
    assert steps == [("", S.DRAFT, fab_actor.user.pk), (S.DRAFT, S.SUBMITTED, fab_actor.user.pk)]
    assert Event.objects.filter(name="supply_request.submitted", object_id=str(request.pk)).count() == 1


def test_site_of_another_organisation_is_refused(fab_actor):
    other_site = SiteFactory()
    with pytest.raises(ValidationError) as exc:
        new_request(fab_actor, site=other_site)
    assert "site" in exc.value.message_dict
    assert not SupplyRequest.objects.exists()


def test_hazardous_category_needs_un_number(fab_actor):
    with pytest.raises(ValidationError) as exc:
        new_request(fab_actor, category=category("gas"), un_number="")
    assert "un_number" in exc.value.message_dict


def test_only_a_fab_files_requests(supplier_actor):
    with pytest.raises(NotAllowed):
        new_request(supplier_actor)


ALLOWED = [
    (S.DRAFT, S.SUBMITTED, "fab"),
    (S.DRAFT, S.CANCELLED, "fab"),
    (S.SUBMITTED, S.APPROVED, "secretariat"),
    (S.SUBMITTED, S.REJECTED, "secretariat"),
    (S.SUBMITTED, S.CANCELLED, "fab"),
    (S.SUBMITTED, S.CANCELLED, "secretariat"),
    (S.APPROVED, S.CANCELLED, "fab"),
]


@pytest.mark.parametrize(("start", "target", "who"), ALLOWED)
def test_allowed_transitions_happen_and_are_recorded(start, target, who, fab_actor, secretariat_actor):
    request = new_request(fab_actor, submit=start != S.DRAFT)
    if start == S.APPROVED:
        services.supply_request_transition(request=request, to_status=S.APPROVED, actor=secretariat_actor)
    actor = fab_actor if who == "fab" else secretariat_actor
    services.supply_request_transition(request=request, to_status=target, actor=actor, reason="because")
    request.refresh_from_db()
    assert request.status == target
    last = request.transitions.last()
    assert (last.from_status, last.to_status, last.by) == (start, target, actor.user)


REFUSED = [(start, target) for start in S.values for target in S.values if (start, target) not in services.TRANSITIONS]


@pytest.mark.parametrize(("start", "target"), REFUSED)
def test_transitions_not_in_the_workflow_are_refused_and_change_nothing(start, target, fab):
    request = SupplyRequestFactory(organisation=fab, status=start)
    everyone = Actor(organisation=fab, is_secretariat=True)
    with pytest.raises(ConflictError) as exc:
        services.supply_request_transition(request=request, to_status=target, actor=everyone, reason="x")
    assert exc.value.code == "transition_not_allowed"
    request.refresh_from_db()
    assert request.status == start
    assert not request.transitions.exists()


def test_fab_cannot_approve_its_own_request(fab_actor):
    request = new_request(fab_actor)
    with pytest.raises(NotAllowed):
        services.supply_request_transition(request=request, to_status=S.APPROVED, actor=fab_actor)
    request.refresh_from_db()
    assert request.status == S.SUBMITTED


def test_rejecting_needs_a_reason(fab_actor, secretariat_actor):
    request = new_request(fab_actor)
    with pytest.raises(ValidationError) as exc:
        services.supply_request_transition(request=request, to_status=S.REJECTED, actor=secretariat_actor)
    assert "reason" in exc.value.message_dict


def test_supplier_cannot_commit_more_than_remaining(fab_actor, secretariat_actor, supplier_actor):
    request = approved_request(fab_actor, secretariat_actor)
    services.commitment_create(request=request, actor=supplier_actor, quantity=Decimal(30), expected_ship_date=TODAY())
    with pytest.raises(ConflictError) as exc:
        services.commitment_create(
            request=request, actor=supplier_actor, quantity=Decimal(21), expected_ship_date=TODAY()
        )
    assert exc.value.code == "over_commitment"
    assert "20" in exc.value.message
    request.refresh_from_db()
    assert request.qty_committed == 30
    assert request.remaining == 20
    assert request.committed_state == "partial"
    services.commitment_create(request=request, actor=supplier_actor, quantity=Decimal(20), expected_ship_date=TODAY())
    request.refresh_from_db()
    assert request.committed_state == "complete"


def test_database_refuses_overcommitment_even_if_code_is_bypassed(fab_actor, secretariat_actor):
    request = approved_request(fab_actor, secretariat_actor)
    with pytest.raises(IntegrityError), transaction.atomic():
        SupplyRequest.objects.filter(pk=request.pk).update(qty_committed=Decimal(51))


def test_submitted_but_not_approved_request_takes_no_commitment(fab_actor, supplier_actor):
    request = new_request(fab_actor)
    with pytest.raises(ConflictError):
        services.commitment_create(
            request=request, actor=supplier_actor, quantity=Decimal(1), expected_ship_date=TODAY()
        )


def test_supplier_of_another_category_cannot_commit(fab_actor, secretariat_actor):
    request = approved_request(fab_actor, secretariat_actor)
    gas_supplier = Actor(organisation=SupplierFactory(supplies=["gas"]), role="admin")
    with pytest.raises(ValidationError):
        services.commitment_create(request=request, actor=gas_supplier, quantity=Decimal(1), expected_ship_date=TODAY())


def test_full_commitment_lifecycle_rolls_up_and_short_delivery_reopens_the_shortfall(
    fab, fab_actor, secretariat_actor, supplier, supplier_actor
):
    request = approved_request(fab_actor, secretariat_actor)
    commitment = services.commitment_create(
        request=request, actor=supplier_actor, quantity=Decimal(50), expected_ship_date=TODAY()
    )
    with pytest.raises(ConflictError) as exc:
        services.commitment_accept(commitment=commitment, actor=fab_actor)
    assert exc.value.code == "not_qualified"
    QualificationFactory(fab=fab, supplier=supplier, category=request.category)
    services.commitment_accept(commitment=commitment, actor=fab_actor)
    services.commitment_ship(
        commitment=commitment, actor=supplier_actor, carrier="顺达", tracking_number="SD123", shipped_on=TODAY()
    )
    request.refresh_from_db()
    assert (request.qty_committed, request.qty_in_transit, request.qty_delivered) == (50, 50, 0)
    services.commitment_deliver(
        commitment=commitment, actor=fab_actor, received_quantity=Decimal(45), delivered_on=TODAY()
    )
    request.refresh_from_db()
    assert (request.qty_committed, request.qty_in_transit, request.qty_delivered) == (45, 0, 45)
    assert request.remaining == 5
    assert request.delivered_state == "partial"
    with pytest.raises(ConflictError):
        services.supply_request_transition(request=request, to_status=S.FULFILLED, actor=fab_actor)
    names = list(Event.objects.filter(object_type="supply.commitment").values_list("name", flat=True))
    assert sorted(names) == ["commitment.accepted", "commitment.delivered", "commitment.made", "commitment.shipped"]


def test_shipping_before_acceptance_is_refused(fab_actor, secretariat_actor, supplier_actor):
    request = approved_request(fab_actor, secretariat_actor)
    commitment = services.commitment_create(
        request=request, actor=supplier_actor, quantity=Decimal(5), expected_ship_date=TODAY()
    )
    with pytest.raises(ConflictError):
        services.commitment_ship(
            commitment=commitment, actor=supplier_actor, carrier="x", tracking_number="y", shipped_on=TODAY()
        )
    assert Commitment.objects.get(pk=commitment.pk).status == "offered"


def test_withdrawing_releases_the_quantity(fab_actor, secretariat_actor, supplier_actor):
    request = approved_request(fab_actor, secretariat_actor)
    commitment = services.commitment_create(
        request=request, actor=supplier_actor, quantity=Decimal(50), expected_ship_date=TODAY()
    )
    services.commitment_withdraw(commitment=commitment, actor=supplier_actor, reason="line down")
    request.refresh_from_db()
    assert request.qty_committed == 0


def test_cancelling_a_request_declines_its_open_commitments(fab_actor, secretariat_actor, supplier_actor):
    request = approved_request(fab_actor, secretariat_actor)
    commitment = services.commitment_create(
        request=request, actor=supplier_actor, quantity=Decimal(10), expected_ship_date=TODAY()
    )
    services.supply_request_transition(request=request, to_status=S.CANCELLED, actor=fab_actor, reason="found stock")
    commitment.refresh_from_db()
    request.refresh_from_db()
    assert commitment.status == "declined"
    assert request.qty_committed == 0


def test_risk_level_change_recomputes_affected_requests_only(fab_actor):
    area = RiskAreaFactory(province="hubei", city="武汉", level="high")
    wuhan = new_request(fab_actor)
    elsewhere = new_request(
        fab_actor, site=SiteFactory(organisation=fab_actor.organisation, province="hubei", city="宜昌")
    )
    before_elsewhere = elsewhere.priority
    area.level = "low"
    area.save()
    wuhan.refresh_from_db()
    elsewhere.refresh_from_db()
    assert wuhan.priority == wuhan.priority_score == 25 + 20 + 20
    assert "risk" not in [p["factor"] for p in wuhan.priority_parts]
    assert elsewhere.priority == before_elsewhere


def test_priority_guarantee_change_recomputes_the_fab_requests(fab, fab_actor):
    request = new_request(fab_actor)
    fab.priority_guarantee = False
    fab.save()
    request.refresh_from_db()
    assert "guarantee" not in [p["factor"] for p in request.priority_parts]


def test_override_needs_a_reason_and_keeps_it(fab_actor, secretariat_actor):
    request = new_request(fab_actor)
    with pytest.raises(ValidationError):
        services.supply_request_override_priority(request=request, priority=999, reason=" ", actor=secretariat_actor)
    services.supply_request_override_priority(
        request=request, priority=999, reason="Line 2 stops tonight", actor=secretariat_actor
    )
    request.refresh_from_db()
    assert request.priority == 999
    assert request.priority_score != 999
    assert request.history.first().history_change_reason == "Line 2 stops tonight"
    with pytest.raises(NotAllowed):
        services.supply_request_override_priority(request=request, priority=1, reason="mine", actor=fab_actor)


def test_a_rolled_back_change_leaves_no_event(fab_actor):
    with pytest.raises(RuntimeError), transaction.atomic():
        new_request(fab_actor)
        raise RuntimeError("something later failed")
    assert not Event.objects.exists()
    assert not SupplyRequest.objects.exists()


def test_reconfirming_refreshes_the_stale_clock(fab_actor):
    request = new_request(fab_actor)
    SupplyRequest.objects.filter(pk=request.pk).update(confirmed_at=timezone.now() - timedelta(days=8))
    request.refresh_from_db()
    assert request.is_stale
    services.supply_request_reconfirm(request=request, actor=fab_actor)
    request.refresh_from_db()
    assert not request.is_stale


# --- who may: members.rules first, then the record's state ---------------------------------------------------------


def test_the_callers_right_is_checked_before_the_records_state(fab, fab_actor, secretariat_actor):
    request = new_request(fab_actor)
    services.supply_request_transition(request=request, to_status=S.CANCELLED, actor=fab_actor, reason="twice")
    suspended(fab)
    out_of_standing = Actor(organisation=Organisation.objects.get(pk=fab.pk), role="admin")

    # Cancelling a cancelled request is a conflict for anyone who may write; this caller may not write at all.
    with refused_by_service("organisation_not_in_good_standing"):
        services.supply_request_transition(request=request, to_status=S.CANCELLED, actor=out_of_standing, reason="x")
    with pytest.raises(ConflictError):
        services.supply_request_transition(request=request, to_status=S.CANCELLED, actor=secretariat_actor, reason="x")


@pytest.mark.parametrize("role", ["viewer", ""])
def test_a_viewer_or_a_person_without_a_role_writes_nothing(fab, role):
    with refused_by_service("read_only"):
        new_request(Actor(user=UserFactory(), organisation=fab, role=role))
    assert not SupplyRequest.objects.exists()


def test_each_party_does_only_its_own_part_of_a_commitment(fab_actor, secretariat_actor, supplier_actor):
    commitment = services.commitment_create(
        request=approved_request(fab_actor, secretariat_actor),
        actor=supplier_actor,
        quantity=Decimal(5),
        expected_ship_date=TODAY(),
    )
    stranger = Actor(user=UserFactory(), organisation=SupplierFactory(), role="admin")

    with refused_by_service("not_your_part"):
        services.commitment_decline(commitment=commitment, actor=supplier_actor, reason="x")
    with refused_by_service("not_your_part"):
        services.commitment_withdraw(commitment=commitment, actor=fab_actor, reason="x")
    with refused_by_service("other_organisation"):
        services.commitment_accept(commitment=commitment, actor=stranger)
    # Withdrawing is the supplier's own act: the secretariat declines instead.
    with refused_by_service("not_your_part"):
        services.commitment_withdraw(commitment=commitment, actor=secretariat_actor, reason="x")
    assert Commitment.objects.get(pk=commitment.pk).status == "offered"
    assert services.allowed_commitment_actions(commitment, supplier_actor) == ["withdraw"]
    assert services.allowed_commitment_actions(commitment, stranger) == []


def test_only_the_requesting_fab_edits_and_reconfirms_not_even_the_secretariat(fab_actor, secretariat_actor):
    draft = new_request(fab_actor, submit=False)
    submitted = new_request(fab_actor)

    with refused_by_service("not_the_fab"):
        services.supply_request_update(request=draft, actor=secretariat_actor, material="x")
    with refused_by_service("not_the_fab"):
        services.supply_request_reconfirm(request=submitted, actor=secretariat_actor)
    with refused_by_service("not_the_fab"):
        services.supply_request_transition(request=draft, to_status=S.SUBMITTED, actor=secretariat_actor)
    with refused_by_service("secretariat_only"):
        services.supply_request_transition(request=submitted, to_status=S.APPROVED, actor=fab_actor)
