"""Who may open which notice page. A notice outside the member's audience is a 404, as if it did not exist."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from members.models import Membership
from members.selectors import membership_for
from members.views.access import forbidden

from ..models import Notice
from ..selectors import visible_notices

__all__ = ["forbidden", "secretariat_required", "visible_notice", "membership_for"]


def secretariat_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_staff:
            return forbidden(request, _("Only the secretariat can open this page."))
        return view(request, *args, **kwargs)

    return wrapper


def visible_notice(request: HttpRequest, pk: int) -> Notice:
    membership: Membership | None = membership_for(request.user)
    notices = visible_notices(
        organisation=membership.organisation if membership else None, is_staff=request.user.is_staff
    )
    return get_object_or_404(notices, pk=pk)
