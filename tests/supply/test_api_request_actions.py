"""The workflow of a supply request through the API: every allowed transition happens and is recorded, every
refused one is a 409 that changes nothing; each action against each role; history and suggested suppliers."""

from datetime import timedelta

import pytest
from django.utils import timezone

from supply import services
from supply.models import RequestTransition, SupplyRequest

from ..api_helpers import login
from ..members.factories import SiteFactory
from .factories import (
    QualificationFactory,
    SupplierCapacityFactory,
    SupplierFactory,
    SupplyRequestFactory,
    category,
)
from .helpers import FAB_ROLES, FAB_WRITERS_API, ROLES, SUPPLIER_ROLES, S, post, snapshot, supply_client

# Declared, not only reached through fixtures, so pytest-django orders these before transactional tests.
pytestmark = pytest.mark.django_db

ACTION_TARGET = {
    "submit": S.SUBMITTED,
    "approve": S.APPROVED,
    "reject": S.REJECTED,
    "cancel": S.CANCELLED,
    "fulfil": S.FULFILLED,
}


def action_url(supply_request, name: str) -> str:
    return f"/api/v1/supply-requests/{supply_request.pk}/{name}/"


def in_state(org, site, status: str) -> SupplyRequest:
    return SupplyRequestFactory(
        organisation=org,
        site=site,
        status=status,
        submitted_at=None if status == S.DRAFT else timezone.now(),
    )


def deliver_all(supply_request) -> None:
    SupplyRequest.objects.filter(pk=supply_request.pk).update(
        qty_committed=supply_request.quantity, qty_delivered=supply_request.quantity
    )


# --- every transition of the workflow ----------------------------------------------------------------------------

ALLOWED = [
    (S.DRAFT, "submit", "org_member"),
    (S.DRAFT, "cancel", "org_admin"),
    (S.SUBMITTED, "approve", "secretariat"),
    (S.SUBMITTED, "reject", "secretariat"),
    (S.SUBMITTED, "cancel", "write_key"),
    (S.SUBMITTED, "cancel", "secretariat"),
    (S.APPROVED, "cancel", "org_member"),
    (S.APPROVED, "cancel", "secretariat"),
    (S.APPROVED, "fulfil", "org_member"),
    (S.APPROVED, "fulfil", "secretariat"),
]


@pytest.mark.parametrize(("start", "name", "role"), ALLOWED)
def test_allowed_transitions_happen_and_are_recorded(start, name, role, request, org, fab_site):
    supply_request = in_state(org, fab_site, start)
    if name == "fulfil":
        deliver_all(supply_request)

    response = post(supply_client(role, request), action_url(supply_request, name), {"reason": "As agreed"})

    assert response.status_code == 200, response.content
    target = ACTION_TARGET[name]
    assert response.json()["status"] == target
    assert response["ETag"]
    supply_request.refresh_from_db()
    assert supply_request.status == target
    step = supply_request.transitions.get()
    # Submitting takes no reason; every other step keeps the one given.
    assert (step.from_status, step.to_status, step.reason) == (start, target, "" if name == "submit" else "As agreed")
    if role == "write_key":
        assert step.by is None
        assert step.by_api_key is not None
    else:
        assert step.by == request.getfixturevalue(role)


REFUSED = [
    (start, name)
    for start in S.values
    for name, target in ACTION_TARGET.items()
    if (start, target) not in services.TRANSITIONS
]


@pytest.mark.parametrize(("start", "name"), REFUSED)
def test_transitions_not_in_the_workflow_are_409_and_change_nothing(
    start, name, secretariat, org_member, org, fab_site
):
    supply_request = in_state(org, fab_site, start)
    before = snapshot(supply_request)
    # A party that may take this step from some state (submitting is the fab's own: the secretariat gets a 403).
    actor = org_member if name == "submit" else secretariat

    response = post(login(actor), action_url(supply_request, name), {"reason": "Trying"})

    assert response.status_code == 409, response.content
    body = response.json()
    assert body["code"] == "transition_not_allowed"
    assert body["status"] == start
    assert "cannot become" in body["detail"]
    assert snapshot(supply_request) == before
    assert not supply_request.transitions.exists()


