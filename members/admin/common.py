"""What the registry's admins share: saving a change page or an inline through the services (the refusal-as-message
mixin and `adopt` are alliance_portal.admin_tools')."""

from collections.abc import Callable

from alliance_portal.admin_tools import ServiceRefusalsAsMessagesMixin, admin_actor, adopt


def form_fields(form, *, changed: bool) -> dict:
    """The validated values of a model form (only those that changed, with `changed`), for a service to write."""
    names = form.changed_data if changed else list(form.cleaned_data)
    return {name: form.cleaned_data[name] for name in names if name in form.cleaned_data and name in form.base_fields}


class ServiceSaveMixin(ServiceRefusalsAsMessagesMixin):
    """A change page saved through a service: `create_row(actor, obj, fields)` returns the new row,
    `update_row(actor, obj, fields)` gets only the changed fields (many-to-many ones included: the service sets
    them, so the form does not save them again)."""

    def create_row(self, actor, obj, fields):
        raise NotImplementedError

    def update_row(self, actor, obj, fields):
        raise NotImplementedError

    def save_model(self, request, obj, form, change):
        actor = admin_actor(request)
        if change:
            self.update_row(actor, obj, form_fields(form, changed=True))
        else:
            adopt(obj, self.create_row(actor, obj, form_fields(form, changed=False)))

    def save_related(self, request, form, formsets, change):
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


def save_children(
    request,
    formset,
    *,
    create: Callable[..., object],
    update: Callable[..., object],
    delete: Callable[..., object] | None = None,
) -> None:
    """An inline of an organisation's rows (sites, contacts) saved through the services:
    `create(actor=, organisation=, fields=)`, `update(actor=, obj=, fields=)`, `delete(actor=, obj=)`."""
    actor = admin_actor(request)
    formset.save(commit=False)  # sorts the rows into new, changed and deleted ones (and the change message)
    editable = [name for name in formset.form.base_fields if name != formset.fk.name]
    for obj in formset.new_objects:
        adopt(obj, create(actor=actor, organisation=formset.instance, fields={n: getattr(obj, n) for n in editable}))
    for obj, changed in formset.changed_objects:
        update(actor=actor, obj=obj, fields={n: getattr(obj, n) for n in changed if n in editable})
    for obj in formset.deleted_objects:
        if delete is None:
            raise AssertionError("this inline deletes nothing")
        delete(actor=actor, obj=obj)
