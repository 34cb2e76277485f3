"""The people of my organisation: inviting colleagues, changing their roles, removing them."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from alliance_portal.errors import NotAllowed

from .. import services
from ..forms import InvitationForm, MembershipRoleForm
from ..models import Invitation, Membership
from ..services import invitation_create, membership_remove, membership_set_role
from .access import actor_for, get_for_organisation, org_admin_required, posted, service_refused


@require_http_methods(["GET", "POST"])
@org_admin_required
def invitation_new(request: HttpRequest, membership: Membership) -> HttpResponse:
    form = InvitationForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            invitation = invitation_create(
                actor=actor_for(request, membership),
                organisation=membership.organisation,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                language=form.cleaned_data["language"],
            )
        except NotAllowed as error:
            return service_refused(request, error)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("An invitation has been sent to %(email)s. The link in it works for %(days)d days.")
                % {"email": invitation.email, "days": settings.INVITATION_MAX_AGE_DAYS},
            )
            return redirect("members:my_organisation")
    return render(request, "members/invitation_form.html", {"form": form, "organisation": membership.organisation})


@require_POST
@org_admin_required
def invitation_revoke(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    invitation = get_for_organisation(Invitation, membership.organisation, pk)
    try:
        revoked = services.invitation_revoke(
            actor=actor_for(request, membership), invitations=Invitation.objects.filter(pk=invitation.pk)
        )
    except NotAllowed as error:
        return service_refused(request, error)
    if revoked:
        messages.success(request, _("The invitation to %(email)s has been withdrawn.") % {"email": invitation.email})
    else:
        messages.info(
            request, _("The invitation to %(email)s was already used or withdrawn.") % {"email": invitation.email}
        )
    return redirect("members:my_organisation")


def _person(target: Membership) -> str:
    return target.user.get_full_name() or target.user.get_username()


@require_POST
@org_admin_required
def membership_role(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    target = get_for_organisation(Membership.objects.select_related("user"), membership.organisation, pk)
    form = MembershipRoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a valid role."))
        return redirect("members:my_organisation")
    try:
        target = membership_set_role(
            actor=actor_for(request, membership), membership=target, role=form.cleaned_data["role"]
        )
    except NotAllowed as error:
        return service_refused(request, error)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(person)s is now %(role)s.") % {"person": _person(target), "role": target.get_role_display()},
        )
    return redirect("members:my_organisation")


@require_http_methods(["GET", "POST"])
@org_admin_required
def membership_delete(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    """GET asks for confirmation; POST removes the person, whose account is then deactivated."""
    target = get_for_organisation(Membership.objects.select_related("user"), membership.organisation, pk)
    if request.method == "GET":
        return render(request, "members/membership_confirm_delete.html", {"target": target})
    person, organisation_name = _person(target), membership.organisation.name
    try:
        membership_remove(actor=actor_for(request, membership), membership=target)
    except NotAllowed as error:
        return service_refused(request, error)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("members:my_organisation")
    if target.user_id == request.user.pk:
        logout(request)
        messages.success(request, _("You have left %(organisation)s.") % {"organisation": organisation_name})
        return redirect("home")
    messages.success(
        request,
        _("%(person)s has been removed from %(organisation)s and can no longer sign in.")
        % {"person": person, "organisation": organisation_name},
    )
    return redirect("members:my_organisation")
