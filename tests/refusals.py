"""One way to say "this role is refused", for every door.

- `refused_by_service()`: a service call raises NotAllowed (and the test then checks nothing changed).
- `assert_refused(response)`: a web page answers the 403 page, an API call a 403 with the error body, the admin a
  redirect back with an error message; `status` for the doors that answer 404 (another organisation's record) or
  302 (anonymous sent to sign in).
- `suspended(org)` / `withdrawn(org)`: put an organisation out of good standing for the rest of the test.
"""

from contextlib import contextmanager

import pytest

from alliance_portal.errors import NotAllowed
from members.models import Organisation


@contextmanager
def refused_by_service(code: str | None = None):
    with pytest.raises(NotAllowed) as caught:
        yield caught
    if code is not None:
        assert caught.value.code == code, f"refused for {caught.value.code!r}, expected {code!r}"


def assert_refused(response, status: int = 403) -> None:
    assert response.status_code == status, f"expected {status}, got {response.status_code}: {response.content[:300]!r}"
    if status == 403 and response.get("Content-Type", "").startswith("application/json"):
        assert "detail" in response.json(), "a 403 from the API names why"


def assert_admin_refused(response, client) -> None:
    """An admin action that a service refused: back to the list with an error message, nothing else."""
    assert response.status_code in (200, 302), response.status_code
    follow = client.get(response["Location"]) if response.status_code == 302 else response
    assert any(m.level_tag == "error" for m in follow.context["messages"]), "the admin says why it refused"


def suspended(org: Organisation) -> Organisation:
    Organisation.objects.filter(pk=org.pk).update(status=Organisation.Status.SUSPENDED)
    org.refresh_from_db()
    return org


def withdrawn(org: Organisation) -> Organisation:
    Organisation.objects.filter(pk=org.pk).update(status=Organisation.Status.WITHDRAWN)
    org.refresh_from_db()
    return org
