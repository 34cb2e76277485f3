"""Authorization before state (issue 8): a caller without the role for an action is refused with 403 whatever
state the request or commitment is in; only a caller who may act learns about the state (409)."""

import pytest
from django.utils import timezone

from supply.models import Commitment, SupplyRequest

from .factories import CommitmentFactory, SupplyRequestFactory
from .helpers import C, S, post, snapshot, supply_client

pytestmark = pytest.mark.django_db

REQUEST_ACTIONS = {
    "submit": {},
    "approve": {},
    "reject": {"reason": "No"},
    "cancel": {"reason": "No"},
    "fulfil": {},
    "reconfirm": {},
    "override-priority": {"priority": 5, "reason": "No"},
}
# Who may not take the action, though it reads the request in every state: the fab's viewer; the fab's member
# for the secretariat's steps; a supplier that has offered some of it for the fab's and the secretariat's steps.
REFUSED = [
    *[("org_viewer", name) for name in REQUEST_ACTIONS],
    *[("org_member", name) for name in ("approve", "reject", "override-priority")],
    *[("write_key", name) for name in ("approve", "reject", "override-priority")],
    *[("supplier_user", name) for name in REQUEST_ACTIONS],
    *[("supplier_key", name) for name in REQUEST_ACTIONS],
]


def request_in(status: str, org, fab_site, supplier_org) -> SupplyRequest:
    supply_request = SupplyRequestFactory(
        organisation=org,
        site=fab_site,
        status=status,
        submitted_at=None if status == S.DRAFT else timezone.now(),
    )
    # The supplier has offered some of it, so it reads the request whatever its state.
    CommitmentFactory(request=supply_request, supplier=supplier_org)
    return supply_request


@pytest.mark.parametrize("status", S.values)
@pytest.mark.parametrize(("role", "name"), REFUSED)
def test_a_caller_without_the_role_is_403_on_a_request_in_any_state(
    role, name, status, request, org, fab_site, supplier_org
):
    supply_request = request_in(status, org, fab_site, supplier_org)
    client = supply_client(role, request)
    assert client.get(f"/api/v1/supply-requests/{supply_request.pk}/").status_code == 200, "reads it"
    before = snapshot(supply_request)

    response = post(client, f"/api/v1/supply-requests/{supply_request.pk}/{name}/", REQUEST_ACTIONS[name])

    assert response.status_code == 403, response.content
    assert snapshot(supply_request) == before


COMMITMENT_ACTIONS = {
    "accept": {},
    "decline": {"reason": "No"},
    "ship": {},
    "deliver": {},
    "withdraw": {"reason": "No"},
}
# The fab decides on offers (accept, decline); the supplier ships, delivers and withdraws its own.
REFUSED_ON_COMMITMENTS = [
    *[("org_viewer", name) for name in COMMITMENT_ACTIONS],
    *[("supplier_viewer", name) for name in COMMITMENT_ACTIONS],
    *[("supplier_user", name) for name in ("accept", "decline", "deliver")],
    *[("org_member", name) for name in ("ship", "withdraw")],
]


@pytest.mark.parametrize("status", C.values)
@pytest.mark.parametrize(("role", "name"), REFUSED_ON_COMMITMENTS)
def test_a_caller_without_the_role_is_403_on_a_commitment_in_any_state(
    role, name, status, request, org, fab_site, supplier_org
):
    supply_request = SupplyRequestFactory(
        organisation=org, site=fab_site, status=S.APPROVED, submitted_at=timezone.now()
    )
    commitment = CommitmentFactory(request=supply_request, supplier=supplier_org, status=status)
    client = supply_client(role, request)
    assert client.get(f"/api/v1/commitments/{commitment.pk}/").status_code == 200, "reads it"
    before = snapshot(commitment)

    response = post(client, f"/api/v1/commitments/{commitment.pk}/{name}/", COMMITMENT_ACTIONS[name])

    assert response.status_code == 403, response.content
    assert snapshot(commitment) == before
    assert Commitment.objects.get(pk=commitment.pk).status == status
