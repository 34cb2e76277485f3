"""Authorization before state (issue 8): a caller without the role for a pledge or appeal action is refused with
403 whatever state the record is in; the state (409) is only told to one who may act."""

import pytest

from donations import services
from donations.models import Appeal, Pledge

from ..api_helpers import api_client, key_client, login
from ..members.factories import make_api_key
from ..refusals import assert_refused
from .factories import secretariat_actor

pytestmark = pytest.mark.django_db

P = Pledge.Status
ACTIONS = {
    "confirm": {},
    "dispatch": {"carrier": "shunda-test", "tracking_number": "SF9"},
    "deliver": {},
    "acknowledge": {},
    "cancel": {"reason": "plant closed"},
}
# Who reads the pledge but may not take the action: the donor's writers on the secretariat's steps, the donor's
# viewer on every step, the carrier (which reads dispatched and delivered pledges) on every step.
REFUSED = [
    *[(role, name) for role in ("org_member", "write_key") for name in ("confirm", "deliver", "acknowledge")],
    *[("org_viewer", name) for name in ACTIONS],
    *[(role, name) for role in ("carrier", "carrier_key") for name in ACTIONS],
]
STATES = [P.PLEDGED, P.CONFIRMED, P.DISPATCHED, P.DELIVERED, P.ACKNOWLEDGED, P.CANCELLED]


def _client(role: str, request, carrier_org, carrier_user):
    if role == "carrier":
        return login(carrier_user)
    if role == "carrier_key":
        from members.models import ApiKey

        return key_client(make_api_key(carrier_org, scope=ApiKey.Scope.WRITE)[1])
    return api_client(role, request)


def _pledge_in(status: str, make_pledge) -> Pledge:
    if status == P.CANCELLED:
        return services.pledge_cancel(pledge=make_pledge("pledged"), actor=secretariat_actor(), reason="x")
    return make_pledge(status)


@pytest.mark.parametrize("status", STATES)
@pytest.mark.parametrize(("role", "name"), REFUSED)
def test_a_caller_without_the_role_is_403_on_a_pledge_in_any_state(
    role, name, status, request, make_pledge, carrier_org, carrier_user
):
    pledge = _pledge_in(status, make_pledge)
    client = _client(role, request, carrier_org, carrier_user)
    # A caller that does not read the pledge in this state (the carrier before dispatch) gets the 404 of a record
    # it does not see; every other gets the 403 of its role, never the 409 of the state.
    reads = client.get(f"/api/v1/pledges/{pledge.pk}/").status_code == 200

    response = client.post(f"/api/v1/pledges/{pledge.pk}/{name}/", ACTIONS[name], content_type="application/json")

    assert_refused(response, 403 if reads else 404)
    pledge.refresh_from_db()
    assert pledge.status == status


@pytest.mark.parametrize("status", [Appeal.Status.OPEN, Appeal.Status.CLOSED])
@pytest.mark.parametrize("name", ["open", "close"])
@pytest.mark.parametrize("role", ["org_admin", "write_key"])
def test_only_the_secretariat_opens_or_closes_an_appeal_whatever_its_state(role, name, status, request, appeal):
    Appeal.objects.filter(pk=appeal.pk).update(status=status)

    response = api_client(role, request).post(f"/api/v1/appeals/{appeal.pk}/{name}/", {}, "application/json")

    assert_refused(response, 403)
    appeal.refresh_from_db()
    assert appeal.status == status
