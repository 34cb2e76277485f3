"""Who may see and change what: every page that acts on "my organisation" goes through these.

The decorators ask members.rules (the Actor the services check again), never a copy of the rule: a page can refuse
early, the service refuses anyway.
"""

from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from django.contrib.auth.decorators import login_required
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from alliance_portal.errors import NotAllowed

from ..models import Membership, Organisation
from ..rules import MSG_NO_ORGANISATION, Actor, actor_for_user
from ..selectors import membership_for


def posted(request: HttpRequest):
    """The form data of a POST, None otherwise: an empty POST is still a submission, to be validated."""
    return request.POST if request.method == "POST" else None


def forbidden(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "members/forbidden.html", {"message": message}, status=403)


def actor_for(request: HttpRequest, membership: Membership | None = None) -> Actor:
    """The signed-in user as the services know them (members.rules), looked up once per request (with the membership
    already looked up, if given). The one meaning of "actor" on the web; the API has get_caller(request).actor."""
    actor = getattr(request, "_portal_actor", None)
    if actor is None:
        actor = actor_for_user(request.user, membership if membership is not None else membership_for(request.user))
        request._portal_actor = actor  # type: ignore[attr-defined]
    return actor


def org_admin_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Pages that change the user's own organisation: the view receives the user's membership.

    Members and viewers get a 403, and so do administrators of an organisation that is suspended or has withdrawn,
    and users without an organisation (the secretariat works in the admin).
    """

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        membership = membership_for(request.user)
        if membership is None:
            return forbidden(request, str(MSG_NO_ORGANISATION))
        refusal = actor_for(request, membership).refusal(admin=True)
        if refusal is not None:
            return forbidden(request, str(refusal.message))
        return view(request, membership, *args, **kwargs)

    return wrapper


def secretariat_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_staff:
            return forbidden(request, _("Only the secretariat can open this page."))
        return view(request, *args, **kwargs)

    return wrapper


def service_refused(request: HttpRequest, error: NotAllowed) -> HttpResponse:
    """A service's NotAllowed on a page: the 403 page with the service's reason."""
    return forbidden(request, str(error.message))


M = TypeVar("M", bound=Model)


def get_for_organisation(model: type[M] | QuerySet[M], organisation: Organisation, pk: int) -> M:
    """A record of the user's own organisation; another organisation's id is a 404, as if it did not exist."""
    queryset = model._default_manager.all() if isinstance(model, type) else model
    return get_object_or_404(queryset.filter(organisation=organisation), pk=pk)
