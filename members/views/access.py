"""Who may see and change what: every page that acts on "my organisation" goes through these."""

from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from django.contrib.auth.decorators import login_required
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from ..models import Organisation
from ..selectors import membership_for


def posted(request: HttpRequest):
    """The form data of a POST, None otherwise: an empty POST is still a submission, to be validated."""
    return request.POST if request.method == "POST" else None


def forbidden(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "members/forbidden.html", {"message": message}, status=403)


def secretariat_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The secretariat's own pages (staff users); anyone else signed in gets the 403 page."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_staff:
            return forbidden(request, _("Only the secretariat can open this page."))
        return view(request, *args, **kwargs)

    return wrapper


def org_admin_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Pages that change the user's own organisation: the view receives the user's membership.

    Members and viewers get a 403, and so do users without an organisation (the secretariat works in the admin).
    """

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        membership = membership_for(request.user)
        if membership is None:
            return forbidden(request, _("Your account does not belong to a member organisation."))
        if not membership.can_edit:
            return forbidden(request, _("Only your organisation's administrators can change this."))
        return view(request, membership, *args, **kwargs)

    return wrapper


M = TypeVar("M", bound=Model)


def get_for_organisation(model: type[M] | QuerySet[M], organisation: Organisation, pk: int) -> M:
    """A record of the user's own organisation; another organisation's id is a 404, as if it did not exist."""
    queryset = model._default_manager.all() if isinstance(model, type) else model
    return get_object_or_404(queryset.filter(organisation=organisation), pk=pk)
