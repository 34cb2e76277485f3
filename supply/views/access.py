"""Who may open which supply page, and how a page turns a service's answer into what the person sees.

A fab's pages need a membership of a fab, a supplier's pages one of a supplier, and the secretariat's pages a
staff account (members.views.access.secretariat_required); anyone else gets the 403 page. Viewers read; writing
(any POST, and the pages that only exist to write) needs what members.rules calls `can_write`: the admin or member
role in an organisation in good standing. The records themselves are looked up through the organisation, so another
organisation's id is a 404 (see the scoped look-ups in each screen's module).
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from alliance_portal import web
from alliance_portal.errors import StrOrPromise
from alliance_portal.web import act
from members.models import Organisation
from members.rules import Actor
from members.views.access import actor_for, forbidden, posted, secretariat_required

__all__ = [
    "posted",
    "forbidden",
    "actor_for",
    "member_of",
    "organisation_of",
    "secretariat_required",
    "act",
    "form_page",
]


_WRONG_KIND: dict[str, StrOrPromise] = {
    Organisation.Kind.FAB: gettext_lazy("These pages are for IC manufacturers (fabs) filing supply requests."),
    Organisation.Kind.SUPPLIER: gettext_lazy("These pages are for materials suppliers."),
}


def member_of(kind: str, *, write: bool = False) -> Callable:
    """The view receives the user's Actor, of an organisation of this kind. With `write`, and for any POST, an actor
    that may not write (members.rules: a viewer, or an organisation suspended or withdrawn) gets the 403 page
    with the rule's own reason; the services ask the same question again."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            actor = actor_for(request)
            if actor.kind != kind:
                return forbidden(request, str(_WRONG_KIND[kind]))
            if (write or request.method == "POST") and not actor.can_write:
                refusal = actor.refusal()
                reason = refusal.message if refusal is not None else _("Your organisation or role cannot do this.")
                return forbidden(request, str(reason))
            return view(request, actor, *args, **kwargs)

        return wrapper

    return decorator


def organisation_of(actor: Actor) -> Organisation:
    """The organisation of an actor that `member_of` let through (so it has one)."""
    if actor.organisation is None:
        raise PermissionDenied
    return actor.organisation


def form_page(request: HttpRequest, *, template: str = "supply/action_form.html", **kwargs: Any) -> HttpResponse:
    """alliance_portal.web.form_page with supply's action page."""
    return web.form_page(request, template=template, **kwargs)
