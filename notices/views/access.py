"""Who may open which notice page. A notice outside the member's audience is a 404, as if it did not exist."""

from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from members.models import Membership
from members.selectors import membership_for
from members.views.access import forbidden, secretariat_required

from ..models import Notice
from ..selectors import visible_notices

__all__ = ["forbidden", "secretariat_required", "visible_notice", "membership_for"]


def visible_notice(request: HttpRequest, pk: int) -> Notice:
    membership: Membership | None = membership_for(request.user)
    notices = visible_notices(
        organisation=membership.organisation if membership else None, is_staff=request.user.is_staff
    )
    return get_object_or_404(notices, pk=pk)
