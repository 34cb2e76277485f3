"""What the registry's admins share: service refusals as messages on a change page, and adopting a row a service
created as the admin's own object."""

from django.contrib import messages
from django.http import HttpResponseRedirect

from alliance_portal.admin_tools import SERVICE_ERRORS, service_error_text


def adopt(target, saved) -> None:
    """Make the admin's unsaved object the row a service created, so the log entry and the redirect point at it."""
    for field in type(saved)._meta.concrete_fields:
        setattr(target, field.attname, getattr(saved, field.attname))
    target._state.adding = False
    target._state.db = saved._state.db


class ServiceRefusalsAsMessagesMixin:
    """A change page whose save calls a service: a refusal the form could not foresee (a rule checked again under a
    lock, a right) rolls the whole save back and comes back to the same page as an error message, never a 500."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except SERVICE_ERRORS as error:
            self.message_user(request, service_error_text(error), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
