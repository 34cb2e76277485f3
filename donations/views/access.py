"""Who may open which donations page, and how a page turns a service's answer into what the person sees.

Appeals, the honour roll and the certificate check are public. Pledges and shipments are looked up through
donations.selectors.visible_pledges / visible_shipments, so a record the person is no party to is a 404; whether they
may act on it is the service's question (NotAllowed: the 403 page; ConflictError: a message and nothing changed).
"""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from alliance_portal.errors import ConflictError, NotAllowed
from members.rules import Actor, actor_for_user
from members.views.access import forbidden, posted

from ..forms import add_service_errors
from ..models import Pledge, Shipment
from ..selectors import visible_pledges, visible_shipments

__all__ = ["act", "actor_of", "forbidden", "form_page", "pledge_for", "posted", "shipment_for"]


def actor_of(request: HttpRequest) -> Actor:
    return actor_for_user(request.user)


def pledge_for(request: HttpRequest, pk: int) -> Pledge:
    return get_object_or_404(visible_pledges(actor_of(request)), pk=pk)


def shipment_for(request: HttpRequest, pk: int) -> Shipment:
    return get_object_or_404(visible_shipments(actor_of(request)), pk=pk)


def act(request: HttpRequest, call: Callable[[], object], *, done: str, then: str) -> HttpResponse:
    try:
        call()
    except NotAllowed as error:
        return forbidden(request, str(error.message))
    except ConflictError as error:
        messages.error(request, error.message)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect(then)


def form_page(
    request: HttpRequest,
    *,
    form,
    save: Callable[[dict], object],
    done: str,
    then: str,
    template: str = "donations/action_form.html",
    context: dict | None = None,
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except NotAllowed as error:
            return forbidden(request, str(error.message))
        except ConflictError as error:
            messages.error(request, error.message)
            return redirect(then)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, done)
            return redirect(then)
    return render(request, template, {**(context or {}), "form": form, "back_url": then})
