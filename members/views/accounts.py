"""Account pages of our own: accepting an invitation, and signing in and out with a message."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from alliance_portal.errors import NotAllowed

from ..forms import InvitationAcceptForm
from ..rules import actor_for_user
from ..services import invitation_accept, invitation_from_token
from .access import forbidden, posted


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
    form = InvitationAcceptForm(posted(request), email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            user = invitation_accept(
                actor=actor_for_user(request.user),
                invitation=invitation,
                name=form.cleaned_data["name"],
                password=form.cleaned_data["password1"],
            )
        except ValidationError as error:
            return _invalid(request, error)
        except NotAllowed as error:
            return forbidden(request, str(error.message))
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            request,
            _("Welcome to the Alliance Portal. You are now %(role)s of %(organisation)s.")
            % {"role": invitation.get_role_display(), "organisation": invitation.organisation.name},
        )
        return redirect("members:my_organisation")
    return render(request, "members/invitation_accept.html", {"form": form, "invitation": invitation})


class LoginView(auth_views.LoginView):
    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.get_user()
        messages.success(
            self.request,
            _("Welcome, %(name)s. You are signed in.") % {"name": user.get_full_name() or user.get_username()},
        )
        return response


class LogoutView(auth_views.LogoutView):
    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        # Added after the session is flushed, so the message survives in the message cookie.
        messages.info(request, _("You have signed out."))
        return response
