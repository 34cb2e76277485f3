"""How a web page turns a service's answer into what the person sees, for every app's pages.

- `act(request, call, done=..., then=...)`: a one-click action (a POST): call the service, flash what happened, go
  back to `then`.
- `form_page(request, form=..., save=..., done=..., then=..., template=...)`: an action that needs input: GET shows
  the form, POST validates it and calls the service.
- `add_service_errors(form, error)`: a service's ValidationError next to the fields it names.

A refusal of the person's right (NotAllowed) is the 403 page with the rule's reason; a state conflict
(ConflictError: the service's transaction rolled back, nothing changed) is a message on the page the action was
started from; bad input, the form's or the service's, is shown next to the fields.
"""

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from members.views.access import forbidden

from .errors import ConflictError, NotAllowed

T = TypeVar("T")


def add_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Puts a service's ValidationError next to the fields it names; a name the form has no field for goes on top."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def act(request: HttpRequest, call: Callable[[], T], *, done: str | Callable[[T], str], then: str) -> HttpResponse:
    """A one-click action: call the service, flash what happened, go back to `then`."""
    try:
        result = call()
    except NotAllowed as error:
        return forbidden(request, str(error.message))
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
    template: str,
    context: dict[str, Any] | None = None,
) -> HttpResponse:
    """An action that needs input: GET shows the form, POST validates it and calls the service."""
    if request.method == "POST" and form.is_valid():
        try:
            result = save(form.cleaned_data)
        except NotAllowed as error:
            return forbidden(request, str(error.message))
        except ConflictError as error:
            messages.error(request, error.message)
            return redirect(then)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, done(result) if callable(done) else done)
            return redirect(then)
    return render(request, template, {**(context or {}), "form": form, "back_url": then})
