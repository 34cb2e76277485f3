"""My organisation: its profile, sites and contacts, read by every member and changed by its administrators."""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from alliance_portal.errors import NotAllowed

from .. import services
from ..forms import ContactForm, OrganisationProfileForm, SiteForm
from ..models import Contact, Membership, Organisation, Site
from ..selectors import membership_for
from .access import actor_for, get_for_organisation, org_admin_required, posted, service_refused


def _fields(form) -> dict:
    """What the form validated, for the service to write."""
    return {name: form.cleaned_data[name] for name in form._meta.fields if name in form.cleaned_data}


def _save(request: HttpRequest, form, save) -> object | HttpResponse | None:
    """Calls the service with the form's fields: the saved object, the 403 page, or None with the service's
    complaints on the form."""
    try:
        return save(_fields(form))
    except NotAllowed as error:
        return service_refused(request, error)
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            form.add_error(None, error)
        else:
            for field, errors in error.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        return None


@require_safe
@login_required
def my_organisation(request: HttpRequest) -> HttpResponse:
    membership = membership_for(request.user)
    if membership is None:
        return render(request, "members/no_organisation.html")
    organisation = membership.organisation
    open_invitations = organisation.invitations.filter(accepted_at__isnull=True, revoked_at__isnull=True)
    context = {
        "organisation": organisation,
        "can_edit": actor_for(request, membership).can_edit,
        "categories_supplied": list(organisation.categories_supplied.all()),
        "categories_consumed": list(organisation.categories_consumed.all()),
        "sites": list(organisation.sites.all()),
        "contacts": list(organisation.contacts.all()),
        "memberships": list(organisation.memberships.select_related("user").order_by("role", "user__username")),
        "invitations": list(open_invitations.select_related("invited_by")),
        "invitations_valid_since": timezone.now() - timedelta(days=settings.INVITATION_MAX_AGE_DAYS),
        "roles": Membership.Role.choices,
    }
    return render(request, "members/my_organisation.html", context)


@require_http_methods(["GET", "POST"])
@org_admin_required
def organisation_edit(request: HttpRequest, membership: Membership) -> HttpResponse:
    # A fresh copy: a rejected form must not leave its bad values on the organisation the page header shows.
    organisation = Organisation.objects.get(pk=membership.organisation_id)
    form = OrganisationProfileForm(posted(request), instance=organisation)
    if request.method == "POST" and form.is_valid():
        actor = actor_for(request, membership)
        saved = _save(
            request,
            form,
            lambda fields: services.organisation_update(actor=actor, organisation=organisation, fields=fields),
        )
        if isinstance(saved, HttpResponse):
            return saved
        if saved is not None:
            messages.success(request, _("Your organisation's profile has been saved."))
            return redirect("members:my_organisation")
    return render(request, "members/organisation_form.html", {"form": form, "organisation": membership.organisation})


def _object_form(
    request: HttpRequest,
    *,
    form_class: type,
    instance: Site | Contact,
    template: str,
    saved_message: str,
    save,
) -> HttpResponse:
    # Taken before binding: a rejected form writes its values onto the instance.
    title_name = str(instance) if instance.pk else ""
    form = form_class(posted(request), instance=instance)
    if request.method == "POST" and form.is_valid():
        saved = _save(request, form, save)
        if isinstance(saved, HttpResponse):
            return saved
        if saved is not None:
            messages.success(request, saved_message % {"name": saved})
            return redirect("members:my_organisation")
    context = {"form": form, "object": instance, "title_name": title_name}
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
@org_admin_required
def site_create(request: HttpRequest, membership: Membership) -> HttpResponse:
    return _object_form(
        request,
        form_class=SiteForm,
        instance=Site(organisation=membership.organisation),
        template="members/site_form.html",
        saved_message=_("The site “%(name)s” has been added."),
        save=lambda fields: services.site_create(
            actor=actor_for(request, membership), organisation=membership.organisation, fields=fields
        ),
    )


@require_http_methods(["GET", "POST"])
@org_admin_required
def site_edit(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    site = get_for_organisation(Site, membership.organisation, pk)
    return _object_form(
        request,
        form_class=SiteForm,
        instance=site,
        template="members/site_form.html",
        saved_message=_("The site “%(name)s” has been saved."),
        save=lambda fields: services.site_update(actor=actor_for(request, membership), site=site, fields=fields),
    )


@require_http_methods(["GET", "POST"])
@org_admin_required
def contact_create(request: HttpRequest, membership: Membership) -> HttpResponse:
    return _object_form(
        request,
        form_class=ContactForm,
        instance=Contact(organisation=membership.organisation),
        template="members/contact_form.html",
        saved_message=_("The contact “%(name)s” has been added."),
        save=lambda fields: services.contact_create(
            actor=actor_for(request, membership), organisation=membership.organisation, fields=fields
        ),
    )


@require_http_methods(["GET", "POST"])
@org_admin_required
def contact_edit(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    contact = get_for_organisation(Contact, membership.organisation, pk)
    return _object_form(
        request,
        form_class=ContactForm,
        instance=contact,
        template="members/contact_form.html",
        saved_message=_("The contact “%(name)s” has been saved."),
        save=lambda fields: services.contact_update(
            actor=actor_for(request, membership), contact=contact, fields=fields
        ),
    )


@require_http_methods(["GET", "POST"])
@org_admin_required
def contact_delete(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    """GET asks for confirmation; only POST deletes. Contacts are personal data, so they really go
    (the history table keeps who deleted whom, and when)."""
    contact = get_for_organisation(Contact, membership.organisation, pk)
    if request.method == "POST":
        name = contact.name
        try:
            services.contact_delete(actor=actor_for(request, membership), contact=contact)
        except NotAllowed as error:
            return service_refused(request, error)
        messages.success(request, _("The contact “%(name)s” has been deleted.") % {"name": name})
        return redirect("members:my_organisation")
    return render(request, "members/contact_confirm_delete.html", {"contact": contact})