def test_an_approved_request_is_closed_as_fulfilled_only_once_delivered(org_member, approved):
    before = snapshot(approved)

    response = post(login(org_member), action_url(approved, "fulfil"))

    assert response.status_code == 409
    assert response.json()["code"] == "not_delivered"
    assert "0 of 50 litres" in response.json()["detail"]
    assert snapshot(approved) == before


def test_cancelling_declines_the_unshipped_commitments(org_member, commitment, approved):
    response = post(login(org_member), action_url(approved, "cancel"), {"reason": "Found stock"})

    assert response.status_code == 200
    assert response.json()["qty_committed"] == "0.000"
    commitment.refresh_from_db()
    assert (commitment.status, commitment.reason) == ("declined", "Found stock")


@pytest.mark.parametrize("name", ["reject", "cancel"])
@pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": "   "}])
def test_rejecting_or_cancelling_needs_a_reason(name, body, secretariat, submitted):
    before = snapshot(submitted)

    response = post(login(secretariat), action_url(submitted, name), body)

    assert response.status_code == 400
    assert "reason" in response.json()
    assert snapshot(submitted) == before


def test_submitting_a_draft_that_became_invalid_is_400(org_member, draft, fab_site):
    fab_site.is_active = False
    fab_site.save()

    response = post(login(org_member), action_url(draft, "submit"))

    assert response.status_code == 400
    assert "site" in response.json()
    draft.refresh_from_db()
    assert draft.status == S.DRAFT


# --- each action against each role -------------------------------------------------------------------------------

# (action, the fixture it acts on, body, who succeeds); everyone else is refused as below.
ACTIONS = [
    ("submit", "draft", {}, FAB_WRITERS_API),
    ("approve", "submitted", {}, {"secretariat"}),
    ("reject", "submitted", {"reason": "Not critical"}, {"secretariat"}),
    ("cancel", "submitted", {"reason": "Found stock"}, FAB_WRITERS_API | {"secretariat"}),
    ("reconfirm", "approved", {}, FAB_WRITERS_API),
    ("override-priority", "submitted", {"priority": 500, "reason": "Line stops"}, {"secretariat"}),
    ("fulfil", "delivered_request", {}, FAB_WRITERS_API | {"secretariat"}),
]


@pytest.fixture
def delivered_request(approved):
    deliver_all(approved)
    return approved


def visible(role: str, fixture: str) -> bool:
    if role == "secretariat" or role in FAB_ROLES:
        return True
    if role in SUPPLIER_ROLES:
        return fixture in ("approved", "delivered_request")
    if role == "partner_key":
        return fixture != "draft"
    return False


def expected_status(role: str, fixture: str, winners: set[str]) -> int:
    if role == "anonymous":
        return 401
    if role in ("read_key", "partner_key"):
        return 403  # a read key is refused before anything is looked up
    if not visible(role, fixture):
        return 404
    return 200 if role in winners else 403


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "fixture", "body", "winners"), ACTIONS)
def test_action_by_role(name, fixture, body, winners, role, request):
    supply_request = request.getfixturevalue(fixture)
    before = snapshot(supply_request)

    response = post(supply_client(role, request), action_url(supply_request, name), body)

    expected = expected_status(role, fixture, winners)
    assert response.status_code == expected, response.content
    if expected == 200:
        assert response.json()["id"] == supply_request.pk
    else:
        assert snapshot(supply_request) == before


@pytest.mark.parametrize("name", ["submit", "approve", "reject", "cancel", "fulfil", "reconfirm", "override-priority"])
def test_actions_refuse_get(name, secretariat, submitted):
    assert login(secretariat).get(action_url(submitted, name)).status_code == 405


