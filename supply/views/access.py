"""Who may open which supply page, and how a page turns a service's answer into what the person sees.

A fab's pages need a membership of a fab, a supplier's pages one of a supplier, and the secretariat's pages a
staff account; anyone else gets the 403 page. Viewers read; writing (any POST, and the pages that only exist to
write) needs the admin or member role. The records themselves are looked up through the organisation, so another
organisation's id is a 404 (see the scoped look-ups in each screen's module).
"""

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from alliance_portal.errors import ConflictError, NotAllowed
from members.models import Membership, Organisation
from members.selectors import membership_for
from members.views.access import forbidden, posted

from ..forms import add_service_errors
from ..services import Actor

__all__ = ["posted", "forbidden", "actor_for", "member_of", "secretariat_required", "act", "form_page"]


def actor_for(request: HttpRequest, membership: Membership | None = None) -> Actor:
    return Actor(
        user=request.user,
        organisation=membership.organisation if membership is not None else None,
        is_secretariat=request.user.is_staff,
    )


_WRONG_KIND = {
    Organisation.Kind.FAB: gettext_lazy("These pages are for IC manufacturers (fabs) filing supply requests."),
    Organisation.Kind.SUPPLIER: gettext_lazy("These pages are for materials suppliers."),
}


def member_of(kind: str, *, write: bool = False) -> Callable:
    """The view receives the user's membership of an organisation of this kind; with `write`, viewers get a 403,
    and so does any POST from a viewer whatever the view."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            membership = membership_for(request.user)
            if membership is None or membership.organisation.kind != kind:
                return forbidden(request, str(_WRONG_KIND[kind]))
            if (write or request.method == "POST") and not membership.can_write:
                return forbidden(request, _("Your role in your organisation is read-only; ask its administrator."))
            return view(request, membership, *args, **kwargs)

        return wrapper

    return decorator


def secretariat_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_staff:
            return forbidden(request, _("Only the secretariat can open this page."))
        return view(request, *args, **kwargs)

    return wrapper


def _refused(request: HttpRequest, error: Exception | None = None) -> HttpResponse:
    if isinstance(error, NotAllowed):
        return forbidden(request, str(error.message))
    return forbidden(request, _("Your organisation or role cannot do this."))


def act(request: HttpRequest, call: Callable[[], object], *, done: str | Callable[[object], str], then: str):
    """A one-click action: call the service, flash what happened, go back to `then`.

    A refused transition is a message and nothing changes (the service's transaction rolled back)."""
    try:
        result = call()
    except (NotAllowed, PermissionError) as error:
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
    form,
    save: Callable[[dict], object],
    done: str | Callable[[object], str],
    then: str,
    template: str = "supply/action_form.html",
    context: dict | None = None,
) -> HttpResponse:
    """An action that needs input: GET shows the form, POST validates it and calls the service.

    Bad input (the form's or the service's) is shown next to the fields. A state conflict (the transaction rolled
    back, nothing changed) is a message on the page it was started from, `then`.
    """
    if request.method == "POST" and form.is_valid():
        try:
            result = save(form.cleaned_data)
        except (NotAllowed, PermissionError) as error:
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
