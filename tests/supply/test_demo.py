"""The supply part of seed_demo: a believable queue with the two guaranteed Wuhan fabs on top, and idempotent."""

import pytest
from django.core.management import call_command

from notices.models import Event
from supply.models import Commitment, Qualification, RequestTransition, SupplierCapacity, SupplyRequest

pytestmark = pytest.mark.django_db
S = SupplyRequest.Status
WUHAN_FABS = {"ymtc", "xmc"}


def _counts():
    return (
        SupplyRequest.objects.count(),
        SupplyRequest.history.count(),
        RequestTransition.objects.count(),
        Commitment.objects.count(),
        Commitment.history.count(),
        SupplierCapacity.objects.count(),
        SupplierCapacity.history.count(),
        Qualification.objects.count(),
        Qualification.history.count(),
        Event.objects.count(),
    )


@pytest.fixture
def seeded():
    call_command("seed_demo", "--quiet-logins")


def test_the_guaranteed_wuhan_fabs_head_the_queue_for_the_reasons_shown(seeded):
    queue = list(SupplyRequest.objects.queue().select_related("organisation"))
    assert len(queue) >= 8
    wuhan = [r for r in queue if r.organisation.slug in WUHAN_FABS]
    others = [r for r in queue if r.organisation.slug not in WUHAN_FABS]
    assert wuhan and others
    assert queue[: len(wuhan)] == wuhan  # every Wuhan request above every other fab's
    assert {r.organisation.slug for r in wuhan} == WUHAN_FABS
    for request in wuhan:
        parts = {part["factor"]: part for part in request.priority_parts}
        assert parts["risk"]["value"] == "high" and parts["risk"]["points"] == 40
        assert parts["guarantee"]["points"] == 25
        assert request.priority == request.priority_score == sum(p["points"] for p in request.priority_parts)
    top = queue[0]
    assert top.urgency == "critical" and top.days_of_stock <= 3
    assert "waiting" in {part["factor"] for part in top.priority_parts}  # it has waited days, as the story says
    assert {r.organisation.city for r in others} >= {"上海", "无锡", "北京"}


def test_the_demo_requests_are_real_materials_with_un_numbers_and_every_state(seeded):
    gases = SupplyRequest.objects.filter(category__code="gas")
    assert set(gases.values_list("un_number", flat=True)) >= {"UN2189", "UN1008", "UN2196", "UN2451"}
    for request in SupplyRequest.objects.filter(category__hazardous=True):
        assert request.un_number.startswith("UN")
    statuses = set(SupplyRequest.objects.values_list("status", flat=True))
    assert {S.DRAFT, S.SUBMITTED, S.APPROVED, S.REJECTED, S.FULFILLED} <= statuses
    rejected = SupplyRequest.objects.get(status=S.REJECTED)
    assert RequestTransition.objects.get(request=rejected, to_status=S.REJECTED).reason
    assert any(r.is_stale for r in SupplyRequest.objects.open())
    # Every step went through the services: the workflow and its events are recorded.
    assert RequestTransition.objects.filter(to_status=S.APPROVED, by__username="secretariat").exists()
    assert (
        Event.objects.filter(name="supply_request.submitted").count()
        == SupplyRequest.objects.exclude(status=S.DRAFT).count()
    )


def test_the_demo_commitments_cover_their_lifecycle(seeded):
    states = set(Commitment.objects.values_list("status", flat=True))
    assert {"offered", "accepted", "shipped", "delivered", "withdrawn"} <= states
    for shipped in Commitment.objects.filter(status__in=["shipped", "delivered"]):
        assert shipped.carrier and shipped.tracking_number and shipped.shipped_on
    short = Commitment.objects.filter(status="delivered").exclude(delivered_quantity=None)
    assert any(c.delivered_quantity < c.quantity for c in short)  # a delivery with a shortfall
    for request in SupplyRequest.objects.all():
        live = sum(c.quantity for c in request.commitments.all() if c.is_live and c.status != "delivered")
        delivered = sum(c.delivered_quantity for c in request.commitments.filter(status="delivered"))
        assert request.qty_committed == live + delivered
        assert request.qty_committed <= request.quantity


def test_the_demo_has_capacity_some_stale_and_qualified_suppliers(seeded):
    capacities = list(SupplierCapacity.objects.all())
    assert any(c.is_stale for c in capacities) and any(not c.is_stale for c in capacities)
    for fab in WUHAN_FABS:
        assert Qualification.objects.filter(fab__slug=fab).count() >= 3


def test_running_seed_demo_again_adds_nothing(seeded, capsys):
    first = _counts()
    call_command("seed_demo", "--quiet-logins")
    assert _counts() == first
    assert "(0 new rows)" in capsys.readouterr().out


def test_one_commitment_is_carried_by_the_demo_logistics_member_on_its_way(seeded, client):
    from django.contrib.auth import get_user_model  # noqa: PLC0415

    from supply.models import Shipment  # noqa: PLC0415

    shipment = Shipment.objects.select_related("commitment__request").get(carrier__slug="shunda-logistics")
    assert shipment.status == "in_transit" and shipment.commitment.status == "shipped"
    assert shipment.un_number == shipment.commitment.request.un_number == "UN2196"
    assert list(shipment.checkpoints.values_list("kind", flat=True)) == ["pickup", "checkpoint", "checkpoint"]
    client.force_login(get_user_model().objects.get(username="shunda-carrier"))
    rows = client.get("/dashboard/shipments/").context["rows"]
    assert {row.kind for row in rows} == {"pledge", "commitment"}
    page = client.get(f"/supply/commitments/{shipment.commitment_id}/")
    assert page.status_code == 200 and "SDHG-110052" in page.content.decode()
    call_command("seed_demo", "--quiet-logins")
    assert Shipment.objects.count() == 1
