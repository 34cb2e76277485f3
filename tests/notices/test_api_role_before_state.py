"""Authorization before state (issue 8): a caller without the role for a notice action is refused with 403
whatever state the notice is in (or 404 where it does not read the notice), never told the state (409)."""

import pytest

from notices.models import Notice

from ..api_helpers import api_client
from ..refusals import assert_refused
from .factories import make_notice

pytestmark = pytest.mark.django_db

N = Notice.Status


@pytest.mark.parametrize("status", N.values)
@pytest.mark.parametrize("name", ["publish", "archive"])
@pytest.mark.parametrize("role", ["org_admin", "org_member", "write_key"])
def test_only_the_secretariat_publishes_or_archives_whatever_the_state(role, name, status, request, org):
    notice = make_notice(status=status)

    response = api_client(role, request).post(f"/api/v1/notices/{notice.pk}/{name}/", {}, "application/json")

    # The permission refuses before the notice is looked up: 403 whether or not the caller reads it.
    assert_refused(response, 403)
    notice.refresh_from_db()
    assert notice.status == status


@pytest.mark.parametrize("requires_ack", [True, False])
@pytest.mark.parametrize("status", [N.PUBLISHED, N.ARCHIVED])
@pytest.mark.parametrize("role", ["org_viewer", "read_key"])
def test_a_read_only_member_is_403_on_acknowledge_whatever_the_notice(role, status, requires_ack, request, org):
    notice = make_notice(status=status, requires_ack=requires_ack)
    client = api_client(role, request)
    assert client.get(f"/api/v1/notices/{notice.pk}/").status_code == 200, "reads it"

    response = client.post(f"/api/v1/notices/{notice.pk}/acknowledge/", {}, content_type="application/json")

    assert_refused(response, 403)
    assert not notice.acknowledgements.exists()
