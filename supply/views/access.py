"""Who may open which supply page, and how a page turns a service's answer into what the person sees.

A fab's pages need a membership of a fab, a supplier's pages one of a supplier, and the secretariat's pages a
staff account (members.views.access.secretariat_required); anyone else gets the 403 page. Viewers read; writing
(any POST, and the pages that only exist to write) needs what members.rules calls `can_write`: the admin or member
role in an organisation in good standing. The records themselves are looked up through the organisation, so another
organisation's id is a 404 (see the scoped look-ups in each screen's module).
"""

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from alliance_portal.errors import ConflictError, NotAllowed, StrOrPromise
from members.models import Organisation
from members.rules import Actor
from members.views.access import actor_for, forbidden, posted, secretariat_required

from ..forms import add_service_errors

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
                return _refused(request, actor.refusal())
            return view(request, actor, *args, **kwargs)

        return wrapper

    return decorator


def organisation_of(actor: Actor) -> Organisation:
    """The organisation of an actor that `member_of` let through (so it has one)."""
    if actor.organisation is None:
        raise PermissionDenied
    return actor.organisation


def _refused(request: HttpRequest, error: NotAllowed | None) -> HttpResponse:
    if error is None:
        return forbidden(request, _("Your organisation or role cannot do this."))
    return forbidden(request, str(error.message))


T = TypeVar("T")


def act(request: HttpRequest, call: Callable[[], T], *, done: str | Callable[[T], str], then: str) -> HttpResponse:
    """A one-click action: call the service, flash what happened, go back to `then`.

    A refused transition is a message and nothing changes (the service's transaction rolled back)."""
    try:
        result = call()
    except NotAllowed as error:
        return _refused(request, error)
    except ConflictError as error:
        messages.error(request, error.message)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done(result) if callable(done) else done)
    return redirect(then)


def form_page(
    request: HttpRequest,
    *,
    form: forms.BaseForm,
    save: Callable[[dict[str, Any]], T],
    done: str | Callable[[T], str],
    then: str,
    template: str = "supply/action_form.html",
    context: dict[str, Any] | None = None,
) -> HttpResponse:
    """An action that needs input: GET shows the form, POST validates it and calls the service.

    Bad input (the form's or the service's) is shown next to the fields. A state conflict (the transaction rolled
    back, nothing changed) is a message on the page it was started from, `then`.
    """
    if request.method == "POST" and form.is_valid():
        try:
            result = save(form.cleaned_data)
        except NotAllowed as error:
            return _refused(request, error)
        except ConflictError as error:
            messages.error(request, error.message)
            return redirect(then)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, done(result) if callable(done) else done)
            return redirect(then)
    return render(request, template, {**(context or {}), "form": form, "back_url": then})
