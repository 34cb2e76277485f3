"""Accepting an invitation: the invitee sets a name and password, and is signed in as a member."""

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from ..forms import InvitationAcceptForm
from ..services import invitation_accept, invitation_from_token


def _invalid(request: HttpRequest, error: ValidationError) -> HttpResponse:
    # 410: the link existed (or looks like one) but no longer leads anywhere; never a 500.
    return render(request, "members/invitation_invalid.html", {"reason": " ".join(error.messages)}, status=410)


@require_http_methods(["GET", "POST"])
@sensitive_post_parameters("password1", "password2")
@never_cache
def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = invitation_from_token(token)
    except ValidationError as error:
        return _invalid(request, error)
    form = InvitationAcceptForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            user = invitation_accept(
                invitation=invitation, name=form.cleaned_data["name"], password=form.cleaned_data["password1"]
            )
        except ValidationError as error:
            return _invalid(request, error)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            request,
            _("Welcome to the Alliance Portal. You are now %(role)s of %(organisation)s.")
            % {"role": invitation.get_role_display(), "organisation": invitation.organisation.name},
        )
        return redirect("members:my_organisation")
    return render(request, "members/invitation_accept.html", {"form": form, "invitation": invitation})