@pytest.mark.parametrize("name", ["transitions", "suggested-suppliers"])
def test_read_only_sub_resources_refuse_post(name, secretariat, submitted):
    assert post(login(secretariat), action_url(submitted, name)).status_code == 405


def test_an_action_retried_with_idempotency_key_answers_the_same(secretariat, submitted):
    client = login(secretariat)

    first = post(client, action_url(submitted, "approve"), {}, **{"Idempotency-Key": "approve-1"})
    second = post(client, action_url(submitted, "approve"), {}, **{"Idempotency-Key": "approve-1"})
    third = post(client, action_url(submitted, "approve"), {})

    assert first.status_code == second.status_code == 200
    assert second.json() == first.json()
    assert third.status_code == 409
    assert submitted.transitions.filter(to_status=S.APPROVED).count() == 1


# --- re-confirming and overriding ------------------------------------------------------------------------------


def test_reconfirming_clears_the_stale_mark(org_member, submitted):
    SupplyRequest.objects.filter(pk=submitted.pk).update(confirmed_at=timezone.now() - timedelta(days=8))

    response = post(login(org_member), action_url(submitted, "reconfirm"))

    assert response.status_code == 200
    assert response.json()["is_stale"] is False
    submitted.refresh_from_db()
    assert not submitted.is_stale


@pytest.mark.parametrize("fixture", ["draft"])
def test_only_an_open_request_is_reconfirmed(fixture, request, org_member):
    supply_request = request.getfixturevalue(fixture)
    before = snapshot(supply_request)

    response = post(login(org_member), action_url(supply_request, "reconfirm"))

    assert response.status_code == 409
    assert response.json()["code"] == "not_open"
    assert snapshot(supply_request) == before


def test_override_moves_the_request_and_keeps_the_reason(secretariat, submitted):
    client = login(secretariat)

    response = post(client, action_url(submitted, "override-priority"), {"priority": 999, "reason": "Line stops"})

    assert response.status_code == 200
    body = response.json()
    assert (body["priority"], body["priority_override"], body["override_reason"]) == (999, 999, "Line stops")
    assert body["priority_score"] == 80
    submitted.refresh_from_db()
    assert submitted.history.first().history_change_reason == "Line stops"

    cleared = post(client, action_url(submitted, "override-priority"), {"priority": None, "reason": "Back to normal"})

    assert cleared.status_code == 200
    assert (cleared.json()["priority"], cleared.json()["priority_override"]) == (80, None)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"priority": 5}, "reason"),
        ({"priority": 5, "reason": "  "}, "reason"),
        ({"reason": "Why not"}, "priority"),
        ({"priority": "top", "reason": "Why not"}, "priority"),
        ({"priority": 10**10, "reason": "Why not"}, "priority"),
        ({"priority": 5, "reason": "x" * 301}, "reason"),
    ],
)
def test_override_with_bad_input_is_400_and_changes_nothing(body, field, secretariat, submitted):
    before = snapshot(submitted)

    response = post(login(secretariat), action_url(submitted, "override-priority"), body)

    assert response.status_code == 400
    assert field in response.json()
    assert snapshot(submitted) == before


# --- history -----------------------------------------------------------------------------------------------------

HISTORY_EXPECTED = {
    "secretariat": 200,
    "org_admin": 200,
    "org_member": 200,
    "org_viewer": 200,
    "read_key": 200,
    "write_key": 200,
    "supplier_user": 403,  # sees the request, not its history
    "supplier_viewer": 403,
    "supplier_key": 403,
    "partner_key": 403,
    "other_fab_user": 404,
    "no_org_user": 404,
    "anonymous": 401,
}


@pytest.mark.parametrize("role", ROLES)
def test_history_by_role(role, request, approved):
    response = supply_client(role, request).get(action_url(approved, "transitions"))

    assert response.status_code == HISTORY_EXPECTED[role]


