"""A supplier's supply pages: the queue of approved requests in its categories, committing (never more than is
open), its commitments (withdraw, ship) and its capacity. A supplier never sees another supplier's prices or notes."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from members.models import Membership
from supply import services
from supply.models import Commitment, SupplierCapacity, SupplyRequest

from ..members.factories import MembershipFactory
from .factories import (
    CommitmentFactory,
    FabFactory,
    SupplierCapacityFactory,
    SupplierFactory,
    SupplyRequestFactory,
    category,
)
from .helpers import snapshot

S = SupplyRequest.Status
C = Commitment.Status
QUEUE = reverse("supply:supplier_queue")
COMMITMENTS = reverse("supply:commitment_list")
CAPACITY = reverse("supply:capacity")
CAPACITY_SAVE = reverse("supply:capacity_save")
TODAY = timezone.localdate


def _page(supply_request) -> str:
    return reverse("supply:supplier_request", args=[supply_request.pk])


def _commit_data(**changes) -> dict:
    data = {
        "quantity": "20",
        "expected_ship_date": (TODAY() + timedelta(days=3)).isoformat(),
        "unit_price": "120.50",
        "currency": "CNY",
        "notes": "From the Suzhou plant",
    }
    data.update(changes)
    return data


def _expect_denied(role: str, response) -> bool:
    if role == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
        return True
    if role != "supplier_user":
        assert response.status_code == 403
        return True
    return False


@pytest.fixture
def other_supplier(db):
    return SupplierFactory(name_en="Rival Resist Co.", supplies=["photoresist"])


@pytest.fixture
def other_supplier_user(other_supplier):
    return MembershipFactory(organisation=other_supplier, role=Membership.Role.ADMIN).user


@pytest.fixture
def offer(approved, supplier_actor):
    return services.commitment_create(
        request=approved,
        actor=supplier_actor,
        quantity=Decimal(20),
        expected_ship_date=TODAY() + timedelta(days=2),
        unit_price=Decimal("120.50"),
        notes="From the Suzhou plant",
    )


# --- the queue --------------------------------------------------------------------------------------------------


def test_queue_for_each_role(web_role, approved):
    role, client = web_role
    response = client.get(QUEUE)
    if _expect_denied(role, response):
        return
    content = response.content.decode()
    assert response.status_code == 200
    assert _page(approved) in content
    assert "Wuhan Test Fab Co." in content and "High risk" in content and "KrF photoresist" in content


def test_queue_for_a_supplier_viewer_reads_only(client_for, supplier_viewer, approved):
    content = client_for(supplier_viewer).get(QUEUE).content.decode()
    assert _page(approved) in content and "View" in content


def test_queue_shows_only_open_approved_requests_in_its_categories_highest_priority_first(
    client_for, supplier_user, approved, org, fab_site
):
    low = SupplyRequestFactory(organisation=org, site=fab_site, priority=5, material="Low one")
    high = SupplyRequestFactory(organisation=org, site=fab_site, priority=900, material="Top one")
    SupplyRequestFactory(organisation=org, site=fab_site, status=S.SUBMITTED, material="Not approved yet")
    SupplyRequestFactory(organisation=org, site=fab_site, category=category("wafer"), material="Wafers")
    SupplyRequestFactory(organisation=org, site=fab_site, qty_committed=50, material="Fully committed")
    SupplyRequestFactory(organisation=org, site=fab_site, status=S.DRAFT, material="A draft")
    listed = list(client_for(supplier_user).get(QUEUE).context["page_obj"])
    assert listed == [high, approved, low]


def test_queue_shows_remaining_priority_explanation_and_stale_flag(client_for, supplier_user, approved, offer):
    SupplyRequest.objects.filter(pk=approved.pk).update(confirmed_at=timezone.now() - timedelta(days=30))
    content = client_for(supplier_user).get(QUEUE).content.decode()
    assert "30 litres" in content and "of 50" in content
    assert "high-risk area +40" in content
    assert "stale" in content


def test_queue_filters_by_category(client_for, supplier_user, approved, org, fab_site):
    gas = SupplyRequestFactory(organisation=org, site=fab_site, category=category("gas"), un_number="UN2203")
    page = client_for(supplier_user).get(QUEUE, {"category": "gas"}).context["page_obj"]
    assert list(page) == [gas]


def test_queue_refuses_post(client_for, supplier_user):
    assert client_for(supplier_user).post(QUEUE).status_code == 405


def test_queue_queries_do_not_grow_with_rows(client_for, supplier_user, org, fab_site):
    client = client_for(supplier_user)

    def queries_for(count: int) -> int:
        SupplyRequestFactory.create_batch(count - SupplyRequest.objects.count(), organisation=org, site=fab_site)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(QUEUE)
        assert len(response.context["page_obj"]) == min(count, 25)
        return len(captured)

    assert queries_for(3) == queries_for(30)


# --- a request and committing -----------------------------------------------------------------------------------


def test_request_page_for_each_role(web_role, approved):
    role, client = web_role
    response = client.get(_page(approved))
    if _expect_denied(role, response):
        return
    content = response.content.decode()
    assert response.status_code == 200
    assert "Commit supply" in content and "KrF 248 nm" in content
    assert "Line 2 stops without it." not in content  # the fab's justification is not for suppliers


def test_a_supplier_cannot_open_requests_outside_its_queue(client_for, supplier_user, submitted, org, fab_site):
    client = client_for(supplier_user)
    assert client.get(_page(submitted)).status_code == 404  # not approved yet
    wafers = SupplyRequestFactory(organisation=org, site=fab_site, category=category("wafer"))
    assert client.get(_page(wafers)).status_code == 404  # not its category


def test_a_supplier_still_sees_a_request_it_committed_to_after_it_closed(client_for, supplier_user, offer, fab_actor):
    services.supply_request_transition(request=offer.request, to_status=S.CANCELLED, actor=fab_actor, reason="x")
    content = client_for(supplier_user).get(_page(offer.request)).content.decode()
    assert "Cancelled" in content and "Commit supply" not in content


def test_committing(client_for, supplier_user, supplier_org, approved):
    response = client_for(supplier_user).post(_page(approved), _commit_data(), follow=True)
    commitment = Commitment.objects.get()
    assert (
        commitment.supplier == supplier_org and commitment.quantity == 20 and commitment.unit_price == Decimal("120.50")
    )
    assert commitment.created_by == supplier_user
    content = response.content.decode()
    assert "You committed 20 litres to request" in content
    approved.refresh_from_db()
    assert approved.remaining == 30


def test_a_losing_commit_names_what_is_still_open_and_saves_nothing(
    client_for, supplier_user, approved, other_supplier
):
    CommitmentFactory(request=approved, supplier=other_supplier, quantity=Decimal(35))
    SupplyRequest.objects.filter(pk=approved.pk).update(qty_committed=35)
    before = snapshot(approved)
    response = client_for(supplier_user).post(_page(approved), _commit_data(quantity="20"))
    assert response.status_code == 409
    content = response.content.decode()
    assert "Only 15 litres of this request are still open." in content
    assert response.context["form"]["quantity"].value() == "20"  # kept, to be corrected
    assert Commitment.objects.count() == 1 and snapshot(approved) == before


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"quantity": "0"}, "quantity", "greater than zero"),
        ({"quantity": ""}, "quantity", "required"),
        ({"expected_ship_date": "2020-01-01"}, "expected_ship_date", "cannot be in the past"),
        ({"unit_price": "-1"}, "unit_price", "greater than or equal to 0"),
    ],
)
def test_bad_commitment_input_is_shown_inline_and_saves_nothing(
    client_for, supplier_user, approved, changes, field, message
):
    response = client_for(supplier_user).post(_page(approved), _commit_data(**changes))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not Commitment.objects.exists()


def test_committing_is_refused_to_viewers_and_other_methods(client_for, supplier_viewer, supplier_user, approved):
    assert client_for(supplier_viewer).post(_page(approved), _commit_data()).status_code == 403
    assert client_for(supplier_user).put(_page(approved)).status_code == 405
    assert not Commitment.objects.exists()


def test_a_supplier_does_not_see_another_suppliers_price_or_notes(
    client_for, supplier_user, other_supplier_user, org_viewer, secretariat, offer
):
    rival = client_for(other_supplier_user).get(_page(offer.request)).content.decode()
    assert "120.50" not in rival and "From the Suzhou plant" not in rival and "Jiangsu Resist Co." not in rival
    own = client_for(supplier_user).get(_page(offer.request)).content.decode()
    assert "120.50" in own and "From the Suzhou plant" in own
    for user, url in (
        (org_viewer, reverse("supply:request_detail", args=[offer.request_id])),
        (secretariat, reverse("supply:secretariat_request", args=[offer.request_id])),
    ):
        content = client_for(user).get(url).content.decode()
        assert "120.50" in content and "From the Suzhou plant" in content


# --- my commitments ---------------------------------------------------------------------------------------------


def test_commitment_list_for_each_role(web_role, offer):
    role, client = web_role
    response = client.get(COMMITMENTS)
    if _expect_denied(role, response):
        return
    content = response.content.decode()
    assert response.status_code == 200
    assert "KrF photoresist" in content and "120.50 yuan" in content
    assert reverse("supply:commitment_withdraw", args=[offer.pk]) in content


def test_commitment_list_shows_only_its_own(client_for, other_supplier_user, offer):
    assert list(client_for(other_supplier_user).get(COMMITMENTS).context["page_obj"]) == []


def test_commitment_list_filters_by_status_and_refuses_post(client_for, supplier_user, offer):
    client = client_for(supplier_user)
    assert list(client.get(COMMITMENTS, {"status": "shipped"}).context["page_obj"]) == []
    assert list(client.get(COMMITMENTS, {"status": "offered"}).context["page_obj"]) == [offer]
    assert client.post(COMMITMENTS).status_code == 405


@pytest.mark.parametrize("name", ["commitment_withdraw", "commitment_ship"])
def test_commitment_actions_for_each_role(web_role, offer, name):
    role, client = web_role
    response = client.get(reverse(f"supply:{name}", args=[offer.pk]))
    if _expect_denied(role, response):
        return
    assert response.status_code == 200


@pytest.mark.parametrize("name", ["commitment_withdraw", "commitment_ship"])
def test_another_suppliers_commitment_is_not_found(client_for, other_supplier_user, offer, name):
    assert client_for(other_supplier_user).post(reverse(f"supply:{name}", args=[offer.pk])).status_code == 404


def test_withdrawing_needs_a_reason_and_releases_the_quantity(client_for, supplier_user, offer):
    url = reverse("supply:commitment_withdraw", args=[offer.pk])
    client = client_for(supplier_user)
    response = client.post(url, {"reason": ""})
    assert "reason" in response.context["form"].errors
    response = client.post(url, {"reason": "Our plant is locked down"}, follow=True)
    offer.refresh_from_db()
    assert offer.status == C.WITHDRAWN and offer.reason == "Our plant is locked down"
    assert SupplyRequest.objects.get(pk=offer.request_id).qty_committed == 0
    assert "is withdrawn" in response.content.decode()


def test_shipping_before_acceptance_is_refused_with_a_message(client_for, supplier_user, offer):
    before = snapshot(offer)
    response = client_for(supplier_user).post(
        reverse("supply:commitment_ship", args=[offer.pk]),
        {"carrier": "SF Express", "tracking_number": "SF1", "shipped_on": TODAY().isoformat()},
        follow=True,
    )
    assert "A commitment that is Offered cannot be shipped." in response.content.decode()
    assert snapshot(offer) == before


def test_shipping_an_accepted_commitment(client_for, supplier_user, offer, qualified, fab_actor):
    services.commitment_accept(commitment=offer, actor=fab_actor)
    url = reverse("supply:commitment_ship", args=[offer.pk])
    client = client_for(supplier_user)
    response = client.post(url, {"carrier": "", "tracking_number": "SF1", "shipped_on": TODAY().isoformat()})
    assert "carrier" in response.context["form"].errors
    future = (TODAY() + timedelta(days=2)).isoformat()
    response = client.post(url, {"carrier": "SF Express", "tracking_number": "SF1", "shipped_on": future})
    assert "cannot be in the future" in " ".join(response.context["form"].errors["shipped_on"])
    offer.refresh_from_db()
    assert offer.status == C.ACCEPTED
    client.post(url, {"carrier": "SF Express", "tracking_number": "SF1", "shipped_on": TODAY().isoformat()})
    offer.refresh_from_db()
    assert offer.status == C.SHIPPED and offer.tracking_number == "SF1"
    assert SupplyRequest.objects.get(pk=offer.request_id).qty_in_transit == 20


def test_withdrawing_a_shipped_commitment_is_refused(
    client_for, supplier_user, offer, qualified, fab_actor, supplier_actor
):
    services.commitment_accept(commitment=offer, actor=fab_actor)
    services.commitment_ship(
        commitment=offer, actor=supplier_actor, carrier="SF", tracking_number="1", shipped_on=TODAY()
    )
    before = snapshot(offer)
    response = client_for(supplier_user).post(
        reverse("supply:commitment_withdraw", args=[offer.pk]), {"reason": "oops"}, follow=True
    )
    assert "A commitment that is Shipped cannot be withdrawn." in response.content.decode()
    assert snapshot(offer) == before


# --- capacity ---------------------------------------------------------------------------------------------------


def test_capacity_for_each_role(web_role, supplier_org):
    SupplierCapacityFactory(supplier=supplier_org, quantity_per_week=Decimal(200), lead_time_days=4)
    role, client = web_role
    response = client.get(CAPACITY)
    if _expect_denied(role, response):
        return
    content = response.content.decode()
    assert "200 litres" in content and "4 days" in content
    assert "Electronic specialty gases" in content  # supplied, capacity not stated yet


def test_capacity_shows_stale_figures_and_confirming_freshens_them(client_for, supplier_user, supplier_org):
    capacity = SupplierCapacityFactory(supplier=supplier_org, confirmed_at=timezone.now() - timedelta(days=20))
    client = client_for(supplier_user)
    assert "stale" in client.get(CAPACITY).content.decode()
    response = client.post(reverse("supply:capacity_confirm", args=[capacity.pk]), follow=True)
    capacity.refresh_from_db()
    assert not capacity.is_stale and capacity.quantity_per_week == 100
    assert "is confirmed as of today" in response.content.decode()


def test_stating_and_updating_capacity(client_for, supplier_user, supplier_org):
    client = client_for(supplier_user)
    data = {"category": "gas", "quantity_per_week": "40", "unit": "cyl", "lead_time_days": "5", "notes": ""}
    client.post(CAPACITY_SAVE, data)
    response = client.get(CAPACITY_SAVE, {"category": "gas"})
    assert response.context["form"].initial["quantity_per_week"] == 40
    client.post(CAPACITY_SAVE, {**data, "quantity_per_week": "60"})
    capacity = SupplierCapacity.objects.get()
    assert capacity.supplier == supplier_org and capacity.quantity_per_week == 60


@pytest.mark.parametrize(
    "changes, field",
    [({"quantity_per_week": "-1"}, "quantity_per_week"), ({"category": "wafer"}, "category"), ({"unit": "x"}, "unit")],
)
def test_bad_capacity_input_is_shown_inline(client_for, supplier_user, changes, field):
    data = {"category": "gas", "quantity_per_week": "40", "unit": "cyl", "lead_time_days": "5", **changes}
    response = client_for(supplier_user).post(CAPACITY_SAVE, data)
    assert response.status_code == 200 and field in response.context["form"].errors
    assert not SupplierCapacity.objects.exists()


def test_capacity_pages_for_other_roles(web_role, supplier_org):
    capacity = SupplierCapacityFactory(supplier=supplier_org)
    role, client = web_role
    for response in (client.get(CAPACITY_SAVE), client.post(reverse("supply:capacity_confirm", args=[capacity.pk]))):
        if role == "supplier_user":
            assert response.status_code in (200, 302)
        else:
            _expect_denied(role, response)


def test_capacity_writes_are_refused_to_viewers_and_wrong_methods(
    client_for, supplier_viewer, supplier_user, supplier_org
):
    capacity = SupplierCapacityFactory(supplier=supplier_org)
    confirm = reverse("supply:capacity_confirm", args=[capacity.pk])
    assert client_for(supplier_viewer).get(CAPACITY_SAVE).status_code == 403
    assert client_for(supplier_viewer).post(confirm).status_code == 403
    assert client_for(supplier_user).get(confirm).status_code == 405
    assert client_for(supplier_user).post(CAPACITY).status_code == 405


def test_another_suppliers_capacity_is_not_found(client_for, other_supplier_user, supplier_org):
    capacity = SupplierCapacityFactory(supplier=supplier_org)
    assert (
        client_for(other_supplier_user).post(reverse("supply:capacity_confirm", args=[capacity.pk])).status_code == 404
    )


def test_fab_of_another_kind_cannot_commit(client_for, approved):
    fab_user = MembershipFactory(organisation=FabFactory(), role=Membership.Role.ADMIN).user
    assert client_for(fab_user).post(_page(approved), _commit_data()).status_code == 403
