"""Authorization before state (issue 8): only the secretariat works assistance cases; anyone else who reads a case
is refused with 403 whatever state the case is in, never told the state (409)."""

import pytest

from assistance.models import AssistanceCase

from ..api_helpers import api_client
from ..refusals import assert_refused
from .factories import AssistanceCaseFactory

pytestmark = pytest.mark.django_db

ACTIONS = {
    "assign": {"assignee": 1},
    "resolve": {"resolution": "Pass issued."},
    "close": {"resolution": "Not pursued."},
    "reopen": {},
    "notes": {"text": "Called them.", "internal": False},
}


@pytest.mark.parametrize("status", AssistanceCase.Status.values)
@pytest.mark.parametrize("name", ACTIONS)
@pytest.mark.parametrize("role", ["org_admin", "org_member", "org_viewer", "write_key"])
def test_a_member_is_403_on_a_case_action_whatever_its_state(role, name, status, request, org, secretariat):
    case = AssistanceCaseFactory(organisation=org, status=status)
    body = {**ACTIONS[name], "assignee": secretariat.pk} if name == "assign" else ACTIONS[name]
    client = api_client(role, request)
    assert client.get(f"/api/v1/assistance-cases/{case.pk}/").status_code == 200, "reads it"
    before = (case.status, case.assignee_id, case.notes.count())

    response = client.post(f"/api/v1/assistance-cases/{case.pk}/{name}/", body, content_type="application/json")

    assert_refused(response, 403)
    case.refresh_from_db()
    assert (case.status, case.assignee_id, case.notes.count()) == before