def test_history_lists_each_step_with_who_when_and_why(org_admin, secretariat, approved):
    client = login(org_admin)
    post(client, action_url(approved, "cancel"), {"reason": "Found stock"})

    steps = client.get(action_url(approved, "transitions")).json()

    assert [(s["from"], s["to"], s["reason"]) for s in steps] == [
        ("", "draft", ""),
        ("draft", "submitted", ""),
        ("submitted", "approved", ""),
        ("approved", "cancelled", "Found stock"),
    ]
    assert steps[2]["by"] == (secretariat.get_full_name() or secretariat.username)
    assert steps[3]["by"] == (org_admin.get_full_name() or org_admin.username)
    assert all(s["at"] for s in steps)


def test_history_names_the_api_key(request, draft):
    client = supply_client("write_key", request)
    post(client, action_url(draft, "submit"))

    steps = client.get(action_url(draft, "transitions")).json()

    assert steps[-1]["by"].startswith("API key ")
    assert steps[-1]["by"].endswith("(write_key)")


# --- suggested suppliers ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_suggested_suppliers_by_role(role, request, approved):
    response = supply_client(role, request).get(action_url(approved, "suggested-suppliers"))

    assert response.status_code == HISTORY_EXPECTED[role]


def test_suggested_suppliers_put_qualified_then_fresh_capacity_then_same_province_first(org_admin, org, approved):
    resist = category("photoresist")
    SupplierFactory(name_en="A Far Supplier", province="guangdong", city="深圳")
    near = SupplierFactory(name_en="B Near Supplier", province="hubei", city="武汉")
    fresh = SupplierFactory(name_en="C Fresh Capacity", province="guangdong", city="深圳")
    qualified = SupplierFactory(name_en="D Qualified", province="guangdong", city="深圳")
    SupplierFactory(name_en="E Gas Only", supplies=["gas"])
    SupplierCapacityFactory(supplier=fresh, category=resist)
    stale = SupplierCapacityFactory(supplier=near, category=resist)
    stale.confirmed_at = timezone.now() - timedelta(days=30)
    stale.save()
    QualificationFactory(fab=org, supplier=qualified, category=resist)

    rows = login(org_admin).get(action_url(approved, "suggested-suppliers")).json()

    names = [row["name_en"] for row in rows]
    assert names[:4] == ["D Qualified", "C Fresh Capacity", "B Near Supplier", "A Far Supplier"]
    assert "E Gas Only" not in names
    by_name = {row["name_en"]: row for row in rows}
    assert by_name["D Qualified"]["is_qualified"] is True
    assert by_name["C Fresh Capacity"]["has_fresh_capacity"] is True
    assert by_name["C Fresh Capacity"]["capacity_per_week"] == "100.000"
    assert by_name["B Near Supplier"]["same_province"] is True
    assert by_name["B Near Supplier"]["has_fresh_capacity"] is False
    assert by_name["A Far Supplier"]["capacity_per_week"] is None


def test_suggested_suppliers_leave_out_inactive_ones(org_admin, approved):
    SupplierFactory(name_en="Withdrawn Supplier", status="withdrawn")

    rows = login(org_admin).get(action_url(approved, "suggested-suppliers")).json()

    assert "Withdrawn Supplier" not in [row["name_en"] for row in rows]


# --- what a commitment does to the request ---------------------------------------------------------------------


def test_rolled_up_quantities_show_on_the_request(org_admin, approved, shipped):
    body = login(org_admin).get(f"/api/v1/supply-requests/{approved.pk}/").json()

    assert (body["qty_committed"], body["qty_in_transit"], body["qty_delivered"]) == ("20.000", "20.000", "0.000")
    assert body["remaining"] == "30.000"
    assert (body["committed_state"], body["delivered_state"]) == ("partial", "nothing")


def test_history_is_not_a_list_of_everyone_elses(org_admin, approved, other_fab):
    theirs = SupplyRequestFactory(organisation=other_fab, site=SiteFactory(organisation=other_fab))
    RequestTransition.objects.create(request=theirs, from_status="", to_status="draft")

    steps = login(org_admin).get(action_url(approved, "transitions")).json()

    assert len(steps) == 3
